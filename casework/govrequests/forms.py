"""Forms of the request pages. They validate shape only; the services hold the business rules.

Every foreign-key choice is narrowed to the user's scope: a person or authority outside it is
a field error, never a saved row.
"""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.core.files import validate_scan
from casework.govrequests.choices import Channel, Decision, EventKind
from casework.govrequests.models import GovernmentAuthority, RequestedPerson
from casework.people.models import Person
from casework.people.models.identity import SCAN_EXTENSIONS

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def not_in_future(day: Any) -> None:
    """Events, decisions and signatures are recorded after they happen."""
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future."))


def within_document_limit(document: Any) -> None:
    if document.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(_("The document is larger than 20 MB."))


DOCUMENT_VALIDATORS = [FileExtensionValidator(SCAN_EXTENSIONS), within_document_limit, validate_scan]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _policy_reason_field() -> forms.CharField:
    """Why the request goes on for persons outside the State's current policy (asked only when some are)."""
    return forms.CharField(
        label=_("Reason to go on despite the State's policy"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded on the request with the persons concerned."),
    )


def _posted_persons_field(label: Any) -> forms.ModelMultipleChoiceField:
    """Persons posted by public id; the form narrows the queryset to the user's scope."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Person.objects.none(),
        to_field_name="public_id",
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Choose at least one person."),
            "invalid_choice": _("One of the chosen persons is not in your caseload."),
            "invalid_pk_value": _("One of the chosen persons is not in your caseload."),
        },
    )


class GovernmentRequestCreateForm(forms.Form):
    """The persons a new request covers, the authority it goes to, the channel and notes.

    The persons' checkboxes are drawn by the template from the picker's candidates (never from
    the whole caseload); this field only validates the posted ids against the user's scope.
    """

    persons = _posted_persons_field(_("Persons covered"))
    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=GovernmentAuthority.objects.none(),
        to_field_name="public_id",
        error_messages={"invalid_choice": _("Choose an authority from the list.")},
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.EMAIL)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    policy_reason = _policy_reason_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = Person.objects.visible_to(user)
        self.fields["authority"].queryset = (
            GovernmentAuthority.objects.visible_to(user).filter(is_active=True).order_by("country", "name")
        )
        self.helper = _helper()

    def clean_persons(self) -> list[Person]:
        persons = list(self.cleaned_data["persons"])
        if len({person.organisation_id for person in persons}) > 1:
            raise forms.ValidationError(_("A request can only cover persons of one organisation."))
        return persons


class RequestTransitionForm(forms.Form):
    """The status a request moves to, among the moves offered to the user, and why."""

    to = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, status_choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = status_choices
        self.helper = _helper()


class RequestEventForm(forms.Form):
    """Something that happened on a request, with an optional due date and document."""

    kind = forms.ChoiceField(label=_("What happened"), choices=EventKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=_DateInput(), validators=[not_in_future])
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=_DateInput(),
        help_text=_("For example the date by which the State wants the information."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        validators=DOCUMENT_VALIDATORS,
        help_text=_("PDF or image, at most 20 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "event")
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        occurred_on, due_on = cleaned.get("occurred_on"), cleaned.get("due_on")
        if occurred_on and due_on and due_on < occurred_on:
            self.add_error("due_on", _("The due date is before the event."))
        return cleaned


class RequestDecisionsForm(forms.Form):
    """The State's decision for each covered person the user may see, the date and a note.

    One `decision_<public_id>` field per person; `changed_decisions()` gives only the persons whose
    decision differs from the recorded one, so that re-saving does not re-date unchanged decisions.
    """

    decided_on = forms.DateField(label=_("Decided on"), widget=_DateInput(), validators=[not_in_future])
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, rows: list[RequestedPerson], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decisions")
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row)] = forms.ChoiceField(
                label=row.person.case_number, choices=Decision.choices, initial=row.decision
            )
        self.helper = _helper()

    @staticmethod
    def field_name(row: RequestedPerson) -> str:
        return f"decision_{row.person.public_id.hex}"

    def person_fields(self) -> list[tuple[RequestedPerson, forms.BoundField]]:
        """(covered person, their decision field) for the template."""
        return [(row, self[self.field_name(row)]) for row in self.rows]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.changed_decisions():
            raise forms.ValidationError(_("No decision was changed."))
        return cleaned

    def changed_rows(self) -> list[tuple[RequestedPerson, str]]:
        """(covered person, new decision) for the rows whose decision changed."""
        changed = []
        for row in self.rows:
            value = self.cleaned_data.get(self.field_name(row))
            if value and value != row.decision:
                changed.append((row, value))
        return changed

    def changed_decisions(self) -> dict[Person, str]:
        """{person: new decision} for the persons whose decision changed."""
        return {row.person: value for row, value in self.changed_rows()}


class FollowUpActionForm(forms.Form):
    """Send or discard the follow-up draft the caseworker reviewed: its id and the fingerprint of its letter."""

    followup = forms.UUIDField(widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class RequestAddPersonsForm(forms.Form):
    """Persons to add to a draft request: posted public ids, checked against the user's scope."""

    persons = _posted_persons_field(_("Persons to add"))
    policy_reason = _policy_reason_field()

    def __init__(self, *args: Any, user: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only persons of the request's own organisation: a superuser cannot mix organisations either.
        self.fields["persons"].queryset = Person.objects.visible_to(user).filter(organisation_id=organisation_id)


class RequestRemovePersonForm(forms.Form):
    """The covered person to take off a draft request."""

    person = forms.UUIDField(label=_("Person"))


class HandoverPlanForm(forms.Form):
    """A handover operation for persons the State accepted: who, when, where, which delegation."""

    persons = forms.MultipleChoiceField(
        label=_("Persons to hand over"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    planned_on = forms.DateField(label=_("Date"), widget=_DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    receiving_delegation = forms.CharField(label=_("Receiving delegation"), max_length=300, required=False)

    def __init__(self, *args: Any, rows: list[RequestedPerson], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "handover")
        super().__init__(*args, **kwargs)
        self.persons_by_id = {row.person.public_id.hex: row.person for row in rows}
        self.fields["persons"].choices = [(row.person.public_id.hex, row.person.case_number) for row in rows]
        self.helper = _helper()

    def clean_persons(self) -> list[Person]:
        return [self.persons_by_id[value] for value in self.cleaned_data["persons"]]


class HandoverCompleteForm(forms.Form):
    """The handover took place: the signed document, the day it was signed, who was actually handed over."""

    handed_over = forms.MultipleChoiceField(
        label=_("Persons handed over"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=_DateInput(), validators=[not_in_future])
    document = forms.FileField(
        label=_("Signed handover document"),
        validators=DOCUMENT_VALIDATORS,
        help_text=_("PDF or image, at most 20 MB."),
    )

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)
        self.persons_by_id = {person.public_id.hex: person for person in persons}
        self.fields["handed_over"].choices = [(person.public_id.hex, person.case_number) for person in persons]
        self.fields["handed_over"].initial = list(self.persons_by_id)
        self.helper = _helper()

    def clean_handed_over(self) -> list[Person]:
        return [self.persons_by_id[value] for value in self.cleaned_data["handed_over"]]


class HandoverCancelForm(forms.Form):
    """Why a planned handover did not take place."""

    reason = forms.CharField(label=_("Reason for cancelling"), max_length=1000)
