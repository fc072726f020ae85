"""Forms and formsets of the person admin; the rules they pre-check are asked of the models and services."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import User
from casework.core.admin import NonOverlappingPeriodsFormSet
from casework.core.forms import AdminModelForm, VersionedAdminForm
from casework.people.models import FamilyLink, IdentityDocument


def _kept_forms(formset: BaseInlineFormSet) -> list[forms.Form]:
    """The formset's forms that hold a row after saving (not deleted, not empty extras)."""
    kept = []
    for form in formset.forms:
        if not getattr(form, "cleaned_data", None) or formset._should_delete_form(form):
            continue
        if form.instance._state.adding and not form.has_changed():
            continue
        kept.append(form)
    return kept


class PersonAdminForm(AdminModelForm):
    """Pre-checks the rules `person_register` / `person_update` would otherwise refuse after validation.

    `version` carries the `updated_at` the form was built from (optimistic concurrency): a save over
    someone else's newer edit is a form error, and `person_update` checks it again under its lock.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.updated_at:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def expected_updated_at(self) -> datetime | None:
        version = self.cleaned_data.get("version")
        try:
            return datetime.fromisoformat(version) if version else None
        except ValueError:
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        expected = self.expected_updated_at()
        if expected is not None and self.instance.pk is not None and self.instance.updated_at != expected:
            raise forms.ValidationError(
                gettext("Someone else changed this record while you were editing it. Reload the page and try again.")
            )
        organisation = cleaned.get("organisation")
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        if organisation_id:
            assignee = cleaned.get("assigned_to")
            if assignee is not None and assignee.organisation_id != organisation_id:
                self.add_error("assigned_to", gettext("The assigned caseworker belongs to another organisation."))
            household = cleaned.get("household")
            if household is not None and household.organisation_id != organisation_id:
                self.add_error("household", gettext("This household belongs to another organisation."))
        return cleaned


class _DownloadLink:
    """Stands for the stored copy in the file widget: the scoped download view instead of the storage path."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __str__(self) -> str:
        return gettext("Download the copy")


class ScopedCopyWidget(AdminFileWidget):
    """The admin's file input, linking the current copy through the scoped, audited download view.

    Django's widget would link `MEDIA_URL` + the storage path, which nothing serves (docs/security.md).
    """

    download_url = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _DownloadLink(self.download_url)
        return context


class IdentityDocumentAdminForm(VersionedAdminForm):
    """A document in the admin: its current copy is linked through `people:document_file`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is None:
            return
        widget = ScopedCopyWidget(attrs=field.widget.attrs)
        document = self.instance
        if document.pk and document.file and document.person_id:
            widget.download_url = reverse("people:document_file", args=[document.person.public_id, document.public_id])
        field.widget = widget


class DocumentCopyMixin:
    """For users who may only view documents: the copy as a link to the scoped download view, not the storage path."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        if self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return fields
        return [
            tuple("copy" if name == "file" else name for name in entry)
            if isinstance(entry, tuple | list)
            else ("copy" if entry == "file" else entry)
            for entry in fields
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        readonly = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [*readonly, "copy"]

    @admin.display(description=_("scan"))
    def copy(self, obj: IdentityDocument | None) -> str:
        if obj is None or obj.pk is None or not obj.file:
            return "-"
        url = reverse("people:document_file", args=[obj.person.public_id, obj.public_id])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the copy"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False, empty_label=_("— nobody (unassign) —")
    )

    def __init__(self, *args: Any, assignees: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class FamilyLinkFormSet(BaseInlineFormSet):
    """Pre-checks what `family_link_create` would refuse (`FamilyLink.refusal`), as form errors."""

    def clean(self) -> None:
        super().clean()
        person = self.instance
        for form in _kept_forms(self):
            relative = form.cleaned_data.get("relative")
            if relative is None or not form.has_changed():
                continue
            if form.instance.pk is not None and "relative" in form.changed_data:
                # The inverse link belongs to the relative: moving a link would leave it behind.
                form.add_error(
                    "relative", gettext("A link cannot move to another relative: remove it and add a new one.")
                )
            elif (refusal := FamilyLink.refusal(person, relative)) is not None:
                form.add_error("relative", refusal)


class CustodyPeriodFormSet(NonOverlappingPeriodsFormSet):
    overlap_message = _("This period overlaps another custody period of the same person.")


class NationalityClaimFormSet(BaseInlineFormSet):
    """One main nationality per person (a conditional unique constraint the formset does not check itself)."""

    def clean(self) -> None:
        super().clean()
        primary = [f for f in _kept_forms(self) if f.cleaned_data.get("is_primary")]
        for form in primary[1:]:
            form.add_error("is_primary", gettext("Only one nationality can be the main one."))
