"""Deadline recompute, measured: N open federal `response` deadlines whose count spans the closure
day loaded, `closure_day_add` and `closure_day_remove` timed and checked (every deadline moved by
exactly one working day, and back), their queries counted, next to a bare `rules.evaluate` loop
over the same bases."""

from __future__ import annotations

import datetime
import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from benchmarks.bench_database import BenchmarkError
from requests_app.deadlines import calendars, rules
from requests_app.deadlines.closures import (
    Move,
    closure_day_add,
    closure_day_remove,
    open_computed_deadlines,
)
from requests_app.deadlines.selectors import closures_for
from requests_app.models import Agency, ClosureDay, Deadline, Jurisdiction, RecordsRequest
from requests_app.workflow import RequestStatus

BUDGET_PER_SECOND = 10_000
INSERT_BATCH = 5_000
RULE = "response"


def wipe() -> None:
    """Empty what a previous run left (TRUNCATE also drops the dead rows its updates made)."""
    tables = [
        Deadline._meta.db_table,
        ClosureDay._meta.db_table,
        ClosureDay.history.model._meta.db_table,
        RecordsRequest._meta.db_table,
        RecordsRequest.history.model._meta.db_table,
        Agency._meta.db_table,
        Agency.history.model._meta.db_table,
    ]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def _basis(trigger: datetime.date) -> dict[str, str]:
    return {"rule": RULE, "trigger": trigger.isoformat()}


@dataclass(frozen=True)
class Plan:
    """Which receipt days give a response deadline whose count passes over the closure day."""

    closure: datetime.date
    #: Receipt days T with T < closure <= due(T): every one of these deadlines must move.
    spanning: tuple[datetime.date, ...]
    #: Receipt days whose deadline falls before the closure day: none of these may be read.
    before: tuple[datetime.date, ...]
    #: due(T) without the closure day, and with it.
    due: dict[datetime.date, datetime.date]
    due_closed: dict[datetime.date, datetime.date]

    @classmethod
    def around(cls, closure: datetime.date) -> Plan:
        closed = {closure: "bench"}
        spanning: list[datetime.date] = []
        day = closure - datetime.timedelta(days=1)
        while rules.evaluate("US", _basis(day)).due >= closure:
            spanning.append(day)
            day -= datetime.timedelta(days=1)
        # As many receipt days again, just before: their deadlines fall in the weeks before.
        before = [day - datetime.timedelta(days=k) for k in range(len(spanning))]
        triggers = sorted(spanning + before)
        return cls(
            closure=closure,
            spanning=tuple(sorted(spanning)),
            before=tuple(sorted(before)),
            due={t: rules.evaluate("US", _basis(t)).due for t in triggers},
            due_closed={t: rules.evaluate("US", _basis(t), closed).due for t in triggers},
        )

    def triggers(self, spanning: int, before: int) -> list[datetime.date]:
        """Receipt days for `spanning` + `before` deadlines, spread evenly over the windows."""
        return [self.spanning[i % len(self.spanning)] for i in range(spanning)] + [
            self.before[i % len(self.before)] for i in range(before)
        ]


def _load(us: Jurisdiction, plan: Plan, triggers: Sequence[datetime.date]) -> None:
    """One agency, one owner, one records request per deadline: bulk inserts in batches."""
    if closures_for("US"):
        raise BenchmarkError("The bench database still has US closure days after the wipe.")
    owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
    agency = Agency.objects.create(name="Benchmark Agency", abbreviation="BENCH", jurisdiction=us)
    rule = rules.get_rule("US", RULE)
    total = len(triggers)
    for start in range(0, total, INSERT_BATCH):
        batch = triggers[start : start + INSERT_BATCH]
        with transaction.atomic():
            requests = RecordsRequest.objects.bulk_create(
                RecordsRequest(
                    title=f"Benchmark request {start + k}",
                    records_sought="Records for the deadline benchmark.",
                    jurisdiction=us,
                    agency=agency,
                    owner=owner,
                    status=RequestStatus.SUBMITTED,
                    filed_on=trigger,
                    received_on=trigger,
                )
                for k, trigger in enumerate(batch)
            )
            Deadline.objects.bulk_create(
                Deadline(
                    request=request,
                    label=rule.label,
                    due_on=plan.due[trigger],
                    jurisdiction=us,
                    rule=rule.code,
                    citation=rule.citation,
                    basis=_basis(trigger),
                    responsible=owner,
                )
                for request, trigger in zip(requests, batch, strict=True)
            )
        done = start + len(batch)
        if done == total or done % 20_000 == 0:
            _progress(f"  inserted {done:,} / {total:,} requests and deadlines")
    # Fresh statistics, as autovacuum would have them on a live database.
    with connection.cursor() as cursor:
        for model in (Deadline, RecordsRequest):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass
class Timing:
    operation: str
    recomputed: int
    moved: int
    left_alone: int
    seconds: float
    queries: int
    #: The same operation timed again while Django recorded its queries (for the count only).
    seconds_while_counting: float
    #: Of `queries`, the UPDATE statements writing the new dates (one per 20,000 moves).
    update_statements: int

    @property
    def per_second(self) -> float:
        return self.recomputed / self.seconds if self.seconds else float("inf")

    @property
    def passes(self) -> bool:
        return self.per_second >= BUDGET_PER_SECOND

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "per_second": round(self.per_second),
            "budget_per_second": BUDGET_PER_SECOND,
            "passes": self.passes,
        }


@dataclass
class BareLoop:
    """`rules.evaluate` over the same bases in pure Python: the computation's own limit."""

    calendar: str
    deadlines: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.deadlines / self.seconds if self.seconds else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "per_second": round(self.per_second)}


@dataclass
class Run:
    deadlines: int
    due_before: int
    load_seconds: float
    add: Timing
    remove: Timing
    #: With the closure day (what closure_day_add computes), and without (closure_day_remove).
    bare_closed: BareLoop
    bare_open: BareLoop

    def as_dict(self) -> dict[str, Any]:
        return {
            "deadlines": self.deadlines,
            "due_before": self.due_before,
            "load_seconds": round(self.load_seconds, 3),
            "closure_day_add": self.add.as_dict(),
            "closure_day_remove": self.remove.as_dict(),
            "bare_loop_with_closure": self.bare_closed.as_dict(),
            "bare_loop_without_closure": self.bare_open.as_dict(),
        }


def _progress(text: str) -> None:
    print(text, flush=True)


def _state() -> Counter[tuple[str, datetime.date]]:
    """How many deadlines have each (receipt day, due date): the whole table in a few rows."""
    rows = Deadline.objects.values("basis__trigger", "due_on").annotate(n=Count("pk")).order_by()
    return Counter({(str(r["basis__trigger"]), r["due_on"]): int(r["n"]) for r in rows})


def _expected(
    triggers: Sequence[datetime.date], due: dict[datetime.date, datetime.date]
) -> Counter[tuple[str, datetime.date]]:
    return Counter((t.isoformat(), due[t]) for t in triggers)


def _check_moves(
    moves: Sequence[Move], *, expected: int, step: Callable[[datetime.date], datetime.date]
) -> None:
    if len(moves) != expected:
        raise BenchmarkError(f"{len(moves):,} deadlines moved; expected {expected:,}.")
    wrong = [m for m in moves if step(m.old) != m.new]
    if wrong:
        raise BenchmarkError(f"{len(wrong):,} moves are not one working day, e.g. {wrong[0]}.")


def _spot_check(
    moves: Sequence[Move],
    next_working: Callable[[datetime.date], datetime.date],
) -> list[str]:
    """Re-read a few moved deadlines and show each moved by exactly one working day."""
    first_by_due: dict[datetime.date, Move] = {}
    for m in moves:
        first_by_due.setdefault(m.old, m)
    dues = sorted(first_by_due)
    # The closure day itself, the middle and the last due date, and a Friday (lands on Monday).
    wanted = {dues[0], dues[len(dues) // 2], dues[-1]}
    wanted.update([d for d in dues if first_by_due[d].days > 1][:1])
    wanted.update([d for d in dues if d not in wanted][: max(0, 5 - len(wanted))])
    by_pk = {first_by_due[d].deadline_id: first_by_due[d] for d in sorted(wanted)}
    stored = dict(Deadline.objects.filter(pk__in=by_pk).values_list("pk", "due_on"))
    lines = []
    for pk, m in by_pk.items():
        ok = stored[pk] == m.new == next_working(m.old)
        if not ok:
            raise BenchmarkError(f"Deadline {pk}: stored {stored[pk]}, move {m}.")
        lines.append(
            f"    deadline {pk:>7}: due {m.old} ({m.old:%a}) -> {m.new} ({m.new:%a}), "
            "one working day later: ok"
        )
    return lines


def measure_closure_day(us: Jurisdiction, plan: Plan, spanning: int, due_before: int) -> Run:
    print(f"\n== {spanning:,} deadlines spanning the closure day, {due_before:,} due before it ==")
    wipe()
    triggers = plan.triggers(spanning, due_before)
    started = time.perf_counter()
    _load(us, plan, triggers)
    load_seconds = time.perf_counter() - started
    print(f"loaded {len(triggers):,} requests and deadlines in {load_seconds:.1f} s")
    if _state() != _expected(triggers, plan.due):
        raise BenchmarkError("The loaded due dates do not match the plan.")

    closure = plan.closure
    open_cal = calendars.calendar_for("US")
    closed_cal = calendars.calendar_for("US", {closure: "bench"})

    def later(day: datetime.date) -> datetime.date:
        return calendars.add_working_days(closed_cal, day, 1).due

    def earlier(day: datetime.date) -> datetime.date:
        # The day before, in the calendar without the closure: the inverse of `later`.
        back = day - datetime.timedelta(days=1)
        while not open_cal.is_working_day(back):
            back -= datetime.timedelta(days=1)
        return back

    def candidates() -> int:
        return open_computed_deadlines(us).filter(due_on__gte=closure).count()

    # closure_day_add: the timed run, then the same again while Django records the queries.
    recomputed = candidates()
    started = time.perf_counter()
    added, moves = closure_day_add(jurisdiction=us, date=closure, reason="bench")
    add_seconds = time.perf_counter() - started
    _check_moves(moves, expected=spanning, step=later)
    if _state() != _expected(triggers, plan.due_closed):
        raise BenchmarkError("After closure_day_add the due dates do not match the plan.")
    spot = _spot_check(moves, later)

    recomputed_back = candidates()  # the same rows: they moved further past the day
    started = time.perf_counter()
    moves_back = closure_day_remove(closure=added)
    remove_seconds = time.perf_counter() - started
    _check_moves(moves_back, expected=spanning, step=earlier)
    if _state() != _expected(triggers, plan.due):
        raise BenchmarkError("After closure_day_remove the due dates are not the original ones.")

    with CaptureQueriesContext(connection) as add_queries:
        started = time.perf_counter()
        added, again = closure_day_add(jurisdiction=us, date=closure, reason="bench")
        add_counted = time.perf_counter() - started
    with CaptureQueriesContext(connection) as remove_queries:
        started = time.perf_counter()
        back_again = closure_day_remove(closure=added)
        remove_counted = time.perf_counter() - started
    if len(again) != spanning or len(back_again) != spanning or ClosureDay.objects.exists():
        raise BenchmarkError("The second add/remove cycle did not move the same deadlines.")

    add = Timing(
        "closure_day_add",
        recomputed,
        len(moves),
        due_before,
        add_seconds,
        len(add_queries.captured_queries),
        add_counted,
        _updates(add_queries.captured_queries),
    )
    remove = Timing(
        "closure_day_remove",
        recomputed_back,
        len(moves_back),
        due_before,
        remove_seconds,
        len(remove_queries.captured_queries),
        remove_counted,
        _updates(remove_queries.captured_queries),
    )
    _report(add, f"closure_day_add(US, {closure}, reason='bench')", spot)
    _report(remove, "closure_day_remove (the same day: every deadline moves back)", [])

    # The computation's own limit: rules.evaluate over the same bases, no database.
    bases = [_basis(t) for t in triggers[:spanning]]
    loops = []
    for calendar, closures in (("with the closure day", {closure: "bench"}), ("without it", {})):
        started = time.perf_counter()
        for basis in bases:
            rules.evaluate("US", basis, closures)
        loops.append(BareLoop(calendar, spanning, time.perf_counter() - started))
    run = Run(spanning, due_before, load_seconds, add, remove, *loops)
    for loop, timing in zip(loops, (add, remove), strict=True):
        print(f"bare loop: rules.evaluate over the same bases {loop.calendar}, no database")
        print(f"  deadlines              {loop.deadlines:>12,}")
        print(f"  seconds                {loop.seconds:>12.3f}")
        print(f"  deadlines per second   {loop.per_second:>12,.0f}")
        print(f"  {timing.operation} runs at {timing.per_second / loop.per_second:.0%} of this")
    return run


def _updates(queries: Sequence[dict[str, str]]) -> int:
    prefix = f"UPDATE {Deadline._meta.db_table} "
    return sum(1 for q in queries if q["sql"].startswith(prefix))


def _report(timing: Timing, title: str, spot: list[str]) -> None:
    print(title)
    print(
        f"  deadlines recomputed   {timing.recomputed:>12,}   "
        f"(+{timing.left_alone:,} due before the day, not read)"
    )
    print(f"  moved                  {timing.moved:>12,}   (each by one working day)")
    print(f"  seconds                {timing.seconds:>12.3f}")
    print(f"  deadlines per second   {timing.per_second:>12,.0f}")
    print(
        f"  SQL queries            {timing.queries:>12,}   "
        f"({timing.update_statements} of them UPDATEs of the due dates; counted on a second "
        f"run, {timing.seconds_while_counting:.3f} s)"
    )
    for line in spot:
        print(line)
    print(f"  budget ≥ {BUDGET_PER_SECOND:,}/s: {'PASS' if timing.passes else 'FAIL'}")


def table(runs: Sequence[Run]) -> None:
    header = (
        f"{'deadlines':>10}  {'operation':<18}  {'recomputed':>10}  {'moved':>8}  "
        f"{'queries':>7}  {'seconds':>8}  {'per second':>10}  budget"
    )
    print("\n" + header)
    print("-" * len(header))
    for run in runs:
        for t in (run.add, run.remove):
            print(
                f"{run.deadlines:>10,}  {t.operation:<18}  {t.recomputed:>10,}  {t.moved:>8,}  "
                f"{t.queries:>7}  {t.seconds:>8.3f}  {t.per_second:>10,.0f}  "
                f"{'PASS' if t.passes else 'FAIL'}"
            )
        for loop, label in (
            (run.bare_closed, "bare loop, closed"),
            (run.bare_open, "bare loop, open"),
        ):
            print(
                f"{run.deadlines:>10,}  {label:<18}  {loop.deadlines:>10,}  {'-':>8}  "
                f"{0:>7}  {loop.seconds:>8.3f}  {loop.per_second:>10,.0f}  -"
            )


def describe(database_url: str, plan: Plan) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    parts = urlsplit(database_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = f"{parts.username}@" if parts.username else ""
    shown = parts._replace(netloc=user + host)  # never the password
    return {
        "database": urlunsplit(shown),
        "postgresql": row[0] if row else "?",
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "closure_day": plan.closure.isoformat(),
        "spanning_receipt_days": [plan.spanning[0].isoformat(), plan.spanning[-1].isoformat()],
        "before_receipt_days": [plan.before[0].isoformat(), plan.before[-1].isoformat()],
    }


def run_alone(
    *, database_url: str, closure_day: datetime.date, sizes: Sequence[int], due_before: float
) -> tuple[dict[str, Any], list[Run]]:
    """The script's runs, one per size (Django set up, the database migrated); the header it
    prints first, and what it writes as JSON."""
    if not calendars.calendar_for("US").is_working_day(closure_day):
        raise BenchmarkError(f"{closure_day} is not a federal working day; pick one.")
    us = Jurisdiction.objects.get(code="US")
    plan = Plan.around(closure_day)
    about = describe(database_url, plan)
    print("foiatracker: recompute open deadlines after a closure day")
    print(f"  database     {about['database']} (PostgreSQL {about['postgresql']})")
    print(
        f"  python {about['python']}, Django {about['django']}, "
        f"{about['cpus']} CPUs ({about['machine']})"
    )
    print(
        f"  closure day  {plan.closure} (US); receipts {plan.spanning[0]}..{plan.spanning[-1]}"
        f" span it, receipts {plan.before[0]}..{plan.before[-1]} are due before it"
    )
    runs = [measure_closure_day(us, plan, n, round(n * due_before)) for n in sizes]
    return about, runs


def run_plugin(*, spanning: int, closure_day: datetime.date) -> Run:
    """One run over the runner's database, 10% more deadlines due before the day."""
    us = Jurisdiction.objects.get(code="US")
    return measure_closure_day(us, Plan.around(closure_day), spanning, round(spanning * 0.10))
