"""Reminders and reports leave the domain core for apps of their own.

The reminder outbox and preferences keep their tables and rows: this migration only forgets the two
models in this app's state (no SQL runs for them), and reminders.0001_initial takes them over under
the same table names. The report snapshots are dropped here and created afresh by
reports.0001_initial: they hold nothing but figures the next refresh recomputes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0009_search_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Reminder"),
                migrations.DeleteModel(name="ReminderPreference"),
            ],
            database_operations=[],
        ),
        migrations.DeleteModel(name="AgencyYearPerformance"),
        migrations.DeleteModel(name="ExemptionCitationTotals"),
        migrations.DeleteModel(name="ReleaseDayTotals"),
        migrations.DeleteModel(name="ReleaseMonthTotals"),
        migrations.DeleteModel(name="ReportRefresh"),
    ]
