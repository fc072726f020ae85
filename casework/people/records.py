"""The kinds of records attached to a person, as their pages show and change them: the `RecordKind` table.

Each kind of record (aliases, nationality claims, documents, family links, custody, DNA tests, the
journey to Syria, return wishes and risk assessments, and screenings and legal proceedings from their own apps) is described by a `RecordKind`; the views of `people.record_views` serve
them all, `people/urls.py` wires one set of URLs per kind of `KINDS`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from casework.people import services
from casework.people.forms import (
    CustodyMoveForm,
    DnaTestForm,
    FamilyLinkEditForm,
    FamilyLinkForm,
    IdentityDocumentForm,
    JourneyToSyriaForm,
    NationalityClaimAddForm,
    NationalityClaimEditForm,
    PersonRecordForm,
    ReturnAssessmentForm,
)
from casework.people.models import (
    Alias,
    CustodyPeriod,
    FamilyLink,
    NationalityClaim,
    Person,
)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record of a person, as its pages show and change it."""

    name: str  # URL names: <namespace>:<name>_list, _update, _remove
    model: type[models.Model]
    title: Promise
    columns: tuple[str, ...]  # field names shown in the list (L3 ones only to permitted users)
    add_form: type[forms.BaseForm] | None = None
    edit_form: type[PersonRecordForm] | None = None
    namespace: str = "people"
    l3_page: bool = False
    rows: Callable[[Person], QuerySet] | None = None
    related: tuple[str, ...] = ()  # select_related of the default rows
    add: Callable[..., Any] | None = None  # (person, form, actor) -> record; default: person_record_add
    update: Callable[..., Any] = services.person_record_update
    remove: Callable[..., Any] = services.person_record_remove
    file_field: str = ""
    # The keyword under which `update` and `remove` take the record (`link`, `claim` for the specific services).
    instance_arg: str = "record"

    def perm(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    def url(self, view: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{self.name}_{view}", args=args)

    def queryset(self, person: Person) -> QuerySet:
        if self.rows is not None:
            return self.rows(person)
        rows = self.model.objects.filter(person=person)
        return rows.select_related(*self.related) if self.related else rows


def form_kind(name: str, title: Promise, form: type[PersonRecordForm], **options: Any) -> RecordKind:
    """A kind added and edited with one model form: its model, its app (the URL namespace) and, unless
    `columns` are given, the columns of the list are the form's."""
    model = form._meta.model
    options.setdefault("columns", tuple(form._meta.fields))
    options.setdefault("namespace", model._meta.app_label)
    return RecordKind(name=name, model=model, title=title, add_form=form, edit_form=form, **options)


# --- Services of the kinds that are not a plain add ----------------------------------------------


def _claim_add(*, person: Person, form: NationalityClaimAddForm, actor: Any) -> NationalityClaim:
    return services.nationality_claim_add_from(person=person, claim=form.instance, actor=actor)


def _add_from_data(service: Callable[..., Any]) -> Callable[..., Any]:
    """The add of a kind whose service takes the add form's fields as its keywords (besides person and actor):
    family links (`family_link_create`), custody moves (`custody_move`)."""

    def add(*, person: Person, form: forms.Form, actor: Any) -> Any:
        return service(person=person, actor=actor, **form.cleaned_data)

    return add


def add_with_recorder(*, person: Person, form: forms.ModelForm, actor: Any) -> Any:
    """The plain add of a record that keeps who recorded it (`recorded_by`): screenings, legal proceedings."""
    record = form.instance
    record.recorded_by = actor
    return services.person_record_add(person=person, record=record, actor=actor)


ALIASES = RecordKind(
    name="alias",
    model=Alias,
    title=gettext_lazy("Other names"),
    columns=("name", "kind", "script", "armed_group_link"),
)
CLAIMS = RecordKind(
    name="claim",
    model=NationalityClaim,
    title=gettext_lazy("Nationality claims"),
    columns=("country", "basis", "status", "is_primary", "statelessness_risk", "claimed_on", "notes"),
    add_form=NationalityClaimAddForm,
    edit_form=NationalityClaimEditForm,
    add=_claim_add,
    update=services.nationality_claim_update,
    remove=services.nationality_claim_remove,
    instance_arg="claim",
)
DOCUMENTS = form_kind(
    "document",
    gettext_lazy("Identity documents"),
    IdentityDocumentForm,
    columns=("document_type", "number", "issuing_country", "issued_on", "expires_on", "is_copy", "seen_on", "file"),
    file_field="file",
)
FAMILY = RecordKind(
    name="family",
    model=FamilyLink,
    title=gettext_lazy("Family links"),
    columns=("relation", "relative", "is_verified", "notes"),
    add_form=FamilyLinkForm,
    edit_form=FamilyLinkEditForm,
    related=("relative",),
    add=_add_from_data(services.family_link_create),
    update=services.family_link_update,
    remove=services.family_link_remove,
    instance_arg="link",
)
CUSTODY = RecordKind(
    name="custody",
    model=CustodyPeriod,
    title=gettext_lazy("Custody history"),
    columns=("facility", "section", "exact_location", "start_date", "end_date", "transfer_reason", "notes"),
    add_form=CustodyMoveForm,
    rows=lambda person: (
        CustodyPeriod.objects.filter(person=person).select_related("facility", "section").order_by("-start_date")
    ),
    add=_add_from_data(services.custody_move),
)
DNA_TESTS = form_kind(
    "dna",
    gettext_lazy("DNA tests"),
    DnaTestForm,
    columns=("requested_on", "requesting_country", "laboratory", "sampled_on", "result_received_on", "outcome"),
    l3_page=True,
)
# One per person: a second one is refused by the model's validation (edit the first instead).
JOURNEY = form_kind("journey", gettext_lazy("Journey to Syria"), JourneyToSyriaForm)
RETURN_ASSESSMENTS = form_kind("return", gettext_lazy("Return: own wish and risk on return"), ReturnAssessmentForm)

# Aliases have their own formset page (`alias_formset`).
KINDS = (CLAIMS, DOCUMENTS, FAMILY, CUSTODY, DNA_TESTS, JOURNEY, RETURN_ASSESSMENTS)
