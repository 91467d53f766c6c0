"""Search ranks the newest matches (selectors.SEARCH_RANK_WINDOW): this index hands documents
over newest first, so a query for a common word stops reading after the window instead of
ranking every match. PostgreSQL only: SQLite has no NULLS LAST in an index and ranks nothing."""

from django.db import migrations

POSTGRES_UP = [
    "CREATE INDEX document_newest_first ON documents_document (sent_at DESC NULLS LAST, id DESC);"
]
POSTGRES_DOWN = ["DROP INDEX document_newest_first;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_document_search")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRES_UP}), _run({"postgresql": POSTGRES_DOWN}))
    ]
