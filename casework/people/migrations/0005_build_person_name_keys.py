"""Build the name keys of the persons that exist (self-contained: a frozen copy of the key rules)."""

from django.db import migrations

from casework.people.migrations import _namekeys_0005 as frozen

NAME_FIELDS = tuple(
    f"{part}_name_{suffix}" for part in ("given", "father", "grandfather", "family") for suffix in ("lat", "ar")
)


def build(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Alias = apps.get_model("people", "Alias")
    PersonNameKey = apps.get_model("people", "PersonNameKey")
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        aliases = {}
        for person_id, kind, name in Alias.objects.filter(person_id__in=batch).values_list("person_id", "kind", "name"):
            aliases.setdefault(person_id, []).append((kind, name))
        rows = []
        for person in Person.objects.filter(pk__in=batch).values("pk", "organisation_id", *NAME_FIELDS):
            for (part, kind, key), script in frozen.record_keys(person, aliases.get(person["pk"], [])).items():
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
        PersonNameKey.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_person_name_key")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
