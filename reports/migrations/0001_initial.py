"""The precomputed report snapshots, created afresh: a refresh recomputes every row.

Their content types (and so their permission rows) follow them from requests_app instead of
being left behind as stale entries beside new ones.
"""

from django.db import migrations, models

MOVED = (
    "agencyyearperformance",
    "exemptioncitationtotals",
    "releasedaytotals",
    "releasemonthtotals",
    "reportrefresh",
)


def _relabel(apps, source, target):
    """Give the moved models' content types (and so their permission rows, and the groups that
    hold them) to their new app. A content type already under the new label (left by an earlier
    run) is dropped first: the one being relabelled is the one the permissions point at."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        moving = ContentType.objects.filter(app_label=source, model=model)
        if moving.exists():
            ContentType.objects.filter(app_label=target, model=model).delete()
            moving.update(app_label=target)


def content_types_follow(apps, schema_editor):
    _relabel(apps, "requests_app", "reports")


def content_types_return(apps, schema_editor):
    _relabel(apps, "reports", "requests_app")


class Migration(migrations.Migration):
    initial = True

    # After requests_app dropped its copies of these tables, whose index names these reuse.
    dependencies = [
        ("requests_app", "0010_move_reminders_and_reports"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportRefresh",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("report", models.CharField(max_length=40, unique=True)),
                ("refreshed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "seconds",
                    models.FloatField(default=0, help_text="How long the last refresh took."),
                ),
                ("rows", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="AgencyYearPerformance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(
                        help_text="The report's order (agency name, year)."
                    ),
                ),
                ("agency", models.IntegerField()),
                ("agency_name", models.CharField(max_length=300)),
                (
                    "jurisdiction",
                    models.CharField(help_text="The agency's jurisdiction code.", max_length=10),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("requests_filed", models.PositiveIntegerField()),
                ("determined", models.PositiveIntegerField()),
                ("median_working_days", models.FloatField(null=True)),
                ("p90_working_days", models.FloatField(null=True)),
                ("share_on_time", models.FloatField(null=True)),
                ("share_appealed", models.FloatField(null=True)),
                ("share_litigated", models.FloatField(null=True)),
                ("outcome_released_in_full", models.PositiveIntegerField()),
                ("outcome_partially_released", models.PositiveIntegerField()),
                ("outcome_denied", models.PositiveIntegerField()),
                ("outcome_no_records", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["position"], name="reports_age_positio_7b2829_idx"),
                    models.Index(fields=["agency", "year"], name="reports_age_agency_f12054_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ExemptionCitationTotals",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(
                        help_text="The report's order (agency name, code)."
                    ),
                ),
                ("agency", models.IntegerField()),
                ("agency_name", models.CharField(max_length=300)),
                ("exemption", models.CharField(max_length=20)),
                ("releases", models.PositiveIntegerField()),
                ("documents", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["position"], name="reports_exe_positio_1fd8be_idx"),
                    models.Index(fields=["agency"], name="reports_exe_agency_b143dd_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReleaseDayTotals",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("released_on", models.DateField()),
                ("month", models.CharField(help_text="YYYY-MM", max_length=7)),
                ("agency", models.IntegerField()),
                ("agency_name", models.CharField(max_length=300)),
                ("lawsuit", models.IntegerField(null=True)),
                ("lawsuit_caption", models.CharField(blank=True, max_length=300)),
                ("release_count", models.PositiveIntegerField()),
                ("document_count", models.PositiveIntegerField()),
                ("pages_released_total", models.PositiveIntegerField()),
                ("pages_withheld_in_full_total", models.PositiveIntegerField()),
                ("pages_withheld_in_part_total", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["released_on"], name="reports_rel_release_d22d81_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="ReleaseMonthTotals",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.CharField(help_text="YYYY-MM", max_length=7)),
                ("agency", models.IntegerField()),
                ("agency_name", models.CharField(max_length=300)),
                ("lawsuit", models.IntegerField(null=True)),
                ("lawsuit_caption", models.CharField(blank=True, max_length=300)),
                ("releases", models.PositiveIntegerField()),
                ("documents", models.PositiveIntegerField()),
                ("pages_released", models.PositiveIntegerField()),
                ("pages_withheld_in_full", models.PositiveIntegerField()),
                ("pages_withheld_in_part", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("month"), descending=True),
                        models.F("agency"),
                        models.F("lawsuit"),
                        name="release_month_report_order",
                    ),
                    models.Index(fields=["lawsuit"], name="reports_rel_lawsuit_be9c9e_idx"),
                ],
            },
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
