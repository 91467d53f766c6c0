"""A document's request is its release's request, enforced by the database itself.

PostgreSQL: a composite foreign key (release_id, request_id) -> release (id, request_id).
SQLite cannot add a foreign key to an existing table, so triggers refuse the same rows there.
A later migration that makes SQLite rebuild either table (most field changes do) must drop these
triggers before and create them again after, or the rebuild fails on the trigger's reference.
"""

from django.db import migrations

POSTGRES_UP = """
ALTER TABLE documents_document
    ADD CONSTRAINT document_request_matches_release
    FOREIGN KEY (release_id, request_id) REFERENCES documents_release (id, request_id)
    ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;
"""
POSTGRES_DOWN = "ALTER TABLE documents_document DROP CONSTRAINT document_request_matches_release;"

SQLITE_UP = [
    """
    CREATE TRIGGER document_request_matches_release_insert
    BEFORE INSERT ON documents_document
    WHEN NEW.request_id IS NOT (SELECT request_id FROM documents_release WHERE id = NEW.release_id)
    BEGIN SELECT RAISE(ABORT, 'document_request_matches_release'); END;
    """,
    """
    CREATE TRIGGER document_request_matches_release_update
    BEFORE UPDATE OF release_id, request_id ON documents_document
    WHEN NEW.request_id IS NOT (SELECT request_id FROM documents_release WHERE id = NEW.release_id)
    BEGIN SELECT RAISE(ABORT, 'document_request_matches_release'); END;
    """,
    """
    CREATE TRIGGER release_request_keeps_documents
    BEFORE UPDATE OF request_id ON documents_release
    WHEN EXISTS (SELECT 1 FROM documents_document WHERE release_id = NEW.id
                 AND request_id IS NOT NEW.request_id)
    BEGIN SELECT RAISE(ABORT, 'document_request_matches_release'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER document_request_matches_release_insert;",
    "DROP TRIGGER document_request_matches_release_update;",
    "DROP TRIGGER release_request_keeps_documents;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}),
            _run({"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}),
        )
    ]
