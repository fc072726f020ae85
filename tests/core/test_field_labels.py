"""Every field of our models has an explicit, translatable label.

A field without `verbose_name` is labelled with its attribute name in English ("created by", "target type") in
the admin, in form labels and in validation errors, even when the page is in Arabic or French. So each concrete
field of each model of a `casework.*` app must have a `verbose_name` that is a lazy translation (a `Promise`,
from `gettext_lazy`): a plain string would not follow the page's language either.

The rule is deliberately simple, with no judgement of which fields a user can see (a field that is not editable
today is shown by a ModelAdmin's `readonly_fields` or a record page tomorrow). Exempt only:
- the fields Django creates itself (the automatic `id`, the link of a child model to its parent);
- the history models of simple_history ("Historical…"): their fields are copies of the model's, and the
  history columns they add (`history_date`, `history_user`…) are labelled by simple_history, not by us.
"""

from django.apps import apps
from django.utils.functional import Promise


def _unlabelled() -> list[str]:
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith("casework."):
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if field.auto_created or getattr(field.remote_field, "parent_link", False):
                    continue
                if not isinstance(field.verbose_name, Promise):
                    missing.append(f"{model._meta.label}.{field.name}")
    return missing


def test_every_model_field_has_a_translatable_label():
    missing = _unlabelled()
    assert not missing, f"{len(missing)} fields without a gettext_lazy verbose_name:\n" + "\n".join(missing)


def test_a_plain_string_label_is_not_taken_for_a_translated_one():
    """The walk does read the labels: a field labelled with a plain string is reported."""
    from casework.core.models import AuditEvent

    field = AuditEvent._meta.get_field("action")
    saved = field.verbose_name
    field.verbose_name = "action"
    try:
        assert "core.AuditEvent.action" in _unlabelled()
    finally:
        field.verbose_name = saved
