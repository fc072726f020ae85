"""Admin of organisations and users: organisation admins manage their own organisation and its users.

Non-superusers cannot make anyone a superuser, move a user to another organisation, grant single
permissions (the L3 permission `accounts.view_sensitive_data` is one: only superusers grant it),
or give any group other than the four roles.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import Organisation, User
from casework.accounts.roles import ROLE_PERMISSIONS
from casework.core.admin import AuditedModelAdmin


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    """Superusers manage all organisations; an organisation admin changes their own (not its case-number prefix)."""

    list_display = ("name", "code", "kind", "email", "language", "last_case_number")
    list_filter = ("kind",)
    list_select_related = ()
    search_fields = ("name", "code")
    ordering = ("name",)
    fields = ("name", "code", "kind", "email", "language", "last_case_number", "public_id", "created_at", "updated_at")
    readonly_fields = ("last_case_number", "public_id", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # The code prefixes every case number of the organisation.
            readonly.append("code")
        return readonly

    def assert_in_scope(self, request: HttpRequest, obj: Organisation) -> None:
        if not request.user.is_superuser and obj.pk != request.user.organisation_id:
            raise PermissionDenied


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users of the organisation; role groups only, and no superuser or single-permission grants by non-superusers."""

    # Set again here: the scoped base would otherwise replace Django's user forms by its model form.
    form = UserChangeForm
    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm
    organisation_editable_on_change = True  # superusers may move a user to another organisation

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Casework"), {"fields": ("organisation", "sees_assigned_only", "language", "digest_frequency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active", "sees_assigned_only")
    list_filter = ("is_staff", "is_active", "sees_assigned_only", "groups")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined")

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> list[tuple[Any, dict]]:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and request.user.is_superuser:
            fieldsets = [*fieldsets, (_("Casework"), {"fields": ("organisation",)})]
        return fieldsets

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "organisation" in form.base_fields:
            # A user other than a superuser must belong to an organisation (database constraint).
            form.base_fields["organisation"].required = True
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = list(super().get_list_filter(request))
        return [*filters, "is_superuser", "organisation"] if request.user.is_superuser else filters

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_PERMISSIONS).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
