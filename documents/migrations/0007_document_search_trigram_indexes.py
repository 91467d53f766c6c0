"""The document list's ``search=`` (subject, sender, file name, Bates number) is a substring match
(``UPPER(col::text) LIKE UPPER('%word%')``): at 1,000,000 documents it read every row (1.1 s).
Trigram GIN indexes on the same expressions serve it, beside 0006's on the sender. PostgreSQL
only; SQLite scans, as before."""

from django.db import migrations

INDEXES = [
    ("document_subject_trgm", "subject"),
    ("document_original_name_trgm", "original_name"),
    ("document_bates_number_trgm", "bates_number"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {name} ON documents_document "
            f"USING gin (upper({column}::text) gin_trgm_ops);"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name};")


class Migration(migrations.Migration):
    # CONCURRENTLY: building these on a live table (millions of deadlines and documents) must not
    # block writes for its duration, and PostgreSQL allows that only outside a transaction.
    atomic = False

    dependencies = [("documents", "0006_document_sender_trigram_index")]

    operations = [migrations.RunPython(create, drop)]
