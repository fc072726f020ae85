"""Forms of the caseworker pages about persons: intake, edit, aliases, nationality claims, status.

Forms validate shape only; business rules stay in the services they feed, and no form saves a
model. Every foreign-key choice is narrowed to the user's scope.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import Organisation, User
from casework.camps.models import Facility, FacilitySection
from casework.core.files import reencode_photo
from casework.core.forms import AdminModelForm
from casework.core.sensitivity import can_view_sensitive, sensitive_fields
from casework.people.choices import (
    AliasKind,
    CaseStatus,
    ClaimBasis,
    ClaimStatus,
    ClosureReason,
    Relation,
    Script,
    TransferReason,
)
from casework.people.models import DnaTest, FamilyLink, IdentityDocument, NationalityClaim, Person
from casework.people.names import normalise_name

NAME_FIELDS_LAT = ["given_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat"]
NAME_FIELDS_AR = ["given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar"]
BIRTH_FIELDS = ["birth_date", "birth_date_precision", "birth_date_earliest", "birth_date_latest"]
ORIGIN_FIELDS = ["place_of_birth", "country_of_birth"]
# The person's own fields a caseworker edits (status and case number move through their own actions).
EDIT_FIELDS = [
    *NAME_FIELDS_LAT,
    *NAME_FIELDS_AR,
    "sex",
    *BIRTH_FIELDS,
    *ORIGIN_FIELDS,
    "date_of_death",
    "separation_status",
    "whereabouts_unknown",
]
SENSITIVE_EDIT_FIELDS = [
    "has_disability",
    "has_medical_condition",
    "medical_urgent",
    "health_notes",
    "child_protection_notes",
]
_DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _arabic_input() -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})


class PersonForm(forms.ModelForm):
    """The person's own fields, names in parts in both scripts; L3 fields only for permitted users.

    Validation runs `Person.clean()` on `form.instance` (at least one name, a coherent birth date),
    and the view hands that instance to a service; the form itself never saves.
    """

    class Meta:
        model = Person
        fields = [*EDIT_FIELDS, *SENSITIVE_EDIT_FIELDS]
        widgets = {
            **{name: _arabic_input() for name in NAME_FIELDS_AR},
            "birth_date": _DATE_WIDGET,
            "birth_date_earliest": _DATE_WIDGET,
            "birth_date_latest": _DATE_WIDGET,
            "date_of_death": _DATE_WIDGET,
            "health_notes": forms.Textarea(attrs={"rows": 3}),
            "child_protection_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "birth_date": _("For “Year only” any day of that year; for “Month and year” any day of that month."),
            "birth_date_earliest": _("Only for “Estimated range”."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.sensitive = can_view_sensitive(user)
        if not self.sensitive:
            # Not in the form at all: the values stay as they are and are never sent to the browser.
            for name in SENSITIVE_EDIT_FIELDS:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.layout_parts())

    def _update_errors(self, errors: ValidationError) -> None:
        # `Person.clean()` may name a field this form leaves out (an L3 field): show it on the form.
        if hasattr(errors, "error_dict"):
            placed: dict[str, list] = {}
            for field, field_errors in errors.error_dict.items():
                key = field if field == NON_FIELD_ERRORS or field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(field_errors)
            errors = ValidationError(placed)
        super()._update_errors(errors)

    def layout_parts(self) -> list[Any]:
        """The fieldsets of the form, in order (subclasses add theirs)."""
        parts = [
            Fieldset(_("Name (Latin script)"), Row(*(Column(name, css_class="col-md-3") for name in NAME_FIELDS_LAT))),
            Fieldset(_("Name (Arabic script)"), Row(*(Column(name, css_class="col-md-3") for name in NAME_FIELDS_AR))),
            Fieldset(
                _("Birth"),
                Row(
                    Column("sex", css_class="col-md-3"),
                    Column("birth_date", css_class="col-md-3"),
                    Column("birth_date_precision", css_class="col-md-3"),
                ),
                Row(
                    Column("birth_date_earliest", css_class="col-md-3"),
                    Column("birth_date_latest", css_class="col-md-3"),
                    Column("place_of_birth", css_class="col-md-3"),
                    Column("country_of_birth", css_class="col-md-3"),
                ),
            ),
            Fieldset(
                _("Situation"),
                Row(
                    Column("separation_status", css_class="col-md-4"),
                    Column("date_of_death", css_class="col-md-4"),
                    Column("whereabouts_unknown", css_class="col-md-4"),
                ),
            ),
        ]
        if self.sensitive:
            parts.append(Fieldset(_("Health and protection (highly sensitive)"), *SENSITIVE_EDIT_FIELDS))
        return parts


class PersonCreateForm(PersonForm):
    """Intake: the person's fields, the assigned caseworker, and the confirmation after a duplicate check.

    `seen_candidates` carries the public ids of the possible duplicates the user was shown, so that a
    confirmation only counts for the candidates it was given for.
    """

    assigned_to = forms.ModelChoiceField(label=_("Assigned caseworker"), queryset=User.objects.none(), required=False)
    confirm_new = forms.BooleanField(label=_("This is a new person, not one of the above"), required=False)
    seen_candidates = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        assignable = User.objects.visible_to(user).filter(is_active=True).order_by("username")
        if not user.has_perm("people.assign_case"):
            # Without the capability a caseworker may only take the case themselves.
            assignable = assignable.filter(pk=user.pk)
        self.fields["assigned_to"].queryset = assignable
        if user.is_superuser:
            # Only superusers belong to no organisation; they say which one owns the case.
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=Organisation.objects.visible_to(user).order_by("name")
            )
            self.helper.layout.fields.insert(0, "organisation")

    def layout_parts(self) -> list[Any]:
        return [*super().layout_parts(), Fieldset(_("Case"), "assigned_to"), "seen_candidates"]

    def clean_seen_candidates(self) -> set[str]:
        return {value for value in self.cleaned_data["seen_candidates"].split(",") if value}

    def _post_clean(self) -> None:
        super()._post_clean()
        # Fields that are not the model's own fields in Meta: copied onto the instance by hand.
        if "assigned_to" in self.cleaned_data:
            self.instance.assigned_to = self.cleaned_data["assigned_to"]
        if self.cleaned_data.get("organisation"):
            self.instance.organisation = self.cleaned_data["organisation"]


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


def _parse_version(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(_("The form is out of date. Open the page again.")) from None


class PersonUpdateForm(PersonForm):
    """Edit: the person's own fields, a new photo, and the version (`updated_at`) the form was built from."""

    version = forms.CharField(widget=forms.HiddenInput)
    new_photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG or PNG, at most 5 MB. Replaces the current photo."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def layout_parts(self) -> list[Any]:
        return [*super().layout_parts(), Fieldset(_("Photo"), "new_photo"), "version"]

    def clean_version(self) -> datetime:
        return _parse_version(self.cleaned_data["version"])

    def clean_new_photo(self) -> Any:
        """JPEG or PNG (read by Pillow, not trusted from the name or browser), at most 5 MB."""
        photo = self.cleaned_data.get("new_photo")
        if not photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        image_format = getattr(getattr(photo, "image", None), "format", None)
        if image_format not in PHOTO_FORMATS:
            raise forms.ValidationError(_("The photo must be a JPEG or PNG image."))
        # Re-encoded: no EXIF (GPS position), no trailing bytes; stored under the person's opaque id.
        return reencode_photo(photo)

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.cleaned_data.get("new_photo"):
            self.instance.photo = self.cleaned_data["new_photo"]


def _crispy_row_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class AliasForm(forms.Form):
    """One other name of a person being registered."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AliasKind.choices, initial=AliasKind.ALIAS)
    name = forms.CharField(label=_("Name"), max_length=200)
    script = forms.ChoiceField(label=_("Script"), choices=Script.choices, initial=Script.LATIN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["dir"] = "auto"
        self.helper = _crispy_row_helper()
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-md-3"),
                Column("name", css_class="col-md-6"),
                Column("script", css_class="col-md-3"),
            )
        )


class BaseAliasFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        """The same name of the same kind only once."""
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data["kind"], normalise_name(form.cleaned_data["name"]))
            if key in seen:
                raise forms.ValidationError(_("The same name is entered twice."))
            seen.add(key)

    def entries(self) -> list[dict[str, str]]:
        """The filled rows, as keyword arguments of `services.alias_add`."""
        return [
            {"kind": f.cleaned_data["kind"], "name": f.cleaned_data["name"], "script": f.cleaned_data["script"]}
            for f in self.forms
            if f.has_changed()
        ]


AliasFormSet = forms.formset_factory(AliasForm, formset=BaseAliasFormSet, extra=2, max_num=20, validate_max=True)


class NationalityClaimForm(forms.Form):
    """One nationality claimed by a person being registered."""

    country = forms.ChoiceField(label=_("State"), choices=[("", "---------"), *countries], initial="")
    basis = forms.ChoiceField(label=_("Basis"), choices=ClaimBasis.choices, initial=ClaimBasis.DECLARATION)
    is_primary = forms.BooleanField(label=_("Main nationality"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _crispy_row_helper()
        self.helper.layout = Layout(
            Row(
                Column("country", css_class="col-md-5"),
                Column("basis", css_class="col-md-5"),
                Column("is_primary", css_class="col-md-2 pt-md-4"),
            )
        )


class BaseNationalityClaimFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        """Each State once, and at most one main nationality."""
        if any(self.errors):
            return
        entries = self.entries()
        states = [entry["country"] for entry in entries]
        if len(states) != len(set(states)):
            raise forms.ValidationError(_("The same State is entered twice."))
        if sum(1 for entry in entries if entry["is_primary"]) > 1:
            raise forms.ValidationError(_("Mark only one main nationality."))

    def entries(self) -> list[dict[str, Any]]:
        """The filled rows, as keyword arguments of `services.nationality_claim_add`."""
        return [
            {
                "country": f.cleaned_data["country"],
                "basis": f.cleaned_data["basis"],
                "is_primary": f.cleaned_data["is_primary"],
            }
            for f in self.forms
            if f.has_changed()
        ]


NationalityClaimFormSet = forms.formset_factory(
    NationalityClaimForm, formset=BaseNationalityClaimFormSet, extra=2, max_num=10, validate_max=True
)


class PersonTransitionForm(forms.Form):
    """A move of the case to one of the statuses allowed from its current one, and why."""

    to = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a case is put on hold or closed."),
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", "---------"), *ClosureReason.choices],
        help_text=_("Only when closing the case."),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = person.allowed_transitions()
        labels = dict(CaseStatus.choices)
        self.fields["to"].choices = [(value, labels[value]) for value in allowed]
        if CaseStatus.CLOSED not in allowed:
            del self.fields["closure_reason"]
        self.helper = _crispy_row_helper()


# --- Records attached to a person -----------------------------------------------------------------


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
                field.widget = _DATE_WIDGET
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()
        self.helper = _crispy_row_helper()

    def clean_version(self) -> datetime | None:
        value = self.cleaned_data["version"]
        if self.instance.pk is None:
            return None
        if not value:
            raise forms.ValidationError(_("The form is out of date. Open the page again."))
        return _parse_version(value)


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
        self.helper = _crispy_row_helper()
        self.helper.layout = Layout("id", "version", Row(*columns, Column("DELETE", css_class="col-md-1 pt-md-4")))

    def clean_version(self) -> datetime | None:
        value = self.cleaned_data["version"]
        return _parse_version(value) if value else None


class BaseAliasRowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        """The same name of the same kind only once; recorded rows carry their version."""
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            if form.cleaned_data.get("id") and not form.cleaned_data.get("version"):
                raise forms.ValidationError(_("The form is out of date. Open the page again."))
            key = (form.cleaned_data["kind"], normalise_name(form.cleaned_data["name"]))
            if key in seen:
                raise forms.ValidationError(_("The same name is entered twice."))
            seen.add(key)


AliasRowFormSet = forms.formset_factory(
    AliasRowForm, formset=BaseAliasRowFormSet, extra=2, can_delete=True, max_num=50, validate_max=True
)


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


class FamilyLinkEditForm(PersonRecordForm):
    class Meta:
        model = FamilyLink
        fields = ["relation", "is_verified", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class FamilyLinkForm(forms.Form):
    """A family link to an existing person, chosen among the persons the user can see.

    `relative` carries the chosen person's public id; the options are the search results of the
    picker (`candidates`). Any other value, or a person outside the user's scope, is a field error.
    """

    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=[("", "---------"), *Relation.choices],
        help_text=_("What the chosen person is to this person: “Mother” means the chosen person is their mother."),
    )
    relative = forms.CharField(label=_("Person"), widget=forms.Select)
    is_verified = forms.BooleanField(label=_("Verified"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, user: Any, candidates: list[Person] = (), person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        self.fields["relative"].widget.choices = [
            ("", "---------"),
            *((str(p.public_id), f"{p.case_number} {p.display_name}") for p in candidates),
        ]
        self.helper = _crispy_row_helper()

    def clean_relative(self) -> Person:
        value = self.cleaned_data["relative"]
        try:
            public_id = UUID(value)
        except ValueError:
            raise forms.ValidationError(_("Choose a person from the search results.")) from None
        relative = Person.objects.visible_to(self.user).filter(public_id=public_id).first()
        if relative is None:
            raise forms.ValidationError(_("Choose a person from the search results."))
        if self.person is not None and relative.pk == self.person.pk:
            raise forms.ValidationError(_("A person cannot be their own relative."))
        if self.person is not None and relative.organisation_id != self.person.organisation_id:
            raise forms.ValidationError(_("Both persons must belong to the same organisation."))
        return relative


class FamilyLinkIntakeForm(FamilyLinkForm):
    """One row of the family links of a person being registered; an empty row is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relation"].required = False
        self.fields["relative"].required = False
        del self.fields["notes"]
        del self.fields["is_verified"]
        self.helper.layout = Layout(
            Row(Column("relation", css_class="col-md-4"), Column("relative", css_class="col-md-8"))
        )

    def clean_relative(self) -> Person | None:
        if not self.cleaned_data["relative"]:
            return None
        return super().clean_relative()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("relation")) != bool(data.get("relative")) and not self.errors:
            raise forms.ValidationError(_("Choose both the relation and the person, or neither."))
        return data


class BaseFamilyLinkFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return dict(self.form_kwargs)

    def clean(self) -> None:
        """The same relative only once."""
        if any(self.errors):
            return
        relatives = [entry["relative"].pk for entry in self.entries()]
        if len(relatives) != len(set(relatives)):
            raise forms.ValidationError(_("The same person is entered twice."))

    def entries(self) -> list[dict[str, Any]]:
        """The filled rows, as keyword arguments of `services.family_link_create`."""
        return [
            {"relation": f.cleaned_data["relation"], "relative": f.cleaned_data["relative"]}
            for f in self.forms
            if f.cleaned_data.get("relative")
        ]


FamilyLinkFormSet = forms.formset_factory(
    FamilyLinkIntakeForm, formset=BaseFamilyLinkFormSet, extra=2, max_num=20, validate_max=True
)


class CustodyMoveForm(forms.Form):
    """A move of the person to a facility (and section) from a date; closes the current custody period."""

    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    section = forms.ModelChoiceField(label=_("Section"), queryset=FacilitySection.objects.none(), required=False)
    start_date = forms.DateField(label=_("From"), widget=_DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Reason"), choices=TransferReason.choices, initial=TransferReason.TRANSFER)
    exact_location = forms.CharField(label=_("Exact location (block, tent)"), required=False, max_length=100)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilities = Facility.objects.visible_to(user)
        self.fields["facility"].queryset = facilities.order_by("name")
        self.fields["section"].queryset = (
            FacilitySection.objects.filter(facility__in=facilities)
            .select_related("facility")
            .order_by("facility__name", "name")
        )
        self.fields["section"].label_from_instance = lambda section: f"{section.facility.name} – {section.name}"
        if not can_view_sensitive(user):
            # Exact location is L3: not offered without the permission.
            del self.fields["exact_location"]
        self.helper = _crispy_row_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        section, facility = data.get("section"), data.get("facility")
        if section and facility and section.facility_id != facility.pk:
            self.add_error("section", _("This section belongs to another facility."))
        return data
