from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("view_organisation_figures", "Can see the figures of the whole organisation on the home page")
                ],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
    ]
