"""Search filtered by sender ("from contains microsoft.com") is a substring match
(`UPPER(sender::text) LIKE UPPER('%…%')`), which no b-tree serves: without this index PostgreSQL
reads every document that matches the words to test its sender (190 ms for a common word at
100,000 documents). A trigram GIN index on the same expression serves it, and combines with the
full-text GIN index. PostgreSQL only (pg_trgm is a trusted extension: the database owner may
create it); SQLite scans, as before."""

from django.db import migrations

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX document_sender_trgm ON documents_document "
    "USING gin (upper(sender::text) gin_trgm_ops);",
]
# The extension stays: something else may use it.
POSTGRES_DOWN = ["DROP INDEX document_sender_trgm;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_document_newest_first_index")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRES_UP}), _run({"postgresql": POSTGRES_DOWN}))
    ]
