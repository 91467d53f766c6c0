"""API reads, measured: each list endpoint and report called through the Django test client with
a reporting user's token, next to the SQL statements that call issued replayed raw on a cursor;
each precomputed report's refresh next to the live report's SQL; and a modest data set for a
trial run (the real one comes from `generate_data`)."""

from __future__ import annotations

import datetime
import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from accounts.services import api_token_create
from benchmarks.bench_database import BenchmarkError
from benchmarks.contract import percentile
from core.roles import REPORTING
from documents.models import Document, Exemption, Release
from reports import snapshots
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

PAGE_SIZE = 100
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


def _is_read(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "SET", "SHOW")


#: The one write an API read may make: its token's last-used time, at most once a minute per
#: token (accounts.services.api_token_mark_used). Not the endpoint's cost, so neither timed raw
#: nor taken for a read endpoint writing.
_TOKEN_USE = f'UPDATE "{ApiToken._meta.db_table}" SET "last_used_at"'


def _is_token_use(sql: str) -> bool:
    return sql.lstrip().startswith(_TOKEN_USE)


def _bench_token() -> str:
    """A fresh key for the bench's reporting user: only a key's hash is stored, so an earlier
    run's key cannot be read back (its token is deleted: this is a bench database)."""
    user, _ = get_user_model().objects.get_or_create(username="bench-reporting")
    user.groups.add(Group.objects.get(name=REPORTING))
    ApiToken.objects.filter(user=user).delete()
    return api_token_create(user=user, name="api_reads benchmark").key


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
    # A running deployment's snapshots are at most ten minutes old (beat refreshes
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
        statements = [q["sql"] for q in captured.captured_queries if not _is_token_use(q["sql"])]
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
            "p95_ms": round(percentile(samples, 0.95), 2),
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
        statements = [q["sql"] for q in captured.captured_queries if not _is_token_use(q["sql"])]
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


def populate(n: int) -> None:
    """n requests (with events, tracking numbers, deadlines), appeals, lawsuits, releases and
    documents, written in bulk. Empties those tables first (hence the "bench" name)."""
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


def table_sizes() -> tuple[int, int]:
    """(requests, deadlines) in the database."""
    return RecordsRequest.objects.count(), Deadline.objects.count()
