"""The tracker tables the generator writes: what they already hold, emptying them, and what a bulk
load does around them (secondary indexes dropped and rebuilt, sequences moved past the generated
ids, statistics refreshed)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection, models, transaction

from documents.models import Document, Release
from requests_app.models import (
    Appeal,
    CourtSchedule,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)

# Secondary indexes of the big tables are dropped during the load and rebuilt after it (one
# sorted build instead of millions of insertions); unique and primary-key indexes stay, they
# check the data.
_BIG_TABLES = ("documents_document", "requests_app_deadline", "requests_app_requestevent")


def tracker_models() -> list[type[models.Model]]:
    """The tables this generator writes, children first (the order they are emptied in)."""
    return [
        Document,
        Release,
        Deadline,
        CourtSchedule,
        Appeal,
        TrackingNumber,
        RequestEvent,
        Lawsuit,
        RecordsRequest,
    ]


def loaded_tables() -> list[str]:
    """The tracker tables and their many-to-many link tables (a suit's requests, defendants and
    counsel; topics; exemptions): without statistics on a link table the planner guesses its
    size, and hashed a whole 200,000-row table to join a page's 167 links."""
    tables = []
    for model in tracker_models():
        tables.append(model._meta.db_table)
        for link in model._meta.local_many_to_many:
            through = link.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    return tables


def existing_tracker_data() -> dict[str, int]:
    """How many rows each tracker table already has (only the non-empty ones)."""
    found = {}
    for model in tracker_models():
        if model._default_manager.exists():
            found[model._meta.label] = model._default_manager.count()
    return found


def empty_tracker_tables() -> None:
    """Remove every request, lawsuit, release and what hangs off them (agencies, users stay)."""
    tables: list[str] = []
    for model in tracker_models():
        for m2m in model._meta.local_many_to_many:
            tables.append(m2m.m2m_db_table())
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            # Run the foreign-key checks still queued in an outer transaction (a test): PostgreSQL
            # truncates no table with queued ones.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def drop_secondary_indexes() -> list[str]:
    """Drop the secondary indexes of the big tables; returns their definitions (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s)
              AND NOT i.indisunique AND NOT i.indisprimary
            """,
            [list(_BIG_TABLES)],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def recreate_indexes(definitions: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        # Inside an outer transaction (a test), the deferred foreign-key checks of the rows just
        # written are still queued, and PostgreSQL builds no index on a table with queued ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def reset_sequences() -> None:
    """Move each table's id sequence past the generated ids (users keep their own)."""
    all_models: list[type[models.Model]] = []
    for model in tracker_models():
        all_models.append(model)
        for m2m in model._meta.local_many_to_many:
            all_models.append(m2m.remote_field.through)  # type: ignore[arg-type]
    statements = connection.ops.sequence_reset_sql(no_style(), all_models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def refresh_statistics() -> None:
    """On PostgreSQL, VACUUM (ANALYZE) what was loaded; inside a transaction, ANALYZE alone."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if connection.get_autocommit():
            # VACUUM, not only ANALYZE: after a bulk load no page is marked all-visible yet, so
            # until autovacuum gets there (if it is on at all) every count and index-only scan
            # reads the heap; a live database in steady state has its visibility map set.
            # VACUUM cannot run inside a transaction (a test's): there, ANALYZE alone.
            for table in loaded_tables():
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        else:
            for table in loaded_tables():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
