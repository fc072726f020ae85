"""Every admin of the site is built on the scoped base, so no admin can show another organisation's rows."""

from django.contrib import admin
from django.contrib.auth.models import Group

from casework.core.admin import ScopedInlineMixin, ScopedModelAdmin

# Admins that may stay outside the scoped base, each with the reason. Keep it short.
ALLOWED_UNSCOPED: dict[type, str] = {
    # Roles are global (the same groups for every organisation) and only superusers may manage them.
    Group: "roles are shared by all organisations; superusers only",
}


def test_every_model_admin_derives_from_the_scoped_base():
    unscoped = sorted(
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if model not in ALLOWED_UNSCOPED and not isinstance(model_admin, ScopedModelAdmin)
    )
    assert not unscoped, f"Admins not derived from ScopedModelAdmin: {unscoped}"


def test_every_inline_derives_from_the_scoped_inline_base():
    unscoped = sorted(
        f"{type(model_admin).__name__}.{inline.__name__}"
        for model_admin in admin.site._registry.values()
        for inline in getattr(model_admin, "inlines", ())
        if not issubclass(inline, ScopedInlineMixin)
    )
    assert not unscoped, f"Inlines not derived from ScopedInlineMixin: {unscoped}"


def test_the_allowlist_names_only_registered_models():
    """A stale entry would let a future admin of that model slip through unscoped."""
    assert set(ALLOWED_UNSCOPED) <= set(admin.site._registry)
