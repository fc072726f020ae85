"""Keeping the name-key index (`PersonNameKey`) in step with persons' names and aliases."""

from collections.abc import Iterable

from django.db import transaction

from casework.people.models import Alias, Person, PersonNameKey
from casework.people.names import record_keys

NAME_FIELDS = tuple(
    f"{part}_name_{suffix}" for part in ("given", "father", "grandfather", "family") for suffix in ("lat", "ar")
)
BATCH_SIZE = 2000


def _rows_for(person_ids: list[int]) -> list[PersonNameKey]:
    # Tombstones of a merge get no keys: they are never a match candidate.
    persons = Person.objects.live().filter(pk__in=person_ids).values("pk", "organisation_id", *NAME_FIELDS)
    aliases: dict[int, list[tuple[str, str]]] = {}
    for person_id, kind, name in Alias.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "kind", "name"
    ):
        aliases.setdefault(person_id, []).append((kind, name))
    rows = []
    for person in persons:
        for (part, kind, key), script in record_keys(person, aliases.get(person["pk"], [])).items():
            rows.append(
                PersonNameKey(
                    person_id=person["pk"],
                    organisation_id=person["organisation_id"],
                    part=part,
                    kind=kind,
                    key=key,
                    script=script,
                )
            )
    return rows


@transaction.atomic
def person_name_keys_rebuild(*, person_ids: Iterable[int] | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Rewrite the index rows of these persons (all persons if None), set-based, in batches. Returns rows written.

    Called by the services that write names (register, update, aliases) and after bulk inserts.
    """
    if person_ids is None:
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        # Rows of persons that no longer exist (the person key is no database constraint: see the model).
        PersonNameKey.objects.exclude(person_id__in=Person.objects.values("pk")).delete()
    else:
        ids = sorted({int(pk) for pk in person_ids if pk is not None})
    written = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        # One transaction per batch: a person is never left without keys while the site is in use (a full
        # rebuild after an upgrade runs online), and an interrupted rebuild is simply run again.
        with transaction.atomic():
            PersonNameKey.objects.filter(person_id__in=batch).delete()
            rows = _rows_for(batch)
            PersonNameKey.objects.bulk_create(rows, batch_size=batch_size)
        written += len(rows)
    return written
