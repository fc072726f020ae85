"""The dashboard summary by day and with a place and a State together (issue 14).

Rows now hold the caseload as its statuses now and each month's flow (not the stock at each month's
end), and decisions, delays, handovers and repatriations by day: the previous summary's rows would be
read wrongly, so they are deleted here, and the dashboard counts live until the next refresh (04:00,
or `manage.py refresh_dashboard_summary` right after the upgrade).
"""

from django.db import migrations, models


def forget_the_summary(apps, schema_editor):
    apps.get_model("reports", "DashboardSummaryRow").objects.all().delete()
    apps.get_model("reports", "DashboardSummary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_second_factor_policy"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_the_summary, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="dashboardsummaryrow", name="dashboard_summary_idx"),
        migrations.RemoveField(model_name="dashboardsummaryrow", name="month"),
        migrations.AddField(
            model_name="dashboardsummaryrow",
            name="date",
            field=models.DateField(blank=True, null=True, verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="dashboardsummaryrow",
            name="slice",
            field=models.CharField(blank=True, max_length=100, verbose_name="filter"),
        ),
        migrations.AddIndex(
            model_name="dashboardsummaryrow",
            index=models.Index(fields=["slice", "organisation", "figure", "date"], name="dashboard_summary_idx"),
        ),
    ]
