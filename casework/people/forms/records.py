"""Forms of the records attached to a person: aliases, nationality claims, identity documents, DNA tests."""

from datetime import datetime
from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from casework.core.forms import AdminModelForm, row_formset
from casework.core.sensitivity import can_view_sensitive, sensitive_fields
from casework.people.choices import AliasKind, ClaimStatus, Script
from casework.people.forms.common import DATE_WIDGET, UniqueAliasFormSet, crispy_row_helper, parse_version
from casework.people.models import DnaTest, IdentityDocument, NationalityClaim

SCAN_MAX_BYTES = 10 * 1024 * 1024


class PersonRecordForm(AdminModelForm):
    """A record of a person (document, DNA test, alias…): its own fields and, when editing, its version.

    L3 fields of the model are left out for users without the sensitive-data permission. The view
    hands `form.instance` to a service; the form never saves.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not can_view_sensitive(user):
            for name in sensitive_fields(self._meta.model):
                self.fields.pop(name, None)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_WIDGET
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()
        self.helper = crispy_row_helper()

    def clean_version(self) -> datetime | None:
        value = self.cleaned_data["version"]
        if self.instance.pk is None:
            return None
        if not value:
            raise forms.ValidationError(_("The form is out of date. Open the page again."))
        return parse_version(value)


class AliasRowForm(forms.Form):
    """One row of the aliases formset of a person: a recorded alias (with its id and version) or a new one."""

    id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AliasKind.choices, initial=AliasKind.ALIAS)
    name = forms.CharField(label=_("Name"), max_length=200)
    script = forms.ChoiceField(label=_("Script"), choices=Script.choices, initial=Script.LATIN)
    armed_group_link = forms.BooleanField(label=_("Linked to an armed group"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["dir"] = "auto"
        columns = [Column("kind", css_class="col-md-3"), Column("name", css_class="col-md-4")]
        columns.append(Column("script", css_class="col-md-2"))
        if can_view_sensitive(user):
            columns.append(Column("armed_group_link", css_class="col-md-2 pt-md-4"))
        else:
            # L3: neither shown nor changed without the permission.
            del self.fields["armed_group_link"]
        self.helper = crispy_row_helper()
        self.helper.layout = Layout("id", "version", Row(*columns, Column("DELETE", css_class="col-md-1 pt-md-4")))

    def clean_version(self) -> datetime | None:
        value = self.cleaned_data["version"]
        return parse_version(value) if value else None


class BaseAliasRowFormSet(UniqueAliasFormSet):
    def check_row(self, form: Any) -> None:
        """A recorded row carries the version it was edited from."""
        if form.cleaned_data.get("id") and not form.cleaned_data.get("version"):
            raise forms.ValidationError(_("The form is out of date. Open the page again."))


AliasRowFormSet = row_formset(AliasRowForm, BaseAliasRowFormSet, max_num=50, extra=2, can_delete=True)


class NationalityClaimAddForm(PersonRecordForm):
    class Meta:
        model = NationalityClaim
        fields = ["country", "basis", "is_primary", "statelessness_risk", "claimed_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Ticked only for a first claim: a further State does not take the mark by default.
            self.initial["is_primary"] = not NationalityClaim.objects.filter(person_id=self.instance.person_id).exists()


class NationalityClaimEditForm(PersonRecordForm):
    """The State of a claim is fixed once recorded; its status moves through the transition form."""

    class Meta:
        model = NationalityClaim
        fields = ["basis", "is_primary", "statelessness_risk", "claimed_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class NationalityClaimTransitionForm(forms.Form):
    """A move of a nationality claim to one of the statuses allowed from its current one."""

    to = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Reason"), required=False, max_length=100)

    def __init__(self, *args: Any, claim: NationalityClaim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ClaimStatus.choices)
        allowed = NationalityClaim.TRANSITIONS.get(claim.status, frozenset())
        self.fields["to"].choices = [(value, labels[value]) for value in ClaimStatus.values if value in allowed]


class IdentityDocumentForm(PersonRecordForm):
    class Meta:
        model = IdentityDocument
        fields = [
            "document_type",
            "number",
            "issuing_country",
            "issued_on",
            "expires_on",
            "is_copy",
            "seen_on",
            "file",
            "notes",
        ]
        # A plain file input: Django's ClearableFileInput would print the storage path of the current
        # copy as a dead link. The edit page links to the scoped download view instead.
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}), "file": forms.FileInput}
        labels = {"file": _("Copy (scan)")}
        help_texts = {"file": _("PDF or image, at most 10 MB. Stored under an opaque name.")}

    remove_file = forms.BooleanField(
        label=_("Remove the copy"),
        required=False,
        help_text=_("The stored copy is deleted when you save. Ignored if you upload a new copy."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "file" not in self.fields or not self.instance.file:
            self.fields.pop("remove_file")
        else:
            self.fields["file"].help_text = _(
                "PDF or image, at most 10 MB. A new copy replaces the current one, which is deleted."
            )
            self.order_fields([*list(self.fields)[: list(self.fields).index("file") + 1], "remove_file"])

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "size", 0) > SCAN_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        is_new_upload = isinstance(upload, UploadedFile)
        if cleaned.get("remove_file") and not is_new_upload:
            cleaned["file"] = False  # FileField.save_form_data clears the field; the service deletes the file
        return cleaned


class DnaTestForm(PersonRecordForm):
    class Meta:
        model = DnaTest
        fields = [
            "requested_on",
            "requested_by",
            "requesting_country",
            "compared_with",
            "laboratory",
            "sampled_on",
            "result_received_on",
            "outcome",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
