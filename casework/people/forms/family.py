"""Forms of family links and custody: a link from the person page or intake, a move to another custody."""

from typing import Any
from uuid import UUID

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.camps.models import Facility, FacilitySection
from casework.core.forms import row_formset
from casework.core.sensitivity import can_view_sensitive
from casework.people.choices import Relation, TransferReason
from casework.people.forms.common import DATE_WIDGET, crispy_row_helper
from casework.people.forms.records import PersonRecordForm
from casework.people.models import FamilyLink, Person


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
        self.helper = crispy_row_helper()

    def clean_relative(self) -> Person:
        value = self.cleaned_data["relative"]
        try:
            public_id = UUID(value)
        except ValueError:
            raise forms.ValidationError(_("Choose a person from the search results.")) from None
        relative = Person.objects.visible_to(self.user).filter(public_id=public_id).first()
        if relative is None:
            raise forms.ValidationError(_("Choose a person from the search results."))
        refusal = FamilyLink.refusal(self.person, relative) if self.person is not None else None
        if refusal:
            raise forms.ValidationError(refusal)
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


FamilyLinkFormSet = row_formset(FamilyLinkIntakeForm, BaseFamilyLinkFormSet, max_num=20, extra=2)


class CustodyMoveForm(forms.Form):
    """A move of the person to a facility (and section) from a date; closes the current custody period."""

    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())
    section = forms.ModelChoiceField(label=_("Section"), queryset=FacilitySection.objects.none(), required=False)
    start_date = forms.DateField(label=_("From"), widget=DATE_WIDGET)
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
        self.helper = crispy_row_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        section, facility = data.get("section"), data.get("facility")
        if section and facility and section.facility_id != facility.pk:
            self.add_error("section", _("This section belongs to another facility."))
        return data
