"""The reminder sweep, measured: N deadlines on N/5 requests owned by 1,000 people loaded
server-side with `generate_series`, `--due` of them due for a reminder on the sweep's day; the
sweep timed next to the raw INSERT of the same due rows into the outbox (its budget's limit:
writing one row per reminder is the floor of the sweep's guarantee) and the raw SQL that selects
them (shown for information)."""

from __future__ import annotations

import datetime
import time
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.bench_database import BenchmarkError
from reminders import outbox, policy
from reminders.models import Reminder
from requests_app.deadlines.calendars import add_working_days, calendar_for
from requests_app.models import Agency, Deadline, Jurisdiction, RecordsRequest

SWEEP_AT = datetime.datetime(2030, 3, 13, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PEOPLE = 1_000
PER_REQUEST = 5
RUNS = 3


def _load(deadlines: int, due: int) -> dict[str, Any]:
    """Fill the tables with generate_series on the server; returns the due dates used."""
    User = get_user_model()
    today = SWEEP_AT.date()
    cal = calendar_for("US")
    seven = add_working_days(cal, today, 7).due
    two = add_working_days(cal, today, 2).due
    assert policy.working_days_before(cal, seven, 7) == today
    assert policy.working_days_before(cal, two, 2) == today
    later = add_working_days(cal, today, 30).due

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {Reminder._meta.db_table}, {Deadline._meta.db_table}, "
            f"{RecordsRequest._meta.db_table} CASCADE"
        )
    User.objects.filter(username__startswith="bench-").delete()
    User.objects.bulk_create(
        [User(username=f"bench-{n}", email=f"bench-{n}@example.org") for n in range(PEOPLE)]
    )
    first_user = User.objects.filter(username__startswith="bench-").order_by("pk")[0].pk
    us = Jurisdiction.objects.get(code="US")
    agency, _ = Agency.objects.get_or_create(name="Benchmark agency", jurisdiction=us)
    template = RecordsRequest.objects.create(
        title="template",
        records_sought="Records.",
        agency=agency,
        jurisdiction=us,
        owner_id=first_user,
    )
    fields = [
        str(f.column)
        for f in RecordsRequest._meta.concrete_fields
        if f.column not in ("id", "title", "owner_id")
    ]
    requests = deadlines // PER_REQUEST
    t = {
        "request": RecordsRequest._meta.db_table,
        "deadline": Deadline._meta.db_table,
    }
    cols = ", ".join(fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {t["request"]} (title, owner_id, {cols})
            SELECT 'Request ' || n, %s + (n %% %s), {cols}
            FROM {t["request"]}, generate_series(1, %s) AS n WHERE id = %s""",
            [first_user, PEOPLE, requests, template.pk],
        )
        cursor.execute(f"DELETE FROM {t['request']} WHERE id = %s", [template.pk])
        cursor.execute(f"SELECT min(id) FROM {t['request']}")
        first_request = cursor.fetchone()[0]
        # Due for a reminder: 40% a week ahead, 20% two days ahead, 20% today, 20% overdue
        # (their weekly reminder falls today: due 1, 8, 15 ... days before). The rest: open and
        # due later than any reminder, or met.
        cursor.execute(
            f"""INSERT INTO {t["deadline"]} (
                request_id, label, due_on, source, jurisdiction_id, rule, citation, basis,
                court_order, status, met_on, paused_reason, note, created_at, updated_at)
            SELECT %(first)s + ((n - 1) %% %(requests)s), 'Response to the request',
                CASE
                    WHEN n <= %(due)s * 0.4 THEN %(seven)s::date
                    WHEN n <= %(due)s * 0.6 THEN %(two)s::date
                    WHEN n <= %(due)s * 0.8 THEN %(today)s::date
                    WHEN n <= %(due)s THEN %(today)s::date - 1 - 7 * (n %% 10)
                    ELSE %(later)s::date + (n %% 300)
                END,
                'rule', %(us)s, 'response', '5 U.S.C. 552(a)(6)(A)(i)', '{{}}'::jsonb, '',
                CASE WHEN n > %(due)s AND n %% 3 = 0 THEN 'met' ELSE 'open' END,
                CASE WHEN n > %(due)s AND n %% 3 = 0 THEN %(today)s::date END,
                '', '', now(), now()
            FROM generate_series(1, %(deadlines)s) AS n""",
            {
                "first": first_request,
                "requests": requests,
                "due": due,
                "seven": seven,
                "two": two,
                "today": today,
                "later": later,
                "us": us.pk,
                "deadlines": deadlines,
            },
        )
        cursor.execute(f"ANALYZE {t['request']}")
        cursor.execute(f"ANALYZE {t['deadline']}")
    return {"today": today, "seven": seven, "two": two}


def _raw_due_rows(dates: dict[str, Any]) -> list[tuple[Any, ...]]:
    """For information: hand-written SQL that knows the four kinds of due date and fetches the
    same (deadline, person) pairs the sweep writes. Not the budget's limit: a sweep that only
    selected would not give the outbox's guarantee."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT d.id, r.owner_id FROM {Deadline._meta.db_table} d
            JOIN {RecordsRequest._meta.db_table} r ON r.id = d.request_id
            WHERE d.status = 'open' AND d.paused_on IS NULL
              AND (d.due_on IN (%s, %s) OR d.due_on <= %s)""",
            [dates["seven"], dates["two"], dates["today"]],
        )
        return cursor.fetchall()


def _raw_insert_due_rows(dates: dict[str, Any]) -> int:
    """The budget's limit: the same rows inserted into the outbox by hand-written SQL (the
    simplest INSERT … SELECT, no slots, no people beyond the owner), committed — the cost any
    sweep that keeps one row per reminder pays for the table's indexes and foreign keys, and so
    the floor of the sweep's guarantee (each due reminder written once, before any send)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Reminder._meta.db_table} (
                deadline_id, recipient_id, reason, scheduled_for, due_on, state, attempts,
                last_error, claim, message_id, digest, created_at)
            SELECT d.id, r.owner_id, 'upcoming', %s, d.due_on, 'queued', 0, '', '', '', false,
                now()
            FROM {Deadline._meta.db_table} d
            JOIN {RecordsRequest._meta.db_table} r ON r.id = d.request_id
            WHERE d.status = 'open' AND d.paused_on IS NULL
              AND (d.due_on IN (%s, %s) OR d.due_on <= %s)""",
            [dates["today"], dates["seven"], dates["two"], dates["today"]],
        )
        return cursor.rowcount


def measure(*, deadlines: int, due: int, budget_ratio: float) -> dict[str, Any]:
    """Load, then sweep three times over an empty outbox next to the raw INSERT and the raw
    SELECT of the same rows; the best of three of each, checked against the due rows. The
    budget: the sweep within ``budget_ratio`` times the raw INSERT."""
    print(f"Loading {deadlines:,} deadlines ({due:,} due for a reminder) …", flush=True)
    started = time.perf_counter()
    dates = _load(deadlines, due)
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)

    sweep_times, raw_times, insert_times, queries = [], [], [], 0
    created = raw_rows = inserted = 0
    for _ in range(RUNS):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            result = outbox.reminders_sweep(now=SWEEP_AT)
        sweep_times.append(time.perf_counter() - started)
        queries, created = len(captured), result.created

        started = time.perf_counter()
        raw_rows = len(_raw_due_rows(dates))
        raw_times.append(time.perf_counter() - started)

        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")
        started = time.perf_counter()
        inserted = _raw_insert_due_rows(dates)
        insert_times.append(time.perf_counter() - started)

    if created != due or raw_rows != due or inserted != due:
        raise BenchmarkError(
            f"wrong answer: the sweep created {created:,} reminders and the raw query found "
            f"{raw_rows:,} rows (inserted {inserted:,}); {due:,} are due"
        )
    to_send = len(result.individual)
    if to_send != due:
        raise BenchmarkError(f"the sweep handed {to_send:,} rows to send; {due:,} are due")
    sweep, raw, write = min(sweep_times), min(raw_times), min(insert_times)
    return {
        "name": "reminder sweep",
        "deadlines": deadlines,
        "due": due,
        "sweep_s": round(sweep, 3),
        "raw_sql_s": round(raw, 3),
        "ratio": round(sweep / raw, 2),
        "raw_insert_s": round(write, 3),
        "ratio_to_raw_insert": round(sweep / write, 2),
        "budget_ratio": budget_ratio,
        "queries": queries,
        "budget_limit": "raw_insert_s",
        "met": sweep / write <= budget_ratio,
    }
