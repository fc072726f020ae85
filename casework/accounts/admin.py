"""Admin of organisations and users: organisation admins manage their own organisation and its users.

Non-superusers cannot make anyone a superuser, move a user to another organisation, grant single
permissions (the L3 permission `accounts.view_sensitive_data` is one: only superusers grant it),
or give any group other than the four roles. They cannot set the password or change the e-mail
address of a user who holds more rights (`services.may_manage_credentials`): they send a reset link
to the user's own address instead. Password changes and grants or revocations of roles and of the
L3 permission are audited; an L3 grant needs a reason. Actions end a user's sessions, reset their
second factor (same rights rule as passwords) and unlock logins blocked by django-axes.
"""

from collections.abc import Sequence
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import services, sessions, twofactor
from casework.accounts.models import Organisation, User
from casework.accounts.roles import ROLE_PERMISSIONS
from casework.core import audit
from casework.core.admin import AuditedModelAdmin
from casework.core.exceptions import DomainError
from casework.core.forms import reason_field


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    """Superusers manage all organisations; an organisation admin changes their own (not its case-number prefix)."""

    list_display = ("name", "code", "kind", "email", "language", "require_second_factor_for_all", "last_case_number")
    list_filter = ("kind", "require_second_factor_for_all")
    list_select_related = ()
    search_fields = ("name", "code")
    ordering = ("name",)
    fields = (
        "name",
        "code",
        "kind",
        "email",
        "language",
        "require_second_factor_for_all",
        "last_case_number",
        "public_id",
        "created_at",
        "updated_at",
    )
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

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "require_second_factor_for_all" in form.changed_data:
            services.organisation_record_second_factor_policy(actor=request.user, organisation=obj)


class CaseworkUserChangeForm(UserChangeForm):
    """Django's user form, plus the reason required when the L3 permission is granted."""

    sensitive_access_reason = reason_field(
        _("Reason for access to highly sensitive data"),
        _("Required when the permission for highly sensitive (L3) data is granted; kept in the audit log."),
        max_length=500,
        rows=2,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        permissions = cleaned.get("user_permissions")
        if permissions is not None and self.instance.pk:
            granted = any(p.codename == services.SENSITIVE_PERMISSION for p in permissions)
            newly = granted and not services.holds_sensitive_access(self.instance)
            if newly and not cleaned.get("sensitive_access_reason", "").strip():
                self.add_error("sensitive_access_reason", _("Say why this user needs highly sensitive data."))
        return cleaned


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users of the organisation; role groups only, and no superuser or single-permission grants by non-superusers."""

    # Set again here: the scoped base would otherwise replace Django's user forms by its model form.
    form = CaseworkUserChangeForm
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
    actions = ["send_password_reset", "end_sessions", "reset_second_factor", "unlock_logins"]

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> list[tuple[Any, dict]]:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and request.user.is_superuser:
            fieldsets = [*fieldsets, (_("Casework"), {"fields": ("organisation",)})]
        if obj is not None and request.user.is_superuser:
            fieldsets = [*fieldsets, (_("Highly sensitive data"), {"fields": ("sensitive_access_reason",)})]
        return fieldsets

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's password page, refused (403) for a user who holds more rights than the actor; audited."""
        target = self.get_object(request, unquote(id))
        if target is not None and not services.may_manage_credentials(actor=request.user, target=target):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        changed = User.objects.filter(pk=getattr(target, "pk", None)).exclude(password=getattr(target, "password", ""))
        if target is not None and request.method == "POST" and changed.exists():
            services.user_record_password_change(actor=request.user, user=target, how="set")
        return response

    @admin.action(description=_("Send a password reset link to the user's own e-mail"), permissions=["change"])
    def send_password_reset(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = list(queryset)
        for user in users:
            services.user_send_password_reset(actor=request.user, user=user, request=request)
        self.message_user(
            request,
            ngettext(
                "A reset link was sent to %(count)d user's own e-mail address.",
                "A reset link was sent to %(count)d users' own e-mail addresses.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("End all sessions of the selected users"), permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        ended = sum(sessions.user_end_sessions(user=user, actor=request.user, reason="admin") for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session was ended.", "%(count)d sessions were ended.", ended) % {"count": ended},
        )

    @admin.action(
        description=_("Reset the second factor (the user enrols again at next login)"), permissions=["change"]
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = refused = 0
        for user in queryset:
            try:
                twofactor.second_factor_reset(actor=request.user, user=user)
                done += 1
            except DomainError:
                refused += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d user was reset.",
                    "The second factors of %(count)d users were reset.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d user was left unchanged: you may not reset your own second factor or that of a user "
                    "with more rights than you.",
                    "%(count)d users were left unchanged: you may not reset your own second factor or that of a user "
                    "with more rights than you.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )

    @admin.action(description=_("Unlock logins blocked after failed attempts"), permissions=["change"])
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = list(queryset)
        for user in users:
            axes_reset(username=user.get_username())
            audit.record(actor=request.user, action="accounts.user.login_unlocked", target=user)
        self.message_user(
            request,
            ngettext("%(count)d user was unlocked.", "%(count)d users were unlocked.", len(users))
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            services.user_record_deactivation(actor=request.user, user=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        roles_before = set(user.groups.values_list("name", flat=True)) if change else set()
        sensitive_before = services.holds_sensitive_access(user) if change else False
        super().save_related(request, form, formsets, change)
        services.user_record_rights_change(
            actor=request.user,
            user=user,
            roles_before=roles_before,
            roles_after=set(user.groups.values_list("name", flat=True)),
            sensitive_before=sensitive_before,
            reason=form.cleaned_data.get("sensitive_access_reason", ""),
        )

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
        if obj is not None and not services.may_manage_credentials(actor=request.user, target=obj):
            readonly.append("email")  # a changed address would receive the reset link
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


# django-otp's own device admins show and edit the secrets behind second factors, without the rule above
# about users with more rights: second factors are reset only through the user admin's action.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
