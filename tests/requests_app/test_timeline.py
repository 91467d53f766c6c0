"""The timeline writers: each event is written by its own writer, one way, with its wording; and
nothing outside `requests_app/services/timeline.py` creates timeline rows."""

from __future__ import annotations

import ast
import datetime
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from requests_app import services
from requests_app.models import Appeal, Deadline, RecordsRequest, RequestEvent, TrackingNumber
from requests_app.services import timeline
from requests_app.workflow import RequestStatus
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, UserFactory

D = datetime.date
S = RequestStatus
K = RequestEvent.Kind
TO, FROM, INTERNAL = "to_agency", "from_agency", "internal"


@pytest.fixture
def request_(db):
    dea = AgencyFactory(name="Drug Enforcement Administration", abbreviation="DEA")
    return RecordsRequestFactory(agency=dea, status=S.SUBMITTED, filed_on=D(2019, 1, 16))


def _tracking(r: RecordsRequest, note: str) -> TrackingNumber:
    return TrackingNumber(
        request=r, agency=r.agency, number="19-00456-F", assigned_on=D(2019, 1, 24), note=note
    )


def _appeal(r: RecordsRequest, **fields: Any) -> Appeal:
    return Appeal(request=r, filed_on=D(2019, 4, 1), **fields)


class Written(NamedTuple):
    kind: str
    on: datetime.date
    direction: str
    text: str
    from_status: str = ""
    to_status: str = ""


# A writer, its arguments for a request, and the row it writes. The texts are the ones the
# dashboard and the other tests read.
Case = tuple[Callable[..., RequestEvent], Callable[[RecordsRequest], dict], Written]
CASES: list[Case] = [
    (
        timeline.request_sent,
        lambda r: {"request": r, "on": D(2019, 1, 16)},
        Written(
            K.SENT, D(2019, 1, 16), TO, "Request sent to Drug Enforcement Administration (DEA)."
        ),
    ),
    (
        timeline.request_logged,
        lambda r: {"request": r, "on": D(2019, 1, 16)},
        Written(
            K.STATUS_CHANGED,
            D(2019, 1, 16),
            INTERNAL,
            "Logged as “Submitted”.",
            to_status=S.SUBMITTED,
        ),
    ),
    (
        timeline.status_changed,
        lambda r: {
            "request": r,
            "from_status": S.SUBMITTED,
            "to_status": S.ACKNOWLEDGED,
            "on": D(2019, 1, 24),
        },
        Written(
            K.STATUS_CHANGED,
            D(2019, 1, 24),
            INTERNAL,
            "Status changed from “Submitted” to “Acknowledged”.",
            S.SUBMITTED,
            S.ACKNOWLEDGED,
        ),
    ),
    (
        timeline.status_changed,
        lambda r: {
            "request": r,
            "from_status": S.PROCESSING,
            "to_status": S.TOLLED,
            "on": D(2019, 2, 5),
            "clock": "Clock stopped on 2019-02-05 with 8 working days left (552(a)(6)(A)(ii)).",
        },
        Written(
            K.STATUS_CHANGED,
            D(2019, 2, 5),
            INTERNAL,
            "Status changed from “Processing” to “Tolled (waiting on us)”. Clock stopped on "
            "2019-02-05 with 8 working days left (552(a)(6)(A)(ii)).",
            S.PROCESSING,
            S.TOLLED,
        ),
    ),
    (
        timeline.status_changed,
        lambda r: {
            "request": r,
            "from_status": S.TOLLED,
            "to_status": S.PROCESSING,
            "on": D(2019, 2, 12),
            "text": "Offices named.",
            "resumed_due_on": D(2019, 2, 25),
        },
        Written(
            K.STATUS_CHANGED,
            D(2019, 2, 12),
            INTERNAL,
            "Offices named. Clock resumed: due 2019-02-25.",
            S.TOLLED,
            S.PROCESSING,
        ),
    ),
    (
        timeline.acknowledged,
        lambda r: {"request": r, "on": D(2019, 1, 24)},
        Written(K.ACKNOWLEDGED, D(2019, 1, 24), FROM, "Agency acknowledged the request."),
    ),
    (
        timeline.tracking_number_assigned,
        lambda r: {"tracking": _tracking(r, note="")},
        Written(
            K.TRACKING_NUMBER,
            D(2019, 1, 24),
            FROM,
            "Tracking number 19-00456-F assigned by Drug Enforcement Administration (DEA).",
        ),
    ),
    (
        timeline.tracking_number_assigned,
        lambda r: {"tracking": _tracking(r, note="re-numbered on referral")},
        Written(
            K.TRACKING_NUMBER,
            D(2019, 1, 24),
            FROM,
            "Tracking number 19-00456-F assigned by Drug Enforcement Administration (DEA). "
            "re-numbered on referral",
        ),
    ),
    (
        timeline.clarification_requested,
        lambda r: {"request": r, "on": D(2019, 2, 5), "text": "Which offices?"},
        Written(K.CLARIFICATION_REQUESTED, D(2019, 2, 5), FROM, "Which offices?"),
    ),
    (
        timeline.fee_notice_received,
        lambda r: {"request": r, "on": D(2019, 2, 5), "text": "$25 estimated."},
        Written(K.FEE_NOTICE, D(2019, 2, 5), FROM, "$25 estimated."),
    ),
    (
        timeline.clarification_answered,
        lambda r: {"request": r, "on": D(2019, 2, 12), "text": "Offices named."},
        Written(K.CLARIFICATION_ANSWERED, D(2019, 2, 12), TO, "Offices named."),
    ),
    (
        timeline.extension_noticed,
        lambda r: {
            "request": r,
            "on": D(2019, 2, 20),
            "text": "Unusual circumstances.",
            "extended": Deadline(due_on=D(2019, 3, 11), citation="5 U.S.C. 552(a)(6)(B)(i)"),
        },
        Written(
            K.EXTENSION_NOTICE,
            D(2019, 2, 20),
            FROM,
            "Unusual circumstances. Response now due 2019-03-11 (5 U.S.C. 552(a)(6)(B)(i)).",
        ),
    ),
    (
        timeline.extension_noticed,
        lambda r: {
            "request": r,
            "on": D(2019, 2, 20),
            "text": "Unusual circumstances.",
            "late_reason": "Counsel would rather wait than sue.",
            "extended": Deadline(due_on=D(2019, 3, 11), citation="5 U.S.C. 552(a)(6)(B)(i)"),
        },
        Written(
            K.EXTENSION_NOTICE,
            D(2019, 2, 20),
            FROM,
            "Unusual circumstances. Response now due 2019-03-11 (5 U.S.C. 552(a)(6)(B)(i)). "
            "Late notice (dated after the deadline it extends), accepted: Counsel would rather "
            "wait than sue.",
        ),
    ),
    (
        timeline.extension_noticed,
        lambda r: {
            "request": r,
            "on": D(2019, 2, 20),
            "extended": Deadline(due_on=D(2019, 3, 11), citation="5 U.S.C. 552(a)(6)(B)(i)"),
        },
        Written(
            K.EXTENSION_NOTICE,
            D(2019, 2, 20),
            FROM,
            "Response now due 2019-03-11 (5 U.S.C. 552(a)(6)(B)(i)).",
        ),
    ),
    (
        timeline.interim_release_received,
        lambda r: {"request": r, "on": D(2020, 6, 1), "text": "DEA emails, 200 pages."},
        Written(K.INTERIM_RELEASE, D(2020, 6, 1), FROM, "DEA emails, 200 pages."),
    ),
    (
        timeline.determination_recorded,
        lambda r: {"request": r, "outcome": S.DENIED, "on": D(2019, 3, 20)},
        Written(K.DETERMINATION, D(2019, 3, 20), FROM, "Determination: Denied."),
    ),
    (
        timeline.determination_recorded,
        lambda r: {
            "request": r,
            "outcome": S.DENIED,
            "on": D(2019, 3, 20),
            "text": "Denied under b7E.",
        },
        Written(K.DETERMINATION, D(2019, 3, 20), FROM, "Denied under b7E."),
    ),
    (
        timeline.appeal_filed,
        lambda r: {"appeal": _appeal(r, tracking_number="AP-19-1")},
        Written(K.APPEAL_FILED, D(2019, 4, 1), TO, "Administrative appeal filed (AP-19-1)."),
    ),
    (
        timeline.appeal_filed,
        lambda r: {"appeal": _appeal(r)},
        Written(K.APPEAL_FILED, D(2019, 4, 1), TO, "Administrative appeal filed."),
    ),
    (
        timeline.appeal_decided,
        lambda r: {"appeal": _appeal(r, decided_on=D(2019, 5, 1), outcome=Appeal.Outcome.REMANDED)},
        Written(
            K.APPEAL_DECIDED,
            D(2019, 5, 1),
            FROM,
            "Appeal decided: Remanded for further processing.",
        ),
    ),
    (
        timeline.lawsuit_filed,
        lambda r: {
            "request": r,
            "on": D(2019, 10, 31),
            "lawsuit": LawsuitFactory(
                caption="ACLU v. DOJ",
                docket_number="1:19-cv-12242",
                court="U.S. District Court for the District of Massachusetts",
            ),
        },
        Written(
            K.LAWSUIT_FILED,
            D(2019, 10, 31),
            INTERNAL,
            "Covered by ACLU v. DOJ (1:19-cv-12242), "
            "U.S. District Court for the District of Massachusetts.",
        ),
    ),
    (
        timeline.note_added,
        lambda r: {"request": r, "on": D(2019, 2, 1), "text": "Called the liaison."},
        Written(K.NOTE, D(2019, 2, 1), INTERNAL, "Called the liaison."),
    ),
    (
        timeline.note_added,
        lambda r: {"request": r, "on": D(2019, 2, 1), "text": "Emailed.", "direction": TO},
        Written(K.NOTE, D(2019, 2, 1), TO, "Emailed."),
    ),
    (
        timeline.owner_changed,
        lambda r: {
            "request": r,
            "on": D(2019, 2, 1),
            "previous": UserFactory(username="maria"),
            "owner": UserFactory(username="jo"),
        },
        Written(K.NOTE, D(2019, 2, 1), INTERNAL, "Owner changed from maria to jo."),
    ),
    (
        timeline.clock_kept_running,
        lambda r: {"request": r, "on": D(2019, 2, 14)},
        Written(
            K.NOTE,
            D(2019, 2, 14),
            INTERNAL,
            "The clock keeps running: the agency may stop it only "
            "once to ask for information (5 U.S.C. 552(a)(6)(A)(ii)(I)).",
        ),
    ),
    (
        timeline.expedited_processing_decided,
        lambda r: {"request": r, "decision": "granted", "on": D(2019, 1, 25)},
        Written(K.NOTE, D(2019, 1, 25), FROM, "Expedited processing granted."),
    ),
    (
        timeline.entry_logged,
        lambda r: {
            "request": r,
            "kind": K.INTERIM_RELEASE,
            "on": D(2020, 6, 1),
            "direction": FROM,
            "text": "Typed by staff.",
        },
        Written(K.INTERIM_RELEASE, D(2020, 6, 1), FROM, "Typed by staff."),
    ),
]


@pytest.mark.parametrize(
    ("writer", "arguments", "written"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_each_writer_writes_its_kind_with_its_text(request_, writer, arguments, written):
    staff = UserFactory(username="paralegal")
    event = writer(**arguments(request_), by=staff)
    stored = RequestEvent.objects.get(pk=event.pk)
    assert stored.request == request_
    assert (
        Written(
            stored.kind,
            stored.occurred_on,
            stored.direction,
            stored.text,
            stored.from_status,
            stored.to_status,
        )
        == written
    )
    assert stored.created_by == staff


def test_every_writer_is_pinned_above_and_every_kind_has_a_writer():
    writers = {
        name
        for name, function in inspect.getmembers(timeline, inspect.isfunction)
        if function.__module__ == timeline.__name__ and not name.startswith("_")
    }
    assert writers == {writer.__name__ for writer, _, _ in CASES}
    assert {written.kind for _, _, written in CASES} == set(K.values)


WRITERS = sorted({case[0] for case in CASES}, key=lambda writer: writer.__name__)


@pytest.mark.parametrize("writer", WRITERS, ids=[writer.__name__ for writer in WRITERS])
def test_the_writers_are_keyword_only_and_typed(writer):
    parameters = inspect.signature(writer).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert all(p.annotation is not inspect.Parameter.empty for p in parameters)
    assert inspect.signature(writer).return_annotation == "RequestEvent"


def test_an_anonymous_caller_is_not_recorded_as_the_author(request_):

    event = timeline.note_added(request=request_, on=D(2019, 2, 1), text="x", by=AnonymousUser())
    assert event.created_by is None
    assert timeline.request_sent(request=request_, on=D(2019, 1, 16)).created_by is None


@pytest.mark.parametrize("kind", sorted(timeline.NOT_BY_HAND))
def test_a_status_change_or_a_clock_letter_cannot_be_typed_in_by_hand(request_, kind):
    with pytest.raises(ValueError, match="written by its service"):
        timeline.entry_logged(
            request=request_, kind=kind, on=D(2019, 2, 1), direction=FROM, text=""
        )
    with pytest.raises(ValidationError) as refused:
        services.request_log_entry(
            request=request_, kind=kind, on=D(2019, 2, 1), direction=FROM, text=""
        )
    assert list(refused.value.message_dict) == ["kind"]
    assert not request_.events.exists()


# --- Nothing else writes timeline rows -----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = (
    "foiatracker",
    "core",
    "requests_app",
    "documents",
    "reminders",
    "reports",
    "api",
    "dashboard",
    "sample_data",
)
THE_WRITERS = "requests_app/services/timeline.py"
# Deliberate exceptions, each with its reason.
ALLOWED = {
    # The benchmark generator bulk-loads millions of finished histories with COPY (multi-row
    # INSERTs on SQLite), bypassing the ORM on purpose; its rows were never written by a service.
    "sample_data/scale/bulk_load.py",
}
_CREATES = {"create", "bulk_create", "get_or_create", "update_or_create"}
# Calls that take the model class without writing rows of it.
_NOT_WRITERS = {"isinstance", "issubclass", "ForeignKey", "OneToOneField", "ManyToManyField"}


def timeline_row_writes(source: str) -> list[int]:
    """Lines that create RequestEvent rows: the constructor, a create on its manager or on a
    request's `events`, or the model class handed to something else (a bulk writer)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name == "RequestEvent":
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in _CREATES:
            receiver = ast.unparse(func.value)
            if "RequestEvent" in receiver or receiver == "events" or receiver.endswith(".events"):
                lines.append(node.lineno)
        elif name not in _NOT_WRITERS and any(
            isinstance(arg, ast.Name) and arg.id == "RequestEvent" for arg in node.args
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "source",
    [
        "RequestEvent.objects.create(request=r, kind='note')",
        "models.RequestEvent(request=r).save()",
        "RequestEvent._default_manager.bulk_create(rows)",
        "request.events.create(kind='note')",
        "self.request.events.get_or_create(kind='note')",
        "TableWriter(RequestEvent, ['id'])",
    ],
)
def test_the_scan_finds_each_way_of_creating_a_row(source):
    assert timeline_row_writes(source) == [1]


def test_the_scan_leaves_reads_alone():
    reads = """
RequestEvent.objects.filter(request=r).order_by("pk")
Prefetch("events", queryset=RequestEvent.objects.order_by("occurred_on"))
request.events.filter(kind="note").exists()
isinstance(obj, RequestEvent)
models.ForeignKey(RequestEvent, on_delete=models.SET_NULL)
Deadline.objects.create(request=r)
"""
    assert timeline_row_writes(reads) == []


def test_no_module_outside_the_writers_creates_timeline_rows():
    found = {}
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative == THE_WRITERS or relative in ALLOWED:
                continue
            lines = timeline_row_writes(path.read_text(encoding="utf-8"))
            if lines:
                found[relative] = lines
    assert found == {}, "write timeline entries through requests_app.services.timeline"
    assert timeline_row_writes((ROOT / THE_WRITERS).read_text(encoding="utf-8"))
