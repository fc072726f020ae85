"""Forms of the person pages: intake, edit, aliases and nationality claims of intake and edit, status moves."""

from datetime import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import Organisation, User
from casework.core.files import reencode_photo
from casework.core.forms import ModelErrorsOnFormMixin, StatusTransitionForm, row_formset
from casework.core.sensitivity import can_view_sensitive
from casework.people.choices import AliasKind, CaseStatus, ClaimBasis, ClosureReason, Script
from casework.people.forms.common import DATE_WIDGET, UniqueAliasFormSet, crispy_row_helper, parse_version
from casework.people.models import Person

NAME_FIELDS_LAT = ["given_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat"]
NAME_FIELDS_AR = ["given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar"]
BIRTH_FIELDS = ["birth_date", "birth_date_precision", "birth_date_earliest", "birth_date_latest"]
ORIGIN_FIELDS = ["place_of_birth", "country_of_birth", "birth_unregistered"]
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


def _arabic_input() -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})


def _row(*names: str, width: int = 3) -> Row:
    """A row of the layout: one column of `width` (of 12) per field."""
    return Row(*(Column(name, css_class=f"col-md-{width}") for name in names))


class PersonForm(ModelErrorsOnFormMixin, forms.ModelForm):
    """The person's own fields, names in parts in both scripts; L3 fields only for permitted users.

    Validation runs `Person.clean()` on `form.instance` (at least one name, a coherent birth date),
    and the view hands that instance to a service; the form itself never saves.
    """

    class Meta:
        model = Person
        fields = [*EDIT_FIELDS, *SENSITIVE_EDIT_FIELDS]
        widgets = {
            **{name: _arabic_input() for name in NAME_FIELDS_AR},
            "birth_date": DATE_WIDGET,
            "birth_date_earliest": DATE_WIDGET,
            "birth_date_latest": DATE_WIDGET,
            "date_of_death": DATE_WIDGET,
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

    def layout_parts(self) -> list[Any]:
        """The fieldsets of the form, in order (subclasses add theirs)."""
        parts = [
            Fieldset(_("Name (Latin script)"), _row(*NAME_FIELDS_LAT)),
            Fieldset(_("Name (Arabic script)"), _row(*NAME_FIELDS_AR)),
            Fieldset(
                _("Birth"),
                _row("sex", "birth_date", "birth_date_precision"),
                _row("birth_date_earliest", "birth_date_latest", "place_of_birth", "country_of_birth"),
                "birth_unregistered",
            ),
            Fieldset(_("Situation"), _row("separation_status", "date_of_death", "whereabouts_unknown", width=4)),
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
        return parse_version(self.cleaned_data["version"])

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


class AliasForm(forms.Form):
    """One other name of a person being registered."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AliasKind.choices, initial=AliasKind.ALIAS)
    name = forms.CharField(label=_("Name"), max_length=200)
    script = forms.ChoiceField(label=_("Script"), choices=Script.choices, initial=Script.LATIN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["dir"] = "auto"
        self.helper = crispy_row_helper(("kind", "col-md-3"), ("name", "col-md-6"), ("script", "col-md-3"))


class BaseAliasFormSet(UniqueAliasFormSet):
    def entries(self) -> list[dict[str, str]]:
        """The filled rows, as keyword arguments of `services.alias_add`."""
        return [
            {"kind": f.cleaned_data["kind"], "name": f.cleaned_data["name"], "script": f.cleaned_data["script"]}
            for f in self.forms
            if f.has_changed()
        ]


AliasFormSet = row_formset(AliasForm, BaseAliasFormSet, max_num=20, extra=2)


class NationalityClaimForm(forms.Form):
    """One nationality claimed by a person being registered."""

    country = forms.ChoiceField(label=_("State"), choices=[("", "---------"), *countries], initial="")
    basis = forms.ChoiceField(label=_("Basis"), choices=ClaimBasis.choices, initial=ClaimBasis.DECLARATION)
    is_primary = forms.BooleanField(label=_("Main nationality"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_row_helper(
            ("country", "col-md-5"), ("basis", "col-md-5"), ("is_primary", "col-md-2 pt-md-4")
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


NationalityClaimFormSet = row_formset(NationalityClaimForm, BaseNationalityClaimFormSet, max_num=10, extra=2)


class PersonTransitionForm(StatusTransitionForm):
    """A move of the case to one of the statuses allowed from its current one, and why."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        allowed = person.allowed_transitions()
        labels = dict(CaseStatus.choices)
        closing = CaseStatus.CLOSED in allowed
        super().__init__(
            *args,
            status_choices=[(value, labels[value]) for value in allowed],
            closure_reason_choices=ClosureReason.choices if closing else None,
            **kwargs,
        )
        self.fields["note"].widget.attrs.update(cols="40", rows=2)  # the page's smaller box
        if closing:
            self.fields["closure_reason"].help_text = _("Only when closing the case.")
        self.helper = crispy_row_helper()
