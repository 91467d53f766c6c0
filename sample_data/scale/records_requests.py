"""A realistic, deterministic data set at a chosen scale for benchmarks (`manage.py generate_data`).

What it makes, for a seed and a size (a preset or explicit knobs):

- agencies from the real federal directory (`settings.AGENCY_DIRECTORY_DIR`, components included,
  imported by `directory_import` when the database has none), plus a few offices per state
  jurisdiction (generated, marked so in their notes);
- staff and lawyer users (`gen-staff-NN`, `gen-lawyer-NN`, no usable password) and a few topics;
- records requests with a realistic status mix and dates that agree with it, each with its
  timeline (events), tracking numbers, appeals, and the deadlines the services would have written:
  rule deadlines counted by `rules.evaluate` with the basis shapes documented on
  `Deadline.basis` (plain, extended, tolled and resumed), open / met / missed / waived /
  superseded as the request's story says;
- lawsuits covering some federal requests, with their answer deadlines, court-ordered dates and
  court schedules (every N days, or monthly) expanded into deadlines;
- releases and documents (emails with attachments, PDFs, text) with searchable text.

Rows are written in bulk: COPY on PostgreSQL (psycopg 3), multi-row INSERTs elsewhere, in chunks
of requests, each chunk in its own transaction. Every value comes from `random.Random(seed)` and
a fixed "as of" date, never from the clock, so a seed always gives the same rows (ids included).
No history rows are written for generated records (django-simple-history records edits made
through the admin and services; these rows were never edited).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from core.roles import LAWYER, STAFF
from requests_app.deadlines import rules
from requests_app.directory.importer import directory_import
from requests_app.models import (
    Agency,
    Appeal,
    CourtSchedule,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    Topic,
    TrackingNumber,
)
from requests_app.workflow import ADVERSE, RequestStatus

S = RequestStatus
DS = Deadline.Status
Kind = RequestEvent.Kind
UTC = datetime.UTC
DEFAULT_AS_OF = datetime.date(2026, 6, 30)
FIRST_FILED = datetime.date(2016, 1, 4)
CHUNK_REQUESTS = 2_000


@dataclass(frozen=True)
class Scale:
    requests: int
    deadlines: int
    documents: int

    def scaled(self, factor: float) -> Scale:
        return Scale(
            requests=max(1, round(self.requests * factor)),
            deadlines=max(0, round(self.deadlines * factor)),
            documents=max(0, round(self.documents * factor)),
        )


PRESETS: dict[str, Scale] = {
    "small": Scale(requests=10_000, deadlines=100_000, documents=100_000),
    "medium": Scale(requests=50_000, deadlines=500_000, documents=250_000),
    "large": Scale(requests=200_000, deadlines=2_000_000, documents=1_000_000),
}


class GenerationRefused(Exception):
    """The database already holds tracker data (and --force was not given)."""


# The tables this generator writes, children first (the order they are emptied in).
def tracker_models() -> list[type[models.Model]]:
    from documents.models import Document, Release

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


# --- Writing rows in bulk -----------------------------------------------------------------------


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


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)


def _iso(day: datetime.date) -> str:
    return day.isoformat()


@functools.lru_cache(maxsize=200_000)
def _evaluate(code: str, basis_json: str) -> tuple[datetime.date, str, str, str]:
    """(due, rule, label, citation) of a basis with no closure days: many requests share a
    trigger day, so each distinct basis is counted once."""
    explanation = rules.evaluate(code, json.loads(basis_json))
    return explanation.due, explanation.rule, explanation.label, explanation.citation


def evaluate(code: str, basis: dict[str, Any]) -> tuple[datetime.date, str, str, str]:
    return _evaluate(code, json.dumps(basis, sort_keys=True))


# --- Vocabulary ---------------------------------------------------------------------------------

TOPIC_NAMES = (
    "Face recognition",
    "Biometrics",
    "Immigration enforcement",
    "Surveillance technology",
    "Police misconduct",
    "Prisons and jails",
    "Voting rights",
    "Government contracts",
    "Data retention",
    "Drones",
)
SUBJECTS = (
    "face recognition",
    "biometric data collection",
    "cell-site simulators",
    "automated license plate readers",
    "social media monitoring",
    "body-worn camera footage policies",
    "use-of-force reports",
    "immigration detainers",
    "contracts with facial recognition vendors",
    "drone surveillance",
    "predictive policing software",
    "fusion center bulletins",
    "solitary confinement data",
    "airport biometric exit",
    "gang database criteria",
)
STATE_OFFICES = (
    "State Police",
    "Department of Correction",
    "Office of the Attorney General",
    "Department of Transportation",
    "Department of Public Health",
    "Office of the Governor",
)
STATE_NAMES = {
    "US-MA": "Massachusetts",
    "US-CA": "California",
    "US-NY": "New York",
    "US-IL": "Illinois",
    "US-TX": "Texas",
    "US-WA": "Washington",
    "US-FL": "Florida",
}
# Requests across jurisdictions: mostly federal, as for a national organisation.
JURISDICTION_WEIGHTS = {
    "US": 70,
    "US-MA": 6,
    "US-CA": 6,
    "US-NY": 5,
    "US-IL": 4,
    "US-TX": 4,
    "US-WA": 3,
    "US-FL": 2,
}
# The status mix of a tracker a few years in: most requests determined or closed.
STATUS_WEIGHTS = {
    S.DRAFT: 2,
    S.SUBMITTED: 5,
    S.ACKNOWLEDGED: 5,
    S.PROCESSING: 13,
    S.TOLLED: 2,
    S.PARTIALLY_RELEASED: 12,
    S.RELEASED_IN_FULL: 9,
    S.DENIED: 6,
    S.NO_RECORDS: 8,
    S.WITHDRAWN: 4,
    S.APPEALED: 3,
    S.APPEAL_DECIDED: 3,
    S.IN_LITIGATION: 5,
    S.CLOSED: 23,
}
PENDING_STATUSES = {S.SUBMITTED, S.ACKNOWLEDGED, S.PROCESSING, S.TOLLED}
APPEAL_STATUSES = {S.APPEALED, S.APPEAL_DECIDED}
PEOPLE = (
    ("Jennifer Alvarez", "jennifer.alvarez@dea.gov"),
    ("Michael Okafor", "michael.okafor@dea.gov"),
    ("Karen Whitfield", "karen.whitfield@dea.gov"),
    ("David Brennan", "david.brennan@fbi.gov"),
    ("Luis Hernández", "luis.hernandez@ice.dhs.gov"),
    ("Angela Park", "angela.park@usdoj.gov"),
    ("Thomas Reilly", "thomas.reilly@usdoj.gov"),
    ("Samantha Cho", "samantha.cho@fbi.gov"),
    ("Brian Keller", "bkeller@microsoft.com"),
    ("Priya Raman", "priya.raman@microsoft.com"),
    ("Robert Nguyen", "robert.nguyen@ice.dhs.gov"),
    ("Patricia Gómez", "patricia.gomez@cbp.dhs.gov"),
    ("Mark Sullivan", "msullivan@amazon.com"),
    ("Ethan Brooks", "ethan.brooks@leidos.com"),
    ("Jörg Bauer", "joerg.bauer@idemia.com"),
    ("Grace Liu", "grace.liu@state.ma.us"),
    ("Nadia Farouk", "nadia.farouk@usdoj.gov"),
    ("Olivia Martin", "olivia.martin@nec.com"),
    ("DEA FOIA Unit", "foia@dea.gov"),
    ("Records Access Officer", "records@state.ny.us"),
)
WORDS = {
    "thing": ("prototype", "pilot", "proof of concept", "matcher", "dashboard", "gallery"),
    "place": ("Reston", "Quantico", "El Paso", "Miami", "Chicago", "Boston", "Seattle", "Newark"),
    "vendor": ("Microsoft", "Amazon", "Leidos", "IDEMIA", "NEC", "Clearview", "Palantir"),
    "dataset": ("booking photos", "driver's license photos", "passport photos", "the NCIC gallery"),
    "doc": ("statement of work", "privacy impact assessment", "test plan", "briefing slides"),
    "noun": ("schedule", "spreadsheet", "agenda", "draft", "tracker", "minutes", "memo", "roster"),
    "month": ("January", "March", "May", "June", "September", "October", "November", "December"),
}
SENTENCES = (
    "The face recognition {thing} in {place} is on track for the {month} review.",
    "{vendor} confirmed that the {thing} can run against {dataset} without a copy leaving us.",
    "We will demo the {thing} at the {place} facility next week; the meeting is confirmed.",
    "Legal has not yet cleared the use of {dataset}; a privacy impact assessment comes first.",
    "We still need a decision on retention: how long do probe images stay in the gallery?",
    "Please review the {doc} before the meeting and send comments by Friday.",
    "The {noun} was updated and is on the shared drive.",
    "The contracting officer needs the signed {doc} before the licences can be renewed.",
    "Candidates returned by the matcher are leads only, never positive identification.",
    "This message is pre-decisional and deliberative; do not forward outside the agency.",
    "The {place} field office asked whether the results can be shared with local partners.",
    "Attached are the {doc} and the {noun} from the last meeting.",
    "Thanks, see you at the meeting on {month} 12.",
    "The El Paso Intelligence Center holdings are out of scope for the {thing}.",
    "A subpoena for the vendor's records was discussed but not issued.",
    "Rekognition and Hemisphere came up only as comparisons; Vigilant sent a brochure.",
)
REDACTION_CODES = ("b5", "b6", "b7C", "b7E")
COURTS = (
    "U.S. District Court, D. Mass.",
    "U.S. District Court, D.D.C.",
    "U.S. District Court, S.D.N.Y.",
    "U.S. District Court, N.D. Cal.",
    "U.S. District Court, N.D. Ill.",
    "U.S. District Court, W.D. Wash.",
)
COURT_CODES = {
    "U.S. District Court, D. Mass.": "mad",
    "U.S. District Court, D.D.C.": "dcd",
    "U.S. District Court, S.D.N.Y.": "nysd",
    "U.S. District Court, N.D. Cal.": "cand",
    "U.S. District Court, N.D. Ill.": "ilnd",
    "U.S. District Court, W.D. Wash.": "wawd",
}


def _fill(template: str, rng: random.Random) -> str:
    out = template
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        out = out[:start] + rng.choice(WORDS[out[start + 1 : end]]) + out[end + 1 :]
    return out


# --- The plan of each request -------------------------------------------------------------------


@dataclass(slots=True)
class RequestPlan:
    id: int
    code: str
    jurisdiction_id: int
    agency_id: int
    owner_id: int
    status: RequestStatus
    title: str
    subject: str
    filed: datetime.date | None = None
    received: datetime.date | None = None
    acknowledged: datetime.date | None = None
    determined: datetime.date | None = None
    closed: datetime.date | None = None
    outcome: RequestStatus | None = None  # the determination, if there was one
    expedited: str = "not_requested"
    fee_waiver: str = "not_requested"
    appealed: bool = False
    sued_on: datetime.date | None = None
    lawsuit_id: int | None = None
    releases: int = 0
    documents: list[int] = field(default_factory=list)  # per release


@dataclass(slots=True)
class LawsuitPlan:
    id: int
    caption: str
    court: str
    docket: str
    filed: datetime.date
    served: datetime.date | None
    status: str
    request_ids: list[int]
    agency_ids: list[int]
    ended: datetime.date | None
    schedule_budget: int = 0


@dataclass
class Summary:
    seed: int
    as_of: datetime.date
    target: Scale
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    deadline_statuses: dict[str, int] = field(default_factory=dict)
    request_statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "target": self.target.__dict__,
            "counts": self.counts,
            "request_statuses": self.request_statuses,
            "deadline_statuses": self.deadline_statuses,
            "seconds": round(self.seconds, 1),
        }


class Generator:
    def __init__(
        self,
        *,
        scale: Scale,
        seed: int,
        as_of: datetime.date = DEFAULT_AS_OF,
        progress: Callable[[str], None] = print,
        directory: Path | None = None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.say = progress
        self.directory = directory or Path(settings.AGENCY_DIRECTORY_DIR)
        self.summary = Summary(seed=seed, as_of=as_of, target=scale)
        self.ids: dict[str, int] = {}
        self.started = time.perf_counter()

    def next_id(self, name: str) -> int:
        self.ids[name] = self.ids.get(name, 0) + 1
        return self.ids[name]

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:6.1f} s"

    # -- reference data ------------------------------------------------------------------------

    def reference_data(self) -> None:
        jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
        missing = sorted(set(JURISDICTION_WEIGHTS) - set(jurisdictions))
        if missing:
            raise GenerationRefused(f"Jurisdictions {missing} are missing: run `migrate` first.")
        self.jurisdictions = jurisdictions
        if not Agency.objects.filter(jurisdiction__code="US").exclude(source_key="").exists():
            report = directory_import(paths=[self.directory])
            self.say(
                f"{self.elapsed()}  imported the agency directory {self.directory.name}: "
                f"{report.agencies}; components {report.components}"
            )
        for code, state in STATE_NAMES.items():
            for office in STATE_OFFICES:
                Agency.objects.get_or_create(
                    jurisdiction=jurisdictions[code],
                    name=f"{state} {office}",
                    parent=None,
                    defaults={
                        "source_key": f"generated:{code}/{office}",
                        "notes": "Generated for benchmarks (manage.py generate_data).",
                    },
                )
        # Agencies by jurisdiction, weighted: components and the big investigative agencies
        # receive most requests.
        busy = {"FBI", "DEA", "ICE", "CBP", "DHS", "DOJ", "USCIS", "ATF", "USMS", "TSA", "BOP"}
        self.agencies: dict[str, tuple[list[int], list[float]]] = {}
        by_pk: dict[int, Agency] = {}
        for agency in Agency.objects.select_related("jurisdiction").order_by("pk"):
            by_pk[agency.pk] = agency
            ids, weights = self.agencies.setdefault(agency.jurisdiction.code, ([], []))
            ids.append(agency.pk)
            weight = 20.0 if agency.abbreviation in busy else (2.0 if agency.parent_id else 1.0)
            weights.append(weight)
        if not self.agencies.get("US"):
            raise GenerationRefused(f"No federal agencies after importing {self.directory}.")
        self.agency_names = {pk: (a.abbreviation or a.name, a.parent_id) for pk, a in by_pk.items()}

        User = get_user_model()
        staff: list[int] = []
        lawyers: list[int] = []
        for prefix, count, into in (("gen-staff", 12, staff), ("gen-lawyer", 4, lawyers)):
            for n in range(1, count + 1):
                user, created = User.objects.get_or_create(
                    username=f"{prefix}-{n:02d}",
                    defaults={"first_name": prefix.split("-")[1].title(), "last_name": f"{n}"},
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                into.append(user.pk)
        for name, members in ((STAFF, staff), (LAWYER, lawyers)):
            group = Group.objects.filter(name=name).first()
            if group is not None:
                group.user_set.add(*members)
        self.staff, self.lawyers = staff, lawyers
        # Filled-in sentences to draw document text from (drawing is much cheaper than filling).
        self.pool = [_fill(self.rng.choice(SENTENCES), self.rng) for _ in range(4_000)]
        self.topics = [Topic.objects.get_or_create(name=name)[0].pk for name in TOPIC_NAMES]
        from documents.models import Exemption  # documents depends on this app, not the reverse

        self.exemptions = {e.code: e.pk for e in Exemption.objects.filter(jurisdiction__code="US")}

    # -- planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        rng = self.rng
        codes = list(JURISDICTION_WEIGHTS)
        code_weights = [JURISDICTION_WEIGHTS[c] for c in codes]
        statuses = list(STATUS_WEIGHTS)
        status_weights = [STATUS_WEIGHTS[s] for s in statuses]
        span = (self.as_of - FIRST_FILED).days
        plans: list[RequestPlan] = []
        for i in range(1, self.scale.requests + 1):
            code = rng.choices(codes, code_weights)[0]
            ids, weights = self.agencies.get(code) or self.agencies["US"]
            if code not in self.agencies:
                code = "US"
            status = rng.choices(statuses, status_weights)[0]
            if status in (S.APPEALED, S.APPEAL_DECIDED, S.IN_LITIGATION) and code != "US":
                status = S.CLOSED  # appeals and FOIA suits are modelled for federal law
            subject = rng.choice(SUBJECTS)
            agency_id = rng.choices(ids, weights)[0]
            agency_label = self.agency_names[agency_id][0]
            plan = RequestPlan(
                id=i,
                code=code,
                jurisdiction_id=self.jurisdictions[code].pk,
                agency_id=agency_id,
                owner_id=rng.choice(self.staff),
                status=status,
                title=f"{agency_label}: records on {subject} ({i})"[:300],
                subject=subject,
            )
            if status != S.DRAFT:
                # Pending requests are recent; the rest spread over the years.
                if status in PENDING_STATUSES:
                    age = rng.randint(2, 240)
                elif status in APPEAL_STATUSES or status == S.IN_LITIGATION:
                    age = rng.randint(200, span)
                else:
                    age = rng.randint(60, span)
                self._timeline(plan, self.as_of - datetime.timedelta(days=age), rng)
            plans.append(plan)
        self.plans = plans
        self._plan_lawsuits(rng)
        self._plan_documents(rng)
        counts: dict[str, int] = {}
        for plan in plans:
            counts[plan.status] = counts.get(plan.status, 0) + 1
        self.summary.request_statuses = dict(sorted(counts.items()))
        self.say(f"{self.elapsed()}  planned {len(plans):,} requests")

    def _timeline(self, p: RequestPlan, filed: datetime.date, rng: random.Random) -> None:
        as_of = self.as_of
        p.filed = filed
        p.received = min(as_of, filed + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5))))
        p.expedited = rng.choices(
            ["not_requested", "granted", "denied", "requested"], [85, 4, 8, 3]
        )[0]
        p.fee_waiver = rng.choices(
            ["not_requested", "granted", "denied", "requested"], [40, 45, 10, 5]
        )[0]
        if p.status == S.SUBMITTED:
            return
        if rng.random() < 0.85 or p.status == S.ACKNOWLEDGED:
            p.acknowledged = min(as_of, p.received + datetime.timedelta(days=rng.randint(1, 20)))
        if p.status in PENDING_STATUSES or p.status == S.ACKNOWLEDGED:
            return
        latest = p.received + datetime.timedelta(days=rng.randint(15, 420))
        if p.status == S.WITHDRAWN:
            p.closed = min(as_of, latest)
            return
        if p.status == S.IN_LITIGATION and rng.random() < 0.5:
            # Sued on a clock that ran out: no determination.
            p.sued_on = min(as_of, p.received + datetime.timedelta(days=rng.randint(40, 300)))
            return
        determined = min(as_of, max(p.acknowledged or p.received, latest))
        p.determined = determined
        if p.status in (S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL, S.DENIED, S.NO_RECORDS):
            p.outcome = p.status
        elif p.status == S.CLOSED:
            p.outcome = rng.choices(
                [S.RELEASED_IN_FULL, S.PARTIALLY_RELEASED, S.DENIED, S.NO_RECORDS], [35, 35, 10, 20]
            )[0]
            p.closed = min(as_of, determined + datetime.timedelta(days=rng.randint(1, 200)))
            if p.outcome in ADVERSE and p.code == "US" and rng.random() < 0.3:
                p.appealed = True
        else:  # appealed, appeal decided, in litigation after a determination
            p.outcome = rng.choice([S.PARTIALLY_RELEASED, S.DENIED, S.NO_RECORDS])
            p.appealed = True
        if p.status == S.IN_LITIGATION:
            p.sued_on = min(as_of, determined + datetime.timedelta(days=rng.randint(100, 300)))

    def _plan_lawsuits(self, rng: random.Random) -> None:
        """Suits over the requests in litigation (one to three requests each, same department),
        and some finished ones over closed requests."""
        sued = [p for p in self.plans if p.sued_on is not None]
        if not sued and self.scale.deadlines > 0:
            # Small scales: one suit at least, over a pending federal request whose clock ran
            # out, so that court-ordered deadlines exist.
            for p in self.plans:
                if p.code == "US" and p.status in PENDING_STATUSES - {S.TOLLED} and p.received:
                    p.status = S.IN_LITIGATION
                    p.sued_on = min(self.as_of, p.received + datetime.timedelta(days=60))
                    sued.append(p)
                    break
        closed_adverse = [
            p for p in self.plans if p.status == S.CLOSED and p.appealed and rng.random() < 0.35
        ]
        for p in closed_adverse:
            assert p.determined is not None
            assert p.closed is not None
            p.sued_on = min(
                self.as_of, p.determined + datetime.timedelta(days=rng.randint(100, 200))
            )
            p.closed = max(p.closed, p.sued_on + datetime.timedelta(days=rng.randint(200, 900)))
            p.closed = min(p.closed, self.as_of)
            if p.sued_on > p.closed:
                p.sued_on = p.closed
        lawsuits: list[LawsuitPlan] = []
        queue = sorted(sued + closed_adverse, key=lambda p: (p.sued_on, p.id))
        while queue:
            size = min(len(queue), rng.choices([1, 2, 3], [60, 30, 10])[0])
            group, queue = queue[:size], queue[size:]
            filed = max(p.sued_on for p in group if p.sued_on)
            lawsuit_id = self.next_id("lawsuit")
            court = rng.choice(COURTS)
            finished = all(p.status == S.CLOSED for p in group)
            served = filed + datetime.timedelta(days=rng.randint(3, 20))
            served_or_none = served if served <= self.as_of else None
            if finished:
                status = rng.choice(["settled", "decided", "dismissed", "closed"])
                ended = max(p.closed for p in group if p.closed)
            elif served_or_none is None:
                status, ended = "filed", None
            else:
                status = rng.choice(["served", "briefing", "production", "production"])
                ended = None
            agencies = sorted({p.agency_id for p in group})
            names = " & ".join(self.agency_names[a][0] for a in agencies[:2])
            caption = f"Civil Liberties Union v. {names}"[:300]
            docket = f"{filed.year % 100}-cv-{lawsuit_id:05d}"
            lawsuits.append(
                LawsuitPlan(
                    id=lawsuit_id,
                    caption=caption,
                    court=court,
                    docket=f"1:{docket}",
                    filed=filed,
                    served=served_or_none,
                    status=status,
                    request_ids=[p.id for p in group],
                    agency_ids=agencies,
                    ended=ended,
                )
            )
            for p in group:
                p.lawsuit_id = lawsuit_id
                p.sued_on = filed
                if p.closed and p.closed < filed:
                    p.closed = filed
        self.lawsuits = lawsuits

    def _plan_documents(self, rng: random.Random) -> None:
        """Releases per request (by its story) and the documents of each, to the exact total."""
        holders: list[RequestPlan] = []
        for p in self.plans:
            if p.outcome in (S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL):
                p.releases = rng.choices([1, 2, 3], [70, 20, 10])[0]
            elif p.lawsuit_id is not None and rng.random() < 0.6:
                p.releases = rng.randint(1, 4)
            if p.releases:
                holders.append(p)
        total = self.scale.documents
        if not holders and total:
            # Tiny scales: give the first filed request a release so the documents have a home.
            first = next((p for p in self.plans if p.received), None)
            if first is None:
                raise GenerationRefused("Too few requests for any document: raise --requests.")
            first.releases = 1
            holders.append(first)
        weights = [[min(rng.paretovariate(1.3), 200.0) for _ in range(p.releases)] for p in holders]
        flat = sum(sum(w) for w in weights)
        assigned = 0
        for p, ws in zip(holders, weights, strict=True):
            p.documents = [int(total * w / flat) for w in ws]
            assigned += sum(p.documents)
        # The remainder, one each, round-robin: the total is exact.
        k = 0
        while assigned < total:
            p = holders[k % len(holders)]
            p.documents[k // len(holders) % p.releases] += 1
            assigned += 1
            k += 1

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> Summary:
        self.writers = _writers()
        self.deadline_counts: dict[str, int] = {}
        dropped = _drop_secondary_indexes() if connection.vendor == "postgresql" else []
        try:
            with transaction.atomic():
                self._write_lawsuits()
            chunk: list[RequestPlan] = []
            for p in self.plans:
                chunk.append(p)
                if len(chunk) == CHUNK_REQUESTS:
                    self._write_chunk(chunk)
                    chunk = []
            if chunk:
                self._write_chunk(chunk)
            with transaction.atomic():
                self._write_lawsuit_deadlines()
        finally:
            if dropped:
                started = time.perf_counter()
                _recreate_indexes(dropped)
                self.say(
                    f"{self.elapsed()}  rebuilt {len(dropped)} indexes "
                    f"({time.perf_counter() - started:.1f} s)"
                )
        _reset_sequences()
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # VACUUM, not only ANALYZE: after a bulk load no page is marked all-visible yet, so
            # until autovacuum gets there (if it is on at all) every count and index-only scan
            # reads the heap; a live database in steady state has its visibility map set.
            # VACUUM cannot run inside a transaction (a test's): there, ANALYZE alone.
            with connection.cursor() as cursor:
                for table in loaded_tables():
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in loaded_tables():
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        self.summary.counts = {name: w.written for name, w in self.writers.items()}
        self.summary.deadline_statuses = dict(sorted(self.deadline_counts.items()))
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def _flush(self, names: Iterable[str]) -> None:
        for name in names:
            self.writers[name].flush()

    def _write_lawsuits(self) -> None:
        w = self.writers
        rng = self.rng
        for law in self.lawsuits:
            w["lawsuit"].add(
                law.id,
                law.caption,
                law.court,
                law.docket,
                law.filed,
                law.served,
                law.status,
                "Civil Liberties Union\nCivil Liberties Union of the State",
                rng.choice(("Hon. A. Burroughs", "Hon. R. Contreras", "Hon. J. Furman", "")),
                "Settled; fees paid." if law.status == "settled" else "",
                "",
                _noon(law.filed),
                _noon(law.ended or law.filed),
            )
            for agency_id in law.agency_ids:
                w["lawsuit_agencies"].add(self.next_id("lawsuit_agencies"), law.id, agency_id)
            counsel = rng.sample(self.lawyers, k=min(2, len(self.lawyers)))
            for user_id in counsel:
                w["lawsuit_counsel"].add(self.next_id("lawsuit_counsel"), law.id, user_id)
        self._flush(["lawsuit", "lawsuit_agencies", "lawsuit_counsel"])
        self.say(f"{self.elapsed()}  lawsuits {len(self.lawsuits):,}")

    def _deadline(
        self,
        *,
        owner: tuple[str, int],
        label: str,
        due: datetime.date,
        source: str,
        jurisdiction_id: int | None,
        rule: str,
        citation: str,
        basis: dict[str, Any],
        status: str,
        met_on: datetime.date | None = None,
        responsible: int | None = None,
        court_order: str = "",
        schedule_id: int | None = None,
        trigger_event: int | None = None,
        paused: tuple[datetime.date, int, str] | None = None,
        superseded_by: int | None = None,
        note: str = "",
        pk: int | None = None,
    ) -> int:
        pk = pk or self.next_id("deadline")
        kind, owner_id = owner
        created = _noon(min(due, self.as_of))
        self.writers["deadline"].add(
            pk,
            owner_id if kind == "request" else None,
            owner_id if kind == "appeal" else None,
            owner_id if kind == "lawsuit" else None,
            label[:200],
            due,
            source,
            jurisdiction_id,
            rule,
            citation[:200],
            json.dumps(basis),
            trigger_event,
            court_order,
            schedule_id,
            responsible,
            status,
            met_on,
            paused[0] if paused else None,
            paused[1] if paused else None,
            paused[2] if paused else "",
            superseded_by,
            note,
            created,
            created,
        )
        self.deadline_counts[status] = self.deadline_counts.get(status, 0) + 1
        return pk

    def _clock(
        self,
        p: RequestPlan,
        owner: tuple[str, int],
        rule: str,
        trigger: datetime.date,
        end: tuple[str, datetime.date | None, str] | None,
        rng: random.Random,
        event: int | None,
    ) -> None:
        """One agency clock: possibly tolled and resumed (federal), possibly extended, then
        ended as the story says (`end` = status, date, note; None: still open)."""
        code = p.code
        jid = self.jurisdictions[code].pk
        basis: dict[str, Any] = {"rule": rule, "trigger": _iso(trigger)}
        due, rule_code, label, citation = evaluate(code, basis)
        chain: list[tuple[dict[str, Any], tuple[datetime.date, int, str] | None, str]] = []
        # Tolling: federal only (552(a)(6)(A)(ii)).
        tolled = p.status == S.TOLLED or rng.random() < 0.12
        if (
            code == "US"
            and owner[0] == "request"
            and tolled
            and due > trigger + datetime.timedelta(days=8)
        ):
            paused_on = trigger + datetime.timedelta(days=rng.randint(3, 8))
            cal = rules.calendar_for(code)
            start = rules.counting_start(code, basis)
            if start <= paused_on <= due:
                left = rules.remaining_working_days(cal, start=start, due=due, paused_on=paused_on)
                reason = rng.choice(("information", "fees"))
                if p.status == S.TOLLED and end is None:
                    self._deadline(
                        owner=owner,
                        label=label,
                        due=due,
                        source="rule",
                        jurisdiction_id=jid,
                        rule=rule_code,
                        citation=citation,
                        basis=basis,
                        status=DS.OPEN,
                        responsible=p.owner_id,
                        paused=(paused_on, left, reason),
                        trigger_event=event,
                    )
                    return
                resumed_on = paused_on + datetime.timedelta(days=rng.randint(2, 30))
                chain.append((basis, (paused_on, left, reason), f"Resumed on {resumed_on}."))
                basis = {
                    "resume": {
                        "on": _iso(resumed_on),
                        "paused_on": _iso(paused_on),
                        "basis": basis,
                    },
                    "rule": rule,
                }
        rule_def = rules.get_rule(code, rule)
        if rule_def.extension_days is not None and rng.random() < 0.15:
            extended_on = trigger + datetime.timedelta(days=rng.randint(5, 25))
            chain.append((basis, None, f"Extended by notice of {extended_on}."))
            basis = {"extend": basis, "of_rule": rule}
        # Write the chain: each superseded row points to the next one.
        ids = [self.next_id("deadline") for _ in range(len(chain) + 1)]
        for k, (old_basis, paused, note) in enumerate(chain):
            old_due, old_rule, old_label, old_citation = evaluate(code, old_basis)
            self._deadline(
                pk=ids[k],
                owner=owner,
                label=old_label,
                due=old_due,
                source="rule",
                jurisdiction_id=jid,
                rule=old_rule,
                citation=old_citation,
                basis=old_basis,
                status=DS.SUPERSEDED,
                responsible=p.owner_id,
                paused=paused,
                superseded_by=ids[k + 1],
                note=note,
                trigger_event=event if k == 0 else None,
            )
        due, rule_code, label, citation = evaluate(code, basis)
        status: str = DS.OPEN
        met_on: datetime.date | None = None
        note = ""
        if end is not None:
            status, on, note = end
            if status == "closed":  # met or missed by the date it was done
                status = DS.MET if on is not None and on <= due else DS.MISSED
                met_on = on
            elif status == DS.MISSED and on is not None and on <= due:
                status, note = DS.OPEN, ""  # sued before it ran out: it still runs
        self._deadline(
            pk=ids[-1],
            owner=owner,
            label=label,
            due=due,
            source="rule",
            jurisdiction_id=jid,
            rule=rule_code,
            citation=citation,
            basis=basis,
            status=status,
            met_on=met_on,
            responsible=p.owner_id,
            note=note,
            trigger_event=event if not chain else None,
        )

    def _write_chunk(self, chunk: Sequence[RequestPlan]) -> None:
        rng = self.rng
        w = self.writers
        for p in chunk:
            created = _noon(p.filed or self.as_of)
            updated = _noon(p.closed or p.determined or p.acknowledged or p.filed or self.as_of)
            fees_estimated = (
                Decimal(rng.choice(("0.00", "25.00", "120.00", "480.50")))
                if p.acknowledged and rng.random() < 0.3
                else None
            )
            fees_paid = fees_estimated if fees_estimated and rng.random() < 0.5 else None
            w["request"].add(
                p.id,
                p.title,
                f"All records, including emails, memoranda and contracts, concerning {p.subject} "
                f"from January 2015 to the date of the search.",
                p.jurisdiction_id,
                p.agency_id,
                p.owner_id,
                p.status,
                p.filed,
                p.received,
                p.acknowledged,
                p.determined,
                p.closed,
                p.expedited,
                p.fee_waiver,
                fees_estimated,
                fees_paid,
                created,
                updated,
            )
            if p.lawsuit_id is not None:
                w["lawsuit_requests"].add(self.next_id("lawsuit_requests"), p.lawsuit_id, p.id)
            w["request_topics"].add(self.next_id("request_topics"), p.id, rng.choice(self.topics))
            if rng.random() < 0.3:
                w["request_staff"].add(self.next_id("request_staff"), p.id, rng.choice(self.staff))
            if p.filed is None:
                continue
            self._write_story(p, rng)
        with transaction.atomic():
            self._flush(w)
        done = chunk[-1].id
        self.say(
            f"{self.elapsed()}  requests {done:>9,} / {len(self.plans):,}   "
            f"deadlines {w['deadline'].written:>10,}   documents {w['document'].written:>10,}"
        )

    def _event(
        self,
        p: RequestPlan,
        kind: str,
        on: datetime.date,
        direction: str,
        text: str = "",
        to_status: str = "",
    ) -> int:
        pk = self.next_id("event")
        self.writers["event"].add(
            pk, p.id, kind, on, direction, text, "", to_status, p.owner_id, _noon(on)
        )
        return pk

    def _write_story(self, p: RequestPlan, rng: random.Random) -> None:
        w = self.writers
        assert p.filed is not None
        assert p.received is not None
        self._event(p, Kind.SENT, p.filed, "to_agency", "Request sent by email.", S.SUBMITTED)
        received_event = self._event(
            p, Kind.NOTE, p.received, "internal", "Delivery confirmed: the agency received it."
        )
        if p.acknowledged:
            self._event(p, Kind.ACKNOWLEDGED, p.acknowledged, "from_agency", "", S.ACKNOWLEDGED)
            agency_abbr = self.agency_names[p.agency_id][0][:12].upper().replace(" ", "")
            number = f"{agency_abbr}-{p.acknowledged.year}-{p.id:07d}"
            w["tracking"].add(
                self.next_id("tracking"), p.id, p.agency_id, number, p.acknowledged, ""
            )
            self._event(p, Kind.TRACKING_NUMBER, p.acknowledged, "from_agency", number)
            if p.lawsuit_id and rng.random() < 0.3:
                again = p.acknowledged + datetime.timedelta(days=30)
                w["tracking"].add(
                    self.next_id("tracking"),
                    p.id,
                    p.agency_id,
                    f"{number}-R",
                    again,
                    "Re-numbered on referral",
                )
        # The agency's clock (every jurisdiction has one receipt rule).
        receipt_rules = rules.rules_triggered_by(p.code, "receipt")
        if p.determined is not None:
            end: tuple[str, datetime.date | None, str] | None = (
                "closed",
                p.determined,
                f"Determined on {p.determined}.",
            )
        elif p.sued_on is not None:
            end = (DS.MISSED, p.sued_on, f"Not met when the suit was filed on {p.sued_on}.")
        elif p.status == S.WITHDRAWN:
            end = (DS.WAIVED, p.closed, "Request withdrawn.")
        else:
            end = None
        for rule in receipt_rules:
            self._clock(p, ("request", p.id), rule.code, p.received, end, rng, received_event)
        if p.code == "US" and p.expedited != "not_requested":
            basis = {"rule": "expedited_determination", "trigger": _iso(p.received)}
            due, rule_code, label, citation = evaluate("US", basis)
            decided = p.received + datetime.timedelta(days=rng.randint(3, 15))
            if p.expedited == "requested":
                status, met_on = (DS.OPEN, None) if end is None else (DS.WAIVED, None)
            else:
                status = DS.MET if decided <= due else DS.MISSED
                met_on = decided
            self._deadline(
                owner=("request", p.id),
                label=label,
                due=due,
                source="rule",
                jurisdiction_id=self.jurisdictions["US"].pk,
                rule=rule_code,
                citation=citation,
                basis=basis,
                status=status,
                met_on=met_on,
                responsible=p.owner_id,
            )
        if p.determined is not None and p.outcome is not None:
            self._event(
                p,
                Kind.DETERMINATION,
                p.determined,
                "from_agency",
                f"Determination: {S(p.outcome).label}.",
                p.outcome,
            )
            if p.outcome in ADVERSE:
                self._appeal_window_and_appeal(p, rng)
        if p.sued_on is not None:
            self._event(
                p, Kind.LAWSUIT_FILED, p.sued_on, "internal", "Complaint filed.", S.IN_LITIGATION
            )
        if p.closed is not None:
            to = S.WITHDRAWN if p.status == S.WITHDRAWN else S.CLOSED
            self._event(p, Kind.STATUS_CHANGED, p.closed, "internal", "", to)
        if p.status == S.TOLLED:
            self._event(
                p,
                Kind.CLARIFICATION_REQUESTED,
                p.received + datetime.timedelta(days=5),
                "from_agency",
                "The agency asked us to narrow the request.",
                S.TOLLED,
            )
        if rng.random() < 0.25:
            self._event(
                p,
                Kind.NOTE,
                p.acknowledged or p.received,
                "internal",
                "Called the FOIA public liaison; no estimated completion date given.",
            )
        for r, count in enumerate(p.documents):
            self._release(p, r, count, rng)

    def _appeal_window_and_appeal(self, p: RequestPlan, rng: random.Random) -> None:
        assert p.determined is not None
        if p.code != "US":
            return
        us = self.jurisdictions["US"].pk
        basis = {"rule": "appeal_window", "trigger": _iso(p.determined)}
        window_due, rule_code, label, citation = evaluate("US", basis)
        appeal_filed = None
        if p.appealed:
            appeal_filed = min(
                self.as_of, p.determined + datetime.timedelta(days=rng.randint(10, 80))
            )
            status, met_on, note = DS.MET, appeal_filed, ""
        elif p.closed is not None:
            status, met_on, note = DS.WAIVED, None, "Closed without an appeal."
        else:
            status, met_on, note = DS.OPEN, None, ""
        self._deadline(
            owner=("request", p.id),
            label=label,
            due=window_due,
            source="rule",
            jurisdiction_id=us,
            rule=rule_code,
            citation=citation,
            basis=basis,
            status=status,
            met_on=met_on,
            responsible=p.owner_id,
            note=note,
        )
        if appeal_filed is None:
            return
        received = min(self.as_of, appeal_filed + datetime.timedelta(days=rng.randint(0, 5)))
        decided: datetime.date | None = None
        outcome = "pending"
        if (
            p.status == S.APPEAL_DECIDED
            or p.status == S.CLOSED
            or (p.status == S.IN_LITIGATION and rng.random() < 0.5)
        ):
            decided = received + datetime.timedelta(days=rng.randint(10, 120))
            cap = p.sued_on or p.closed or self.as_of
            decided = max(received, min(decided, cap, self.as_of))
            outcome = rng.choices(
                ["denied", "partially_granted", "granted", "remanded"], [55, 20, 10, 15]
            )[0]
        appeal_id = self.next_id("appeal")
        self.writers["appeal"].add(
            appeal_id,
            p.id,
            appeal_filed,
            received,
            decided,
            outcome,
            f"APP-{appeal_filed.year}-{appeal_id:06d}",
            "",
        )
        self._event(
            p,
            Kind.APPEAL_FILED,
            appeal_filed,
            "to_agency",
            "Administrative appeal filed.",
            S.APPEALED,
        )
        if decided is not None:
            self._event(
                p,
                Kind.APPEAL_DECIDED,
                decided,
                "from_agency",
                f"Appeal {outcome}.",
                S.APPEAL_DECIDED,
            )
            end: tuple[str, datetime.date | None, str] | None = ("closed", decided, "")
        elif p.sued_on is not None:
            end = (DS.MISSED, p.sued_on, f"Not met when the suit was filed on {p.sued_on}.")
        else:
            end = None
        self._clock(p, ("appeal", appeal_id), "appeal_response", received, end, rng, None)

    def _release(self, p: RequestPlan, r: int, count: int, rng: random.Random) -> None:
        w = self.writers
        start = p.determined or p.sued_on or p.received
        assert start is not None
        released = min(self.as_of, start + datetime.timedelta(days=r * 60 + rng.randint(0, 30)))
        received = min(self.as_of, released + datetime.timedelta(days=rng.randint(0, 5)))
        release_id = self.next_id("release")
        records_from = datetime.date(released.year - 3, 1, 1)
        records_to = released - datetime.timedelta(days=rng.randint(30, 300))
        under_suit = p.lawsuit_id if p.sued_on and released >= p.sued_on else None
        pages = count * rng.randint(1, 6)
        bates_start = 1 + r * 10_000
        w["release"].add(
            release_id,
            p.id,
            under_suit,
            released,
            received,
            records_from,
            records_to,
            f"Production {r + 1}" + (" under the lawsuit" if under_suit else ""),
            pages,
            rng.randint(0, count),
            rng.randint(0, count),
            "CLU",
            bates_start,
            bates_start + max(pages, 1) - 1,
            "done",
            count,
            count,
            "[]",
            "[]",
            _noon(received),
        )
        if count:
            for code in rng.sample(REDACTION_CODES, k=rng.randint(0, 2)):
                if code in self.exemptions:
                    w["release_exemptions"].add(
                        self.next_id("release_exemptions"), release_id, self.exemptions[code]
                    )
        span = max(1, (records_to - records_from).days)
        parent: int | None = None
        for n in range(count):
            doc_id = self.next_id("document")
            kind = rng.choices(("email", "pdf", "text"), (70, 22, 8))[0]
            if kind != "email" and parent is not None and rng.random() < 0.5:
                parent_id: int | None = parent
            else:
                parent_id = None
            sender = rng.choice(PEOPLE)
            recipients = ", ".join(f"{a} <{b}>" for a, b in rng.sample(PEOPLE, k=2))
            subject = rng.choice(self.pool)[:80] if kind == "email" else ""
            text = " ".join(rng.choices(self.pool, k=rng.randint(3, 12)))
            sent = _noon(records_from + datetime.timedelta(days=rng.randint(0, span)))
            withheld = rng.random() < 0.02
            redacted = not withheld and rng.random() < 0.2
            sha = "" if withheld else hashlib.sha256(f"{doc_id}\n{text}".encode()).hexdigest()
            name = f"{doc_id:08d}.{'eml' if kind == 'email' else kind if kind == 'pdf' else 'txt'}"
            w["document"].add(
                doc_id,
                release_id,
                p.id,
                parent_id,
                "",
                name,
                f"production-{r + 1}.zip/{name}",
                0 if withheld else len(text) + 400,
                sha,
                {"email": "message/rfc822", "pdf": "application/pdf", "text": "text/plain"}[kind],
                kind,
                rng.randint(1, 12) if kind == "pdf" else None,
                "" if withheld else text,
                f"{sender[0]} <{sender[1]}>" if kind == "email" else "",
                recipients if kind == "email" else "",
                "",
                sent if kind == "email" else None,
                subject,
                f"<{doc_id}.{release_id}@generated.invalid>" if kind == "email" else "",
                "",
                f"CLU{bates_start + n:06d}",
                redacted,
                withheld,
                rng.randint(1, 3) if withheld else 0,
                "[]",
                _noon(received),
            )
            if kind == "email":
                parent = doc_id
            if redacted or withheld:
                code = rng.choice(REDACTION_CODES)
                if code in self.exemptions:
                    w["document_exemptions"].add(
                        self.next_id("document_exemptions"), doc_id, self.exemptions[code]
                    )
        self._event(
            p,
            Kind.INTERIM_RELEASE,
            released,
            "from_agency",
            f"Production {r + 1}: {count} documents, {pages} pages.",
        )

    def _write_lawsuit_deadlines(self) -> None:
        """Answer deadlines, court-ordered dates and schedules; the schedules take what is left of
        the deadline target, spread over the suits (a long production schedule is common)."""
        rng = self.rng
        us = self.jurisdictions["US"].pk
        written = self.writers["deadline"].written + len(self.writers["deadline"].rows)
        fixed = sum(
            (2 if law.served else 0) + 2 for law in self.lawsuits
        )  # answers + two court-ordered dates
        left = max(0, self.scale.deadlines - written - fixed)
        weights = [rng.uniform(0.2, 1.8) for _ in self.lawsuits]
        total_weight = sum(weights) or 1.0
        budgets = [int(left * wt / total_weight) for wt in weights]
        for k in range(left - sum(budgets) if budgets else 0):
            budgets[k % len(budgets)] += 1
        for law, budget in zip(self.lawsuits, budgets, strict=False):
            self._lawsuit_deadlines(law, budget, us, rng)
            if len(self.writers["deadline"].rows) > 50_000:
                self._flush(["court_schedule", "deadline"])
        self._flush(["court_schedule", "deadline"])
        self.say(
            f"{self.elapsed()}  lawsuit deadlines written; "
            f"deadlines {self.writers['deadline'].written:,}"
        )

    def _ended(
        self, due: datetime.date, law: LawsuitPlan, rng: random.Random
    ) -> tuple[str, datetime.date | None, str]:
        if law.ended is not None and due > law.ended:
            return DS.WAIVED, None, "Case closed."
        if due >= self.as_of:
            return DS.OPEN, None, ""
        roll = rng.random()
        if roll < 0.9:
            return DS.MET, due - datetime.timedelta(days=rng.randint(0, 3)), ""
        if roll < 0.95:
            return DS.MISSED, due + datetime.timedelta(days=rng.randint(1, 10)), "Filed late."
        return DS.WAIVED, None, "Vacated by order."

    def _lawsuit_deadlines(
        self, law: LawsuitPlan, budget: int, us: int, rng: random.Random
    ) -> None:
        owner = ("lawsuit", law.id)
        lawyer = rng.choice(self.lawyers)
        if law.served is not None:
            for rule in ("foia_answer", "answer_us_defendant"):
                basis: dict[str, Any] = {"rule": rule, "trigger": _iso(law.served)}
                due, code, label, citation = evaluate("US", basis)
                status, met_on, note = self._ended(due, law, rng)
                self._deadline(
                    owner=owner,
                    label=label,
                    due=due,
                    source="rule",
                    jurisdiction_id=us,
                    rule=code,
                    citation=citation,
                    basis=basis,
                    status=status,
                    met_on=met_on,
                    responsible=lawyer,
                    note=note,
                )
        for n, (label, days) in enumerate(
            (("Joint status report", 45), ("Dispositive motions", 150))
        ):
            order = f"ECF No. {12 + n * 9} ({law.filed + datetime.timedelta(days=20)})"
            due = law.filed + datetime.timedelta(days=days)
            status, met_on, note = self._ended(due, law, rng)
            self._deadline(
                owner=owner,
                label=label,
                due=due,
                source="court_order",
                jurisdiction_id=None,
                rule="court_order",
                citation=order,
                basis={},
                status=status,
                met_on=met_on,
                responsible=lawyer,
                court_order=order,
                note=note,
            )
        if budget <= 0:
            return
        # Schedules over about four years: rolling production monthly (at most 48), then
        # reports every N days (at most 200 each, N from 7 to 90 days), as many as the budget
        # asks; each later order starts a little after the one before.
        parts: list[tuple[int, int]] = []  # (which, occurrences): 1 monthly, 0 every N days
        monthly = min(48, budget // 3)
        if monthly:
            parts.append((1, monthly))
        left = budget - monthly
        while left > 0:
            take = min(200, left)
            parts.append((0, take))
            left -= take
        for n, (which, occurrences) in enumerate(parts):
            first_due = law.filed + datetime.timedelta(days=60 + 7 * n)
            schedule_id = self.next_id("court_schedule")
            order = f"ECF No. {30 + n} ({law.filed + datetime.timedelta(days=40 + 7 * n)})"
            occurrences_due: list[tuple[dict[str, Any], datetime.date]] = []
            if which == 0:
                label = "Joint status report" if n < 2 else f"Status report ({n})"
                interval: int | None = max(7, min(90, 1500 // occurrences))
                recurrence, day_of_month = "every_n_days", None
                for k in range(occurrences):
                    if k == 0:  # the date the order names
                        occurrences_due.append(({}, first_due))
                        continue
                    basis = {
                        "every_n_days": interval,
                        "from": _iso(first_due),
                        "occurrence": k,
                        "label": label,
                        "order": order,
                    }
                    occurrences_due.append((basis, evaluate("US", basis)[0]))
            else:
                # A day of the month is a date the order names, not a period: no basis.
                label = "Rolling production"
                interval, recurrence, day_of_month = None, "monthly_on_day", 15
                skip = 1 if first_due.day > 15 else 0
                occurrences_due = [
                    ({}, _monthly(first_due, 15, k + skip)) for k in range(occurrences)
                ]
            last = max(due for _basis, due in occurrences_due)
            self.writers["court_schedule"].add(
                schedule_id,
                law.id,
                label,
                order,
                recurrence,
                interval,
                day_of_month,
                first_due,
                last,
                None,
                last,
                "",
                lawyer,
            )
            for k, (basis, due) in enumerate(occurrences_due):
                status, met_on, note = self._ended(due, law, rng)
                self._deadline(
                    owner=owner,
                    label=label,
                    due=due,
                    source="court_order",
                    jurisdiction_id=us if basis else None,
                    rule="court_schedule",
                    citation=order,
                    basis=basis,
                    status=status,
                    met_on=met_on,
                    responsible=lawyer,
                    court_order=order,
                    schedule_id=schedule_id,
                    note=f"Occurrence {k + 1}. {note}".strip(),
                )


def _monthly(first: datetime.date, day: int, k: int) -> datetime.date:
    import calendar

    month_index = first.month - 1 + k
    year, month = first.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _writers() -> dict[str, TableWriter]:
    from documents.models import Document, Release

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


# Secondary indexes of the big tables are dropped during the load and rebuilt after it (one
# sorted build instead of millions of insertions); unique and primary-key indexes stay, they
# check the data.
_BIG_TABLES = ("documents_document", "requests_app_deadline", "requests_app_requestevent")


def _drop_secondary_indexes() -> list[str]:
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


def _recreate_indexes(definitions: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        # Inside an outer transaction (a test), the deferred foreign-key checks of the rows just
        # written are still queued, and PostgreSQL builds no index on a table with queued ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def _reset_sequences() -> None:
    from django.contrib.auth.models import User  # noqa: F401 - users keep their own sequence

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


def generate(
    *,
    scale: Scale,
    seed: int,
    as_of: datetime.date = DEFAULT_AS_OF,
    force: bool = False,
    progress: Callable[[str], None] = print,
    directory: Path | None = None,
) -> Summary:
    """Fill the database with a generated data set; refuses one that already holds tracker
    data unless `force`, which empties the tracker tables first (agencies and users stay)."""
    existing = existing_tracker_data()
    if existing and not force:
        shown = ", ".join(f"{n:,} {label}" for label, n in existing.items())
        raise GenerationRefused(
            f"The database already holds tracker data ({shown}). generate_data writes into an "
            "empty tracker only; pass --force to delete all requests, lawsuits, releases and "
            "documents (and what belongs to them) first."
        )
    generator = Generator(
        scale=scale, seed=seed, as_of=as_of, progress=progress, directory=directory
    )
    if existing:
        empty_tracker_tables()
        progress(f"{generator.elapsed()}  emptied the tracker tables (--force)")
    generator.reference_data()
    generator.plan()
    return generator.write()
