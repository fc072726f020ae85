"""The name-key index no longer stores the vowel-aware keys (docs/matching.md, "The index").

No lookup read them (the matcher, the duplicate scan and the import block on coarse and known keys; the
vowels are compared when scoring), and they were 46 % of the rows, each one more to write at every
import and name change. Their rows are deleted; nothing else changes, so no rebuild is needed.
"""

from django.db import migrations, models


def delete_vowel_keys(apps, schema_editor):
    apps.get_model("people", "PersonNameKey").objects.filter(kind="vowel").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0016_status_change_person_at_index"),
    ]

    operations = [
        # No reverse: the keys of the old rules come back with `manage.py rebuild_name_keys` on the old code.
        migrations.RunPython(delete_vowel_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="personnamekey",
            name="kind",
            field=models.CharField(choices=[("coarse", "consonant classes"), ("known", "known name")], max_length=10),
        ),
    ]
