"""What each ingestion run counted, kept on the release for its page.

Adding the column makes SQLite rebuild the release table, which the triggers of 0002 refer to:
they are dropped before and created again after (as 0002 asks of such migrations)."""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("documents.migrations.0002_document_request_matches_release")


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_document_search_trigram_indexes"),
    ]

    operations = [
        migrations.RunPython(_sqlite(triggers.SQLITE_DOWN), _sqlite(triggers.SQLITE_UP)),
        migrations.AddField(
            model_name="release",
            name="ingest_counts",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(_sqlite(triggers.SQLITE_UP), _sqlite(triggers.SQLITE_DOWN)),
    ]
