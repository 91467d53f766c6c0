"""Benchmark: latency of every API list endpoint and report, next to the raw SQL of the same rows.

Against an already-populated PostgreSQL database (its name must contain "bench"; fill it with
``manage.py generate_data`` or, for a quick trial, ``--populate N`` here), each list endpoint and
report is called through the Django test client with a reporting user's token, ``page_size=100``
(the largest page), ``--repeat`` times; p50 and p95 are printed. In the same run, the SQL
statements that call issued are captured once and replayed straight on a database cursor
(``--repeat`` times, the median kept): the same statements return the same rows, so ``ratio`` =
API p50 / raw SQL is what the framework (authentication, filters, serializers, JSON) adds on top
of the database's work. Budget (issue 6): ratio ≤ 3 and p50 under 300 ms at 200,000 requests
and 2,000,000 deadlines.

    .venv/bin/python benchmarks/api_reads.py
        [--database-url postgres://postgres@127.0.0.1:5432/foiatracker_bench]
        [--populate 2000] [--repeat 20] [--json PATH]

``measure(repeat=20) -> list[dict]`` (keys name, p50_ms, p95_ms, raw_ms, ratio) times the
endpoints; ``run(context)`` (what ``make bench`` calls) adds, for each precomputed report
(``reports.snapshots``), the time its refresh takes next to the live report's own
SQL: what a caller would wait for if the report were computed per call.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))  # run as a script, `foiatracker` must be importable

from benchmarks.bench_database import (  # noqa: E402 - needs the path above
    BenchmarkError,
    create_database_if_missing,
    point_django_at,
    setup_django,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/foiatracker_bench"
PAGE_SIZE = 100
BUDGET_RATIO = 3.0
BUDGET_P50_MS = 300.0
FLOOR_NAME = "floor: authenticated GET /api/v1/ (reads no rows)"

#: (name, path, query) — every list endpoint and report, at the largest page.
ENDPOINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("jurisdictions", "/api/v1/jurisdictions/", {}),
    ("agencies", "/api/v1/agencies/", {}),
    ("requests", "/api/v1/requests/", {}),
    ("requests?overdue=true", "/api/v1/requests/", {"overdue": "true"}),
    ("appeals", "/api/v1/appeals/", {}),
    ("lawsuits", "/api/v1/lawsuits/", {}),
    ("deadlines", "/api/v1/deadlines/", {}),
    ("deadlines?overdue=true", "/api/v1/deadlines/", {"overdue": "true"}),
    ("deadlines?due_within=14", "/api/v1/deadlines/", {"due_within": 14}),
    ("releases", "/api/v1/releases/", {}),
    ("documents", "/api/v1/documents/", {}),
    ("reminders", "/api/v1/reminders/", {}),
    ("reports/overdue-deadlines", "/api/v1/reports/overdue-deadlines/", {}),
    ("reports/agency-performance", "/api/v1/reports/agency-performance/", {}),
    ("reports/releases", "/api/v1/reports/releases/", {}),
    ("reports/exemptions", "/api/v1/reports/exemptions/", {}),
    ("reports/pipeline", "/api/v1/reports/pipeline/", {}),
]


def filtered_endpoints() -> list[tuple[str, str, dict[str, Any]]]:
    """Common filters over the generated data, with the ids it has: the department with the
    most components (all its requests, appeals and suits), a busy owner, one lawsuit, a word
    in many titles and one in none. Timed beside the budget's rows, not judged by it."""
    from django.db.models import Count

    from requests_app.models import Agency, Lawsuit, RecordsRequest

    department = (
        Agency.objects.filter(parent__isnull=True)
        .annotate(n=Count("components"))
        .order_by("-n", "pk")
        .first()
    )
    owner = (
        RecordsRequest.objects.exclude(owner=None)
        .values_list("owner_id", flat=True)
        .order_by("owner_id")
        .first()
    )
    lawsuit = Lawsuit.objects.order_by("pk").values_list("pk", flat=True).first()
    # A deep page: the 500th, or the last where there are fewer (the small preset has 100).
    deep = min(500, max(1, RecordsRequest.objects.count() // PAGE_SIZE))
    if department is None or owner is None or lawsuit is None:
        return []
    d = department.pk
    return [
        (f"requests?agency={d} (department)", "/api/v1/requests/", {"agency": d}),
        ("requests?status=processing", "/api/v1/requests/", {"status": "processing"}),
        (f"requests?owner={owner}", "/api/v1/requests/", {"owner": owner}),
        ("requests?has_release=true", "/api/v1/requests/", {"has_release": "true"}),
        ("requests?topic=face recognition", "/api/v1/requests/", {"topic": "face recognition"}),
        (
            "requests?filed in a quarter",
            "/api/v1/requests/",
            {"filed_after": "2024-01-01", "filed_before": "2024-03-31"},
        ),
        (f"requests?page={deep}", "/api/v1/requests/", {"page": deep}),
        ("requests?search=face recognition", "/api/v1/requests/", {"search": "face recognition"}),
        ("requests?search=(no match)", "/api/v1/requests/", {"search": "zzqqxx"}),
        (f"deadlines?agency={d} (department)", "/api/v1/deadlines/", {"agency": d}),
        (
            f"deadlines?agency={d}&overdue=true",
            "/api/v1/deadlines/",
            {"agency": d, "overdue": "true"},
        ),
        (f"deadlines?owner={owner}", "/api/v1/deadlines/", {"owner": owner}),
        (f"deadlines?lawsuit={lawsuit}", "/api/v1/deadlines/", {"lawsuit": lawsuit}),
        ("deadlines?search=answer", "/api/v1/deadlines/", {"search": "answer"}),
        ("appeals?overdue=true", "/api/v1/appeals/", {"overdue": "true"}),
        ("lawsuits?overdue=true", "/api/v1/lawsuits/", {"overdue": "true"}),
        (f"lawsuits?agency={d} (department)", "/api/v1/lawsuits/", {"agency": d}),
        ("releases?exemption=b5", "/api/v1/releases/", {"exemption": "b5"}),
        (f"documents?agency={d} (department)", "/api/v1/documents/", {"agency": d}),
        ("documents?exemption=b6", "/api/v1/documents/", {"exemption": "b6"}),
        ("documents?search=meeting", "/api/v1/documents/", {"search": "meeting"}),
        (
            f"reports/overdue-deadlines?agency={d}",
            "/api/v1/reports/overdue-deadlines/",
            {"agency": d},
        ),
        (f"reports/pipeline?agency={d}", "/api/v1/reports/pipeline/", {"agency": d}),
    ]


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _is_read(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "SET", "SHOW")


def _bench_token() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from core.roles import REPORTING

    user, _ = get_user_model().objects.get_or_create(username="bench-reporting")
    user.groups.add(Group.objects.get(name=REPORTING))
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def measure(
    *,
    repeat: int = 20,
    endpoints: list[tuple[str, str, dict[str, Any]]] | None = None,
    filtered: bool = True,
):
    """Time each endpoint through the test client and its own SQL replayed raw; one dict per
    endpoint with name, p50_ms, p95_ms, raw_ms, ratio (and rows, queries). The first row is the
    floor (``"floor": True``); with ``filtered``, the common filters follow (``"filtered":
    True``)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports import snapshots

    # A running deployment's snapshots are at most REPORTS_REFRESH_MINUTES old (beat refreshes
    # them); a report never computed would be computed by the first call, which is not a read.
    snapshots.reports_refresh()
    # The test client speaks to Django in-process as "testserver" (whoever calls: main() or the
    # `make bench` runner).
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    headers = {"Authorization": f"Token {_bench_token()}"}
    client = Client()

    def timed(name: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        with CaptureQueriesContext(connection) as captured:  # also warms caches
            response = client.get(path, params, secure=True, headers=headers)
        if response.status_code != 200:
            raise BenchmarkError(f"{name}: HTTP {response.status_code}: {response.content[:300]!r}")
        rows = len(response.json().get("results", []))
        statements = [q["sql"] for q in captured.captured_queries]
        writes = [sql for sql in statements if not _is_read(sql)]
        if writes:
            raise BenchmarkError(f"{name}: a read endpoint wrote: {writes[0][:200]}")
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path, params, secure=True, headers=headers)
            response.content  # noqa: B018 - the body is part of the cost
            samples.append((time.perf_counter() - started) * 1000)
        raw = []
        with connection.cursor() as cursor:
            for _ in range(repeat):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                raw.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(samples)
        raw_ms = statistics.median(raw)
        return {
            "name": name,
            "p50_ms": round(p50, 2),
            "p95_ms": round(_percentile(samples, 0.95), 2),
            "raw_ms": round(raw_ms, 2),
            "ratio": round(p50 / raw_ms, 2) if raw_ms else None,
            "rows": rows,
            "queries": len(statements),
        }

    # What any call costs before it reads a row: the test client, middleware, DRF, the token
    # and its roles (one query). Reported beside the endpoints, never judged against the budget.
    floor = timed(FLOOR_NAME, "/api/v1/", {})
    results = [{**floor, "floor": True}]
    listed = [(item, False) for item in endpoints or ENDPOINTS]
    if filtered and endpoints is None:
        listed += [(item, True) for item in filtered_endpoints()]
    for (name, path, query), is_filtered in listed:
        row = timed(name, path, {**query, "page_size": PAGE_SIZE})
        row["over_floor_ms"] = round(row["p50_ms"] - floor["p50_ms"], 2)
        row["filtered"] = is_filtered
        results.append(row)
    return results


def measure_refreshes(*, repeat: int = 3) -> list[dict[str, Any]]:
    """Each precomputed report's refresh (best of ``repeat``) and, in the same run, the SQL of
    the live report it replaces, replayed raw (best of ``repeat``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import snapshots

    results = []
    for report in snapshots.REFRESHERS:
        refresh = []
        for _ in range(repeat):
            started = time.perf_counter()
            state = snapshots.report_refresh(report=report)
            refresh.append((time.perf_counter() - started) * 1000)
        live = snapshots.LIVE_REPORTS[report]
        with CaptureQueriesContext(connection) as captured:
            live()
        statements = [q["sql"] for q in captured.captured_queries]
        raw = []
        with connection.cursor() as cursor:
            for _ in range(repeat):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
                raw.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "name": report,
                "refresh_ms": min(refresh),
                "live_sql_ms": min(raw),
                "rows": state.rows,
            }
        )
    return results


def run(context: Any) -> list[Any]:
    """The ``make bench`` entry: every endpoint, then the precomputed reports' refreshes."""
    from benchmarks.contract import Figure

    figures = []
    for row in measure():
        if row.get("floor"):
            figures.append(
                Figure(
                    name=row["name"],
                    value=row["p50_ms"],
                    unit="ms p50",
                    limit=row["raw_ms"],
                    limit_label="raw SQL: the token and its roles",
                    budget="",
                    met=None,
                    note="what every call below pays before reading a row",
                    details=row,
                )
            )
        else:
            figure = Figure.from_read(row)
            figure.note += f"; {row['over_floor_ms']:.1f} ms over the floor"
            if row["filtered"]:  # shown so a slow filter is seen; the budget is per endpoint
                figure.name = f"filter: {figure.name}"
                figure.budget = "(p50 < 300 ms wanted)"
                figure.met = None
                if row["p50_ms"] >= BUDGET_P50_MS:
                    figure.note = f"OVER 300 ms; {figure.note}"
            figures.append(figure)
    for row in measure_refreshes():
        figures.append(
            Figure(
                name=f"refresh of reports/{row['name']} (every 10 min)",
                value=row["refresh_ms"],
                unit="ms",
                limit=row["live_sql_ms"],
                limit_label="the live report's SQL alone",
                budget="",
                met=None,
                note=f"{row['rows']:,} snapshot rows",
                details=row,
            )
        )
    return figures


# --- A modest data set for a trial run (the real one comes from `generate_data`) ---------------


def populate(n: int) -> None:
    """n requests (with events, tracking numbers, deadlines), appeals, lawsuits, releases and
    documents, written in bulk. Empties those tables first (hence the "bench" name)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from documents.models import Document, Exemption, Release
    from requests_app.models import (
        Agency,
        Appeal,
        Deadline,
        Jurisdiction,
        Lawsuit,
        RecordsRequest,
        RequestEvent,
        TrackingNumber,
    )
    from requests_app.workflow import RequestStatus

    statuses = [s.value for s in RequestStatus]
    with transaction.atomic():
        Document.objects.all().delete()
        Release.objects.all().delete()
        Deadline.objects.all().delete()
        Lawsuit.objects.all().delete()
        Appeal.objects.all().delete()
        RequestEvent.objects.all().delete()
        TrackingNumber.objects.all().delete()
        RecordsRequest.objects.all().delete()
        Agency.objects.filter(parent__isnull=False).delete()
        Agency.objects.all().delete()
        us = Jurisdiction.objects.get(code="US")
        owners = [
            get_user_model().objects.get_or_create(username=f"bench-owner-{i}")[0]
            for i in range(10)
        ]
        departments = Agency.objects.bulk_create(
            [Agency(name=f"Department {i}", jurisdiction=us) for i in range(20)]
        )
        components = Agency.objects.bulk_create(
            [
                Agency(name=f"Component {i}", jurisdiction=us, parent=departments[i % 20])
                for i in range(60)
            ]
        )
        agencies = departments + components
        base = datetime.date(2018, 1, 2)
        requests = RecordsRequest.objects.bulk_create(
            [
                RecordsRequest(
                    title=f"Request {i}",
                    records_sought="All records about face recognition.",
                    jurisdiction=us,
                    agency=agencies[i % len(agencies)],
                    owner=owners[i % len(owners)],
                    status=statuses[1 + i % (len(statuses) - 1)],
                    filed_on=base + datetime.timedelta(days=i % 900),
                    received_on=base + datetime.timedelta(days=i % 900 + 2),
                    determined_on=base + datetime.timedelta(days=i % 900 + 40) if i % 3 else None,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(request=r, kind=kind, occurred_on=r.filed_on or base)
                for r in requests
                for kind in ("sent", "note")
            ],
            batch_size=5000,
        )
        TrackingNumber.objects.bulk_create(
            [
                TrackingNumber(
                    request=r, agency=r.agency, number=f"T-{r.pk}", assigned_on=r.filed_on or base
                )
                for r in requests
            ],
            batch_size=5000,
        )
        appeals = Appeal.objects.bulk_create(
            [
                Appeal(request=r, filed_on=(r.filed_on or base) + datetime.timedelta(days=60))
                for r in requests[::5]
            ],
            batch_size=5000,
        )
        today = datetime.date.today()
        deadlines = []
        for i, r in enumerate(requests):
            for k in range(10):  # 10 deadlines a request, as 2,000,000 for 200,000
                deadlines.append(
                    Deadline(
                        request=r,
                        label="Response due",
                        due_on=today + datetime.timedelta(days=(i * 7 + k * 13) % 120 - 60),
                        jurisdiction=us,
                        rule="response",
                    )
                )
        for a in appeals:
            deadlines.append(
                Deadline(appeal=a, label="Appeal decision", due_on=today, jurisdiction=us)
            )
        Deadline.objects.bulk_create(deadlines, batch_size=10000)
        lawsuits = Lawsuit.objects.bulk_create(
            [
                Lawsuit(
                    caption=f"ACLU v. Department {i}",
                    court="D. Mass.",
                    docket_number=f"1:19-cv-{i:05d}",
                    filed_on=base + datetime.timedelta(days=400 + i),
                    status="filed",
                    plaintiffs="ACLU",
                )
                for i in range(max(1, n // 50))
            ]
        )
        for i, lawsuit in enumerate(lawsuits):
            lawsuit.defendant_agencies.add(departments[i % 20])
            lawsuit.requests.add(*requests[i :: len(lawsuits)][:20])
        b5 = Exemption.objects.get(jurisdiction=us, code="b5")
        releases = Release.objects.bulk_create(
            [
                Release(
                    request=r,
                    released_on=(r.filed_on or base) + datetime.timedelta(days=120),
                    pages_released=10,
                    pages_withheld_in_full=2,
                )
                for r in requests[::10]
            ],
            batch_size=5000,
        )
        Release.exemptions.through.objects.bulk_create(
            [Release.exemptions.through(release=rel, exemption=b5) for rel in releases]
        )
        Document.objects.bulk_create(
            [
                Document(
                    release=rel,
                    request_id=rel.request_id,
                    original_name=f"doc-{rel.pk}-{k}.eml",
                    source=f"doc-{rel.pk}-{k}.eml",
                    sha256=f"{rel.pk:032d}{k:032d}",
                    kind="email",
                    subject=f"Meeting {k}",
                )
                for rel in releases
                for k in range(3)
            ],
            batch_size=5000,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--populate", type=int, default=0, help="write N requests first")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    try:
        name = point_django_at(
            args.database_url, measures="API reads", empties="request, deadline and release"
        )
        create_database_if_missing(args.database_url, name)
        setup_django()
    except BenchmarkError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.populate:
        started = time.perf_counter()
        populate(args.populate)
        print(f"populated {args.populate} requests in {time.perf_counter() - started:.1f} s")
    from requests_app.models import Deadline, RecordsRequest

    print(
        f"database {name}: {RecordsRequest.objects.count():,} requests, "
        f"{Deadline.objects.count():,} deadlines; page_size={PAGE_SIZE}, repeat={args.repeat}"
    )
    results = measure(repeat=args.repeat)
    floor, endpoints = results[0], results[1:]
    print(
        f"{floor['name']}: p50 {floor['p50_ms']:.2f} ms, raw SQL {floor['raw_ms']:.2f} ms "
        f"({floor['queries']} query)"
    )
    print(
        f"{'endpoint':38} {'p50 ms':>8} {'p95 ms':>8} {'raw ms':>8} {'ratio':>6} "
        f"{'over floor':>10} {'queries':>7} {'rows':>5}"
    )
    missed = []
    previous_filtered = False
    for r in endpoints:
        if r["filtered"] and not previous_filtered:
            print("common filters (timed, not judged by the budget):")
        previous_filtered = r["filtered"]
        print(
            f"{r['name']:38} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['raw_ms']:8.1f} "
            f"{r['ratio'] or 0:6.2f} {r['over_floor_ms']:10.1f} {r['queries']:7d} {r['rows']:5d}"
        )
        if not r["filtered"] and (r["p50_ms"] > BUDGET_P50_MS or (r["ratio"] or 0) > BUDGET_RATIO):
            missed.append(r["name"])
    if missed:
        print(f"over budget (p50 > {BUDGET_P50_MS} ms or ratio > {BUDGET_RATIO}): {missed}")
    for row in measure_refreshes():
        print(
            f"refresh of reports/{row['name']:22} {row['refresh_ms']:8.1f} ms "
            f"(the live report's SQL alone: {row['live_sql_ms']:.1f} ms; {row['rows']:,} rows)"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
