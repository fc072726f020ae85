"""Indexes of the person list's name search (issue #10, docs/benchmarks.md).

- `person_case_number_like_idx`: the search box's case-number prefix (`case_number LIKE 'x%'`, ORed
  with the matcher's candidates) from an index (pattern operator class) instead of reading every
  person of the organisation.
- `person_name_key_lookup_idx` replaces `person_name_key_org_key_idx`: with the kind and the part in
  the index, the matcher's key lookups are answered from the index alone. Added before the old one
  is removed, so that lookups always have an index.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_second_factor_policy"),
        ("people", "0014_historical_person_fewer_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["case_number"], name="person_case_number_like_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(
                fields=["organisation", "key", "kind", "part", "person"], name="person_name_key_lookup_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="personnamekey",
            name="person_name_key_org_key_idx",
        ),
    ]
