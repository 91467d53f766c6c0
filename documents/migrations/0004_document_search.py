"""Full-text search over documents.

PostgreSQL: a stored generated tsvector over subject, sender, recipients and text (weighted in
that order of importance) with a GIN index. SQLite has no tsvector; the search selector falls
back to matching the same columns there.
"""

from django.db import migrations

POSTGRES_UP = [
    """
    ALTER TABLE documents_document ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(subject, '')), 'A')
        || setweight(to_tsvector('english', coalesce(sender, '') || ' '
                                 || left(coalesce(recipients, ''), 20000) || ' '
                                 || left(coalesce(cc, ''), 20000)), 'B')
        -- A tsvector holds at most 1 MB: the first 200,000 characters of the text are indexed
        -- (the whole text is kept and shown).
        || setweight(to_tsvector('english', left(coalesce(text, ''), 200000)), 'C')
    ) STORED;
    """,
    "CREATE INDEX document_search_gin ON documents_document USING gin (search);",
]
POSTGRES_DOWN = [
    "DROP INDEX document_search_gin;",
    "ALTER TABLE documents_document DROP COLUMN search;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_federal_exemptions")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRES_UP}), _run({"postgresql": POSTGRES_DOWN}))
    ]
