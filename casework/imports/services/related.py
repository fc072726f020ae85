"""What the commit writes beside the persons, one chunk at a time: external references, custody,
nationality claims, aliases and kunyas, identity documents; family links last, for the whole batch.

Every record created is noted on its row (`ImportRow.created_records`) so that undo removes exactly it.
Existing records are read only for the persons the chunk updates (a created person has none).
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from casework.camps.models import Facility, FacilitySection
from casework.core.exceptions import DomainError
from casework.imports import checks, sql
from casework.imports import mapping as m
from casework.imports.models import ExternalReference, ImportRow
from casework.imports.services import bulk
from casework.people.choices import AliasKind, ClaimStatus, DocumentType, Relation, Script, TransferReason
from casework.people.models import Alias, CustodyPeriod, FamilyLink, IdentityDocument, NationalityClaim, Person
from casework.people.models.family import INVERSE_RELATION
from casework.people.services import custody_move

if TYPE_CHECKING:
    from casework.imports.services.commit import CommitRun


def _note(row: ImportRow, kind: str, pk: int) -> None:
    row.created_records.setdefault(kind, []).append(pk)


def write_related(run: "CommitRun", rows: list[ImportRow], updated: dict[int, Person]) -> None:
    """External references, custody, nationality claims, aliases and documents of one chunk's rows
    (records, not model instances; `updated` holds the persons the chunk updates)."""
    batch, actor, reason, now = run.batch, run.actor, run.reason, run.now
    created_ids = {row.person_id for row in rows if row.committed_as == "create"}
    known_ids = [row.person_id for row in rows if row.person_id not in created_ids]

    # External references of this source (a row updating its own earlier import has one already).
    wanted = [row.values["external_ref"] for row in rows if row.values.get("external_ref")]
    existing = set(
        ExternalReference.objects.filter(
            sql.any_of("reference", wanted), organisation_id=batch.organisation_id, source=batch.source
        ).values_list("reference", flat=True)
    )
    refs, ref_rows = [], []
    for row in rows:
        reference = row.values.get("external_ref")
        if reference and reference not in existing:
            existing.add(reference)
            refs.append(
                run.new(
                    ExternalReference,
                    organisation_id=batch.organisation_id,
                    source=batch.source,
                    reference=reference,
                    person_id=row.person_id,
                    batch_id=batch.pk,
                )
            )
            ref_rows.append(row)
    bulk.insert(ExternalReference, refs)
    for row, ref in zip(ref_rows, refs, strict=True):
        _note(row, "external_reference", ref["id"])

    # Custody: a new person starts a period; a known person elsewhere moves (through the people service).
    periods, period_rows = [], []
    sections = FacilitySection.objects.in_bulk({row.values["section"] for row in rows if row.values.get("section")})
    for row in rows:
        facility_id = row.values.get("facility")
        if not facility_id:
            continue
        start = checks.parse_date(row.values.get("arrival_date")) or now.date()
        if row.person_id in created_ids:
            periods.append(
                run.new(
                    CustodyPeriod,
                    person_id=row.person_id,
                    facility_id=facility_id,
                    section_id=row.values.get("section"),
                    start_date=start,
                    transfer_reason=TransferReason.INITIAL,
                )
            )
            period_rows.append(row)
        elif "facility" in row.changes:
            period = custody_move(
                person=updated[row.person_id],
                facility=Facility.objects.get(pk=facility_id),
                section=sections.get(row.values.get("section")),
                start_date=start,
                actor=actor,
            )
            _note(row, "custody_moved", period.pk)
    bulk.create_with_history(periods, CustodyPeriod, actor=actor, reason=reason, now=now)
    for row, period in zip(period_rows, periods, strict=True):
        _note(row, "custody", period["id"])

    # Nationality claims with the status the source gives (claimed by default); a person's first is its main one.
    claimed: dict[int, set[str]] = {}
    for person_id, country in NationalityClaim.objects.filter(sql.any_of("person_id", known_ids)).values_list(
        "person_id", "country"
    ):
        claimed.setdefault(person_id, set()).add(str(country))
    claims, claim_rows = [], []
    for row in rows:
        country = row.values.get("nationality")
        if country and country not in claimed.get(row.person_id, set()):
            status = row.values.get("claim_status") or ClaimStatus.CLAIMED
            claims.append(
                run.new(
                    NationalityClaim,
                    person_id=row.person_id,
                    country=country,
                    status=status,
                    is_primary=not claimed.get(row.person_id),
                    claimed_on=now.date(),
                    status_changed_on=None if status == ClaimStatus.CLAIMED else now.date(),
                )
            )
            claimed.setdefault(row.person_id, set()).add(country)
            claim_rows.append(row)
    bulk.create_with_history(claims, NationalityClaim, actor=actor, reason=reason, now=now)
    for row, claim in zip(claim_rows, claims, strict=True):
        _note(row, "claim", claim["id"])

    # Aliases and kunyas, identity documents: added when not already recorded.
    known_aliases = set(
        Alias.objects.filter(sql.any_of("person_id", known_ids)).values_list("person_id", "kind", "name")
    )
    aliases, alias_rows = [], []
    for row in rows:
        for key, kind in (("alias", AliasKind.ALIAS), ("kunya", AliasKind.KUNYA)):
            name = row.values.get(key)
            if name and (row.person_id, kind, name) not in known_aliases:
                known_aliases.add((row.person_id, kind, name))
                script = Script.ARABIC if any("\u0600" <= ch <= "\u06ff" for ch in name) else Script.LATIN
                aliases.append(
                    run.new(
                        Alias,
                        person_id=row.person_id,
                        kind=kind,
                        name=name,
                        script=script,
                        name_search=checks.normalise_name(name),  # as Alias.save sets it
                    )
                )
                alias_rows.append(row)
    bulk.create_with_history(aliases, Alias, actor=actor, reason=reason, now=now)
    for row, alias in zip(alias_rows, aliases, strict=True):
        _note(row, "alias", alias["id"])
    known_documents = set(
        IdentityDocument.objects.filter(sql.any_of("person_id", known_ids)).values_list(
            "person_id", "document_type", "number"
        )
    )
    documents, document_rows = [], []
    for row in rows:
        number = row.values.get("document_number")
        kind = row.values.get("document_type") or DocumentType.PASSPORT
        if number and (row.person_id, kind, number) not in known_documents:
            known_documents.add((row.person_id, kind, number))
            documents.append(run.new(IdentityDocument, person_id=row.person_id, document_type=kind, number=number))
            document_rows.append(row)
    bulk.create_with_history(documents, IdentityDocument, actor=actor, reason=reason, now=now)
    for row, document in zip(document_rows, documents, strict=True):
        _note(row, "document", document["id"])


def write_links(run: "CommitRun", entries: list | None = None) -> None:
    """Family links, both directions, by the other row's external reference (this file, then this source)
    or a case number; the link records are added to their rows' `created_records`.

    With `entries` (a chunk's rows naming relatives), only those whose relatives are all rows of the file
    written so far are linked now, before the chunk's rows store their outcome (a mother usually comes
    before her children): they need no second write. The others wait in `run.linking` for the final call
    (no `entries`), which resolves the rest and stores the outcome of their rows again."""
    batch = run.batch
    by_ref = run.by_ref
    final = entries is None
    if final:
        entries, run.linking = run.linking, []
    else:
        ready = [entry for entry in entries if all(ref in by_ref for ref in entry[2].values())]
        run.linking += [entry for entry in entries if not all(ref in by_ref for ref in entry[2].values())]
        entries = ready
    wanted = {reference for _n, _p, links, _c, _pk in entries for reference in links.values()}
    missing = sorted(wanted - set(by_ref))
    for start in range(0, len(missing), bulk.INSERT_BATCH):
        chunk = missing[start : start + bulk.INSERT_BATCH]
        by_ref.update(
            ExternalReference.objects.filter(
                sql.any_of("reference", chunk), organisation_id=batch.organisation_id, source=batch.source
            ).values_list("reference", "person_id")
        )
        by_ref.update(
            Person.objects.filter(
                sql.any_of("case_number", [r for r in chunk if r not in by_ref]), organisation_id=batch.organisation_id
            ).values_list("case_number", "pk")
        )
    pairs = []
    for number, person_id, links, records, row_pk in entries:
        for key, reference in links.items():
            relative_id = by_ref.get(reference)
            if relative_id is None or relative_id == person_id:
                raise DomainError(
                    _("Row %(row)s: the family link to “%(ref)s” cannot be resolved any more.")
                    % {"row": number, "ref": reference}
                )
            pairs.append((person_id, relative_id, m.LINK_FIELDS[key], records, row_pk))
    if not pairs:
        return
    ids = sorted({p for pair in pairs for p in pair[:2]})
    existing: set[tuple[int, int, str]] = set()
    sexes: dict[int, str] = {}
    for start in range(0, len(ids), bulk.INSERT_BATCH):
        chunk = ids[start : start + bulk.INSERT_BATCH]
        existing.update(
            FamilyLink.objects.filter(sql.any_of("person_id", chunk)).values_list(
                "person_id", "relative_id", "relation"
            )
        )
        sexes.update(Person.objects.filter(sql.any_of("pk", chunk)).values_list("pk", "sex"))
    links, link_records = [], []
    for person_id, relative_id, relation, records, _pk in pairs:
        # "Child" has no fixed inverse: the row's person is the child's mother or father by their sex.
        inverse = INVERSE_RELATION[relation] or {"female": Relation.MOTHER, "male": Relation.FATHER}.get(
            sexes.get(person_id, ""), Relation.OTHER
        )
        for link in ((person_id, relative_id, relation), (relative_id, person_id, inverse)):
            if link not in existing:
                existing.add(link)
                links.append(run.new(FamilyLink, person_id=link[0], relative_id=link[1], relation=link[2]))
                link_records.append(records)
    bulk.create_with_history(links, FamilyLink, actor=run.actor, reason=run.reason, now=run.now)
    for link, records in zip(links, link_records, strict=True):
        records.setdefault("family_link", []).append(link["id"])
    if not final:
        return  # the chunk's rows store their outcome next, links included
    touched: dict[int, ImportRow] = {}
    for _number, _person, _links, records, row_pk in entries:
        if records.get("family_link"):
            touched[row_pk] = ImportRow(pk=row_pk, created_records=records)
    rows = list(touched.values())
    for start in range(0, len(rows), bulk.INSERT_BATCH):
        bulk.save_outcomes(rows[start : start + bulk.INSERT_BATCH], fields=("created_records",))
