"""Records requests: the plan of each (status, agency, dates that agree with the status) and its
story written out: the request's row, its timeline events, tracking numbers, the agency's clocks,
the expedited-processing decision, the appeal window and the appeal."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from requests_app.deadlines import rules
from requests_app.models import Deadline, RequestEvent, RequestKind
from requests_app.workflow import ADVERSE, RequestStatus
from sample_data.scale.bulk_load import TableWriter, noon
from sample_data.scale.deadlines import DeadlineWriter, End, evaluate, iso
from sample_data.scale.people_and_agencies import Reference
from sample_data.scale.plans import Ids, RequestPlan
from sample_data.scale.presets import FIRST_FILED
from sample_data.scale.releases import ReleaseWriter
from sample_data.scale.vocabulary import (
    APPEAL_STATUSES,
    JURISDICTION_WEIGHTS,
    PENDING_STATUSES,
    STATUS_WEIGHTS,
    SUBJECTS,
)

S = RequestStatus
DS = Deadline.Status
Kind = RequestEvent.Kind


def plan_requests(
    *, requests: int, rng: random.Random, as_of: datetime.date, reference: Reference
) -> list[RequestPlan]:
    """Each request's jurisdiction, agency, owner and status, and the dates its story has."""
    codes = list(JURISDICTION_WEIGHTS)
    code_weights = [JURISDICTION_WEIGHTS[c] for c in codes]
    statuses = list(STATUS_WEIGHTS)
    status_weights = [STATUS_WEIGHTS[s] for s in statuses]
    span = (as_of - FIRST_FILED).days
    plans: list[RequestPlan] = []
    for i in range(1, requests + 1):
        code = rng.choices(codes, code_weights)[0]
        ids, weights = reference.agencies.get(code) or reference.agencies["US"]
        if code not in reference.agencies:
            code = "US"
        status = rng.choices(statuses, status_weights)[0]
        if status in (S.APPEALED, S.APPEAL_DECIDED, S.IN_LITIGATION) and code != "US":
            status = S.CLOSED  # appeals and FOIA suits are modelled for federal law
        subject = rng.choice(SUBJECTS)
        agency_id = rng.choices(ids, weights)[0]
        agency_label = reference.agency_names[agency_id][0]
        plan = RequestPlan(
            id=i,
            code=code,
            jurisdiction_id=reference.jurisdictions[code].pk,
            agency_id=agency_id,
            owner_id=rng.choice(reference.staff),
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
            _timeline(plan, as_of - datetime.timedelta(days=age), rng, as_of=as_of)
        plans.append(plan)
    return plans


def _timeline(
    p: RequestPlan, filed: datetime.date, rng: random.Random, *, as_of: datetime.date
) -> None:
    p.filed = filed
    p.received = min(as_of, filed + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5))))
    p.expedited = rng.choices(["not_requested", "granted", "denied", "requested"], [85, 4, 8, 3])[0]
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


class StoryWriter:
    """Adds the rows of each request's story; deadlines and releases through their writers."""

    def __init__(
        self,
        *,
        writers: dict[str, TableWriter],
        ids: Ids,
        as_of: datetime.date,
        reference: Reference,
        deadlines: DeadlineWriter,
        releases: ReleaseWriter,
    ) -> None:
        self.writers = writers
        self.ids = ids
        self.as_of = as_of
        self.reference = reference
        self.deadlines = deadlines
        self.releases = releases

    def request(self, p: RequestPlan, rng: random.Random) -> None:
        """The request's row, its topic and staff, and (once filed) its story."""
        w = self.writers
        created = noon(p.filed or self.as_of)
        updated = noon(p.closed or p.determined or p.acknowledged or p.filed or self.as_of)
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
            RequestKind.STANDARD,
            p.fee_waiver,
            fees_estimated,
            fees_paid,
            created,
            updated,
        )
        if p.lawsuit_id is not None:
            w["lawsuit_requests"].add(self.ids.next("lawsuit_requests"), p.lawsuit_id, p.id)
        w["request_topics"].add(
            self.ids.next("request_topics"), p.id, rng.choice(self.reference.topics)
        )
        if rng.random() < 0.3:
            w["request_staff"].add(
                self.ids.next("request_staff"), p.id, rng.choice(self.reference.staff)
            )
        if p.filed is None:
            return
        self.story(p, rng)

    def event(
        self,
        p: RequestPlan,
        kind: str,
        on: datetime.date,
        direction: str,
        text: str = "",
        to_status: str = "",
    ) -> int:
        pk = self.ids.next("event")
        self.writers["event"].add(
            pk, p.id, kind, on, direction, text, "", to_status, p.owner_id, noon(on)
        )
        return pk

    def story(self, p: RequestPlan, rng: random.Random) -> None:
        w = self.writers
        assert p.filed is not None
        assert p.received is not None
        self.event(p, Kind.SENT, p.filed, "to_agency", "Request sent by email.", S.SUBMITTED)
        received_event = self.event(
            p, Kind.NOTE, p.received, "internal", "Delivery confirmed: the agency received it."
        )
        if p.acknowledged:
            self.event(p, Kind.ACKNOWLEDGED, p.acknowledged, "from_agency", "", S.ACKNOWLEDGED)
            agency_abbr = self.reference.agency_names[p.agency_id][0][:12].upper().replace(" ", "")
            number = f"{agency_abbr}-{p.acknowledged.year}-{p.id:07d}"
            w["tracking"].add(
                self.ids.next("tracking"), p.id, p.agency_id, number, p.acknowledged, ""
            )
            self.event(p, Kind.TRACKING_NUMBER, p.acknowledged, "from_agency", number)
            if p.lawsuit_id and rng.random() < 0.3:
                again = p.acknowledged + datetime.timedelta(days=30)
                w["tracking"].add(
                    self.ids.next("tracking"),
                    p.id,
                    p.agency_id,
                    f"{number}-R",
                    again,
                    "Re-numbered on referral",
                )
        # The agency's clock (every jurisdiction has one receipt rule).
        receipt_rules = rules.rules_triggered_by(p.code, "receipt")
        if p.determined is not None:
            end: End = (
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
            self.deadlines.clock(
                p, ("request", p.id), rule.code, p.received, end, rng, received_event
            )
        if p.code == "US" and p.expedited != "not_requested":
            basis = {"rule": "expedited_determination", "trigger": iso(p.received)}
            due, rule_code, label, citation = evaluate("US", basis)
            decided = p.received + datetime.timedelta(days=rng.randint(3, 15))
            if p.expedited == "requested":
                status, met_on = (DS.OPEN, None) if end is None else (DS.WAIVED, None)
            else:
                status = DS.MET if decided <= due else DS.MISSED
                met_on = decided
            self.deadlines.add(
                owner=("request", p.id),
                label=label,
                due=due,
                source="rule",
                jurisdiction_id=self.reference.jurisdictions["US"].pk,
                rule=rule_code,
                citation=citation,
                basis=basis,
                status=status,
                met_on=met_on,
                responsible=p.owner_id,
            )
        if p.determined is not None and p.outcome is not None:
            self.event(
                p,
                Kind.DETERMINATION,
                p.determined,
                "from_agency",
                f"Determination: {S(p.outcome).label}.",
                p.outcome,
            )
            if p.outcome in ADVERSE:
                self.appeal_window_and_appeal(p, rng)
        if p.sued_on is not None:
            self.event(
                p, Kind.LAWSUIT_FILED, p.sued_on, "internal", "Complaint filed.", S.IN_LITIGATION
            )
        if p.closed is not None:
            to = S.WITHDRAWN if p.status == S.WITHDRAWN else S.CLOSED
            self.event(p, Kind.STATUS_CHANGED, p.closed, "internal", "", to)
        if p.status == S.TOLLED:
            self.event(
                p,
                Kind.CLARIFICATION_REQUESTED,
                p.received + datetime.timedelta(days=5),
                "from_agency",
                "The agency asked us to narrow the request.",
                S.TOLLED,
            )
        if rng.random() < 0.25:
            self.event(
                p,
                Kind.NOTE,
                p.acknowledged or p.received,
                "internal",
                "Called the FOIA public liaison; no estimated completion date given.",
            )
        for r, count in enumerate(p.documents):
            released, pages = self.releases.release(p, r, count, rng)
            self.event(
                p,
                Kind.INTERIM_RELEASE,
                released,
                "from_agency",
                f"Production {r + 1}: {count} documents, {pages} pages.",
            )

    def appeal_window_and_appeal(self, p: RequestPlan, rng: random.Random) -> None:
        assert p.determined is not None
        if p.code != "US":
            return
        us = self.reference.jurisdictions["US"].pk
        basis = {"rule": "appeal_window", "trigger": iso(p.determined)}
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
        self.deadlines.add(
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
        appeal_id = self.ids.next("appeal")
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
        self.event(
            p,
            Kind.APPEAL_FILED,
            appeal_filed,
            "to_agency",
            "Administrative appeal filed.",
            S.APPEALED,
        )
        if decided is not None:
            self.event(
                p,
                Kind.APPEAL_DECIDED,
                decided,
                "from_agency",
                f"Appeal {outcome}.",
                S.APPEAL_DECIDED,
            )
            end: End = ("closed", decided, "")
        elif p.sued_on is not None:
            end = (DS.MISSED, p.sued_on, f"Not met when the suit was filed on {p.sued_on}.")
        else:
            end = None
        self.deadlines.clock(p, ("appeal", appeal_id), "appeal_response", received, end, rng, None)
