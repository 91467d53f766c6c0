"""Rows written in bulk: COPY on PostgreSQL (psycopg 3), multi-row INSERTs elsewhere; one writer
per table, each refusing a column list that leaves a required column out."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

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

UTC = datetime.UTC


class TableWriter:
    """Buffers rows (tuples in `columns` order) for one table and writes them in bulk.

    Refuses to start if a NOT NULL column without a database default is missing from `columns`,
    so a new model field fails loudly here instead of at the first COPY.
    """

    def __init__(self, model_or_table: type[models.Model] | str, columns: Sequence[str]):
        if isinstance(model_or_table, str):
            self.table = model_or_table
        else:
            self.table = model_or_table._meta.db_table
            required = {
                f.column
                for f in model_or_table._meta.concrete_fields
                if not f.null and f.db_default is models.NOT_PROVIDED
            }
            missing = required - set(columns)
            if missing:
                raise AssertionError(
                    f"{self.table}: no value for {sorted(str(c) for c in missing)}"
                )
        self.columns = tuple(columns)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *row: Any) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {quote(self.table)} ({names}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})"
                cursor.executemany(sql, [tuple(map(_adapt, row)) for row in self.rows])
        self.written += len(self.rows)
        self.rows = []


def _adapt(value: Any) -> Any:
    """Values as Django would send them to SQLite (naive UTC datetimes, text dates)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def noon(day: datetime.date) -> datetime.datetime:
    """The moment a generated row of that day was written: noon UTC."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)


def table_writers() -> dict[str, TableWriter]:
    """A writer per table, by the name the generator gives it; columns in the order rows are
    added."""

    def through(model: type[models.Model], name: str) -> TableWriter:
        m2m = model._meta.get_field(name)
        table = m2m.remote_field.through  # type: ignore[union-attr]
        columns = [f.column for f in table._meta.concrete_fields]
        return TableWriter(table, columns)

    return {
        "lawsuit": TableWriter(
            Lawsuit,
            [
                "id",
                "caption",
                "court",
                "docket_number",
                "filed_on",
                "served_on",
                "status",
                "plaintiffs",
                "judge",
                "outcome",
                "notes",
                "district",
                "created_at",
                "updated_at",
            ],
        ),
        "lawsuit_agencies": through(Lawsuit, "defendant_agencies"),
        "lawsuit_counsel": through(Lawsuit, "counsel"),
        "request": TableWriter(
            RecordsRequest,
            [
                "id",
                "title",
                "records_sought",
                "jurisdiction_id",
                "agency_id",
                "owner_id",
                "status",
                "filed_on",
                "received_on",
                "acknowledged_on",
                "determined_on",
                "closed_on",
                "expedited_processing",
                "request_kind",
                "fee_waiver",
                "fees_estimated",
                "fees_paid",
                "created_at",
                "updated_at",
            ],
        ),
        "request_topics": through(RecordsRequest, "topics"),
        "request_staff": through(RecordsRequest, "assigned_staff"),
        "lawsuit_requests": through(Lawsuit, "requests"),
        "tracking": TableWriter(
            TrackingNumber, ["id", "request_id", "agency_id", "number", "assigned_on", "note"]
        ),
        "event": TableWriter(
            RequestEvent,
            [
                "id",
                "request_id",
                "kind",
                "occurred_on",
                "direction",
                "text",
                "from_status",
                "to_status",
                "created_by_id",
                "created_at",
            ],
        ),
        "appeal": TableWriter(
            Appeal,
            [
                "id",
                "request_id",
                "filed_on",
                "received_on",
                "decided_on",
                "outcome",
                "tracking_number",
                "notes",
            ],
        ),
        "release": TableWriter(
            Release,
            [
                "id",
                "request_id",
                "lawsuit_id",
                "released_on",
                "received_on",
                "records_from",
                "records_to",
                "description",
                "pages_released",
                "pages_withheld_in_full",
                "pages_withheld_in_part",
                "bates_prefix",
                "bates_start",
                "bates_end",
                "ingestion",
                "files_total",
                "files_done",
                "errors",
                "ingest_counts",
                "staged",
                "created_at",
            ],
        ),
        "release_exemptions": through(Release, "exemptions"),
        "document": TableWriter(
            Document,
            [
                "id",
                "release_id",
                "request_id",
                "parent_id",
                "file",
                "original_name",
                "source",
                "size",
                "sha256",
                "media_type",
                "kind",
                "page_count",
                "text",
                "sender",
                "recipients",
                "cc",
                "sent_at",
                "subject",
                "message_id",
                "in_reply_to",
                "bates_number",
                "redacted",
                "withheld_in_full",
                "pages_withheld",
                "warnings",
                "created_at",
            ],
        ),
        "document_exemptions": through(Document, "exemptions"),
        "court_schedule": TableWriter(
            CourtSchedule,
            [
                "id",
                "lawsuit_id",
                "label",
                "order_reference",
                "recurrence",
                "interval_days",
                "day_of_month",
                "first_due",
                "until",
                "cut_off_on",
                "expanded_through",
                "cut_off_order",
                "responsible_id",
            ],
        ),
        "deadline": TableWriter(
            Deadline,
            [
                "id",
                "request_id",
                "appeal_id",
                "lawsuit_id",
                "label",
                "due_on",
                "source",
                "jurisdiction_id",
                "rule",
                "citation",
                "basis",
                "trigger_event_id",
                "court_order",
                "schedule_id",
                "responsible_id",
                "status",
                "met_on",
                "paused_on",
                "days_left",
                "paused_reason",
                "superseded_by_id",
                "note",
                "created_at",
                "updated_at",
            ],
        ),
    }
