"""The lists' ``search=`` is a substring match on each search field (``UPPER(col::text) LIKE
UPPER('%word%')``), which no b-tree serves: at 200,000 requests and 2,000,000 deadlines every
search read the whole table (0.7 to 1.4 s, a word that matches nothing included). A trigram GIN
index on the same expression serves it, and PostgreSQL combines the fields' indexes (BitmapOr).
PostgreSQL only (pg_trgm is a trusted extension: the database owner may create it); SQLite scans,
as before."""

from django.db import migrations

#: (index, table, column): the search fields of the large tables (``search_fields`` in api.py).
INDEXES = [
    ("request_title_trgm", "requests_app_recordsrequest", "title"),
    ("request_records_sought_trgm", "requests_app_recordsrequest", "records_sought"),
    ("tracking_number_trgm", "requests_app_trackingnumber", "number"),
    ("deadline_label_trgm", "requests_app_deadline", "label"),
    ("deadline_citation_trgm", "requests_app_deadline", "citation"),
    ("deadline_court_order_trgm", "requests_app_deadline", "court_order"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {name} ON {table} "
            f"USING gin (upper({column}::text) gin_trgm_ops);"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: others use it.
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name};")


class Migration(migrations.Migration):
    # CONCURRENTLY: building these on a live table (millions of deadlines and documents) must not
    # block writes for its duration, and PostgreSQL allows that only outside a transaction.
    atomic = False

    dependencies = [("requests_app", "0008_running_deadline_indexes")]

    operations = [migrations.RunPython(create, drop)]
