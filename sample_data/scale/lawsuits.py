"""Lawsuits over records requests: the suits (one to three requests each, same department, and
some finished ones over closed requests), their answer deadlines, court-ordered dates and court
schedules (every N days with the FRCP 6(a) basis, and monthly) expanded into deadlines."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from requests_app.deadlines.court import monthly_on_day
from requests_app.models import Deadline, Lawsuit
from requests_app.workflow import RequestStatus
from sample_data.scale.bulk_load import TableWriter, noon
from sample_data.scale.deadlines import DeadlineWriter, evaluate, iso
from sample_data.scale.plans import Ids, LawsuitPlan, RequestPlan
from sample_data.scale.vocabulary import COURTS, PENDING_STATUSES

S = RequestStatus
DS = Deadline.Status


def plan_lawsuits(
    plans: Sequence[RequestPlan],
    rng: random.Random,
    *,
    as_of: datetime.date,
    deadlines: int,
    ids: Ids,
    agency_names: dict[int, tuple[str, int | None]],
) -> list[LawsuitPlan]:
    """Suits over the requests in litigation (one to three requests each, same department),
    and some finished ones over closed requests."""
    sued = [p for p in plans if p.sued_on is not None]
    if not sued and deadlines > 0:
        # Small scales: one suit at least, over a pending federal request whose clock ran
        # out, so that court-ordered deadlines exist.
        for p in plans:
            if p.code == "US" and p.status in PENDING_STATUSES - {S.TOLLED} and p.received:
                p.status = S.IN_LITIGATION
                p.sued_on = min(as_of, p.received + datetime.timedelta(days=60))
                sued.append(p)
                break
    closed_adverse = [
        p for p in plans if p.status == S.CLOSED and p.appealed and rng.random() < 0.35
    ]
    for p in closed_adverse:
        assert p.determined is not None
        assert p.closed is not None
        p.sued_on = min(as_of, p.determined + datetime.timedelta(days=rng.randint(100, 200)))
        p.closed = max(p.closed, p.sued_on + datetime.timedelta(days=rng.randint(200, 900)))
        p.closed = min(p.closed, as_of)
        if p.sued_on > p.closed:
            p.sued_on = p.closed
    lawsuits: list[LawsuitPlan] = []
    queue = sorted(sued + closed_adverse, key=lambda p: (p.sued_on, p.id))
    while queue:
        size = min(len(queue), rng.choices([1, 2, 3], [60, 30, 10])[0])
        group, queue = queue[:size], queue[size:]
        filed = max(p.sued_on for p in group if p.sued_on)
        lawsuit_id = ids.next("lawsuit")
        court = rng.choice(COURTS)
        finished = all(p.status == S.CLOSED for p in group)
        served = filed + datetime.timedelta(days=rng.randint(3, 20))
        served_or_none = served if served <= as_of else None
        if finished:
            status = rng.choice([s.value for s in Lawsuit.FINISHED])
            ended = max(p.closed for p in group if p.closed)
        elif served_or_none is None:
            status, ended = "filed", None
        else:
            status = rng.choice(["served", "briefing", "production", "production"])
            ended = None
        agencies = sorted({p.agency_id for p in group})
        names = " & ".join(agency_names[a][0] for a in agencies[:2])
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
    return lawsuits


class LawsuitWriter:
    """Adds the rows of each suit and its deadlines."""

    def __init__(
        self,
        *,
        writers: dict[str, TableWriter],
        ids: Ids,
        rng: random.Random,
        as_of: datetime.date,
        lawyers: list[int],
        us: int,
        deadlines: DeadlineWriter,
    ) -> None:
        self.writers = writers
        self.ids = ids
        self.rng = rng
        self.as_of = as_of
        self.lawyers = lawyers
        self.us = us
        self.deadlines = deadlines

    def lawsuits(self, lawsuits: Sequence[LawsuitPlan]) -> None:
        """The suits' rows, their defendants and counsel."""
        w = self.writers
        rng = self.rng
        for law in lawsuits:
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
                "Settled; fees paid." if law.status == Lawsuit.Status.SETTLED else "",
                "",
                "",  # no district: federal holidays only
                noon(law.filed),
                noon(law.ended or law.filed),
            )
            for agency_id in law.agency_ids:
                w["lawsuit_agencies"].add(self.ids.next("lawsuit_agencies"), law.id, agency_id)
            counsel = rng.sample(self.lawyers, k=min(2, len(self.lawyers)))
            for user_id in counsel:
                w["lawsuit_counsel"].add(self.ids.next("lawsuit_counsel"), law.id, user_id)
        for name in ("lawsuit", "lawsuit_agencies", "lawsuit_counsel"):
            w[name].flush()

    def deadlines_of(self, lawsuits: Sequence[LawsuitPlan], *, target: int) -> None:
        """Answer deadlines, court-ordered dates and schedules; the schedules take what is left of
        the deadline target, spread over the suits (a long production schedule is common)."""
        rng = self.rng
        us = self.us
        written = self.writers["deadline"].written + len(self.writers["deadline"].rows)
        fixed = sum(
            (2 if law.served else 0) + 2 for law in lawsuits
        )  # answers + two court-ordered dates
        left = max(0, target - written - fixed)
        weights = [rng.uniform(0.2, 1.8) for _ in lawsuits]
        total_weight = sum(weights) or 1.0
        budgets = [int(left * wt / total_weight) for wt in weights]
        for k in range(left - sum(budgets) if budgets else 0):
            budgets[k % len(budgets)] += 1
        for law, budget in zip(lawsuits, budgets, strict=False):
            self._lawsuit_deadlines(law, budget, us, rng)
            if len(self.writers["deadline"].rows) > 50_000:
                self._flush()
        self._flush()

    def _flush(self) -> None:
        self.writers["court_schedule"].flush()
        self.writers["deadline"].flush()

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
                basis: dict[str, Any] = {"rule": rule, "trigger": iso(law.served)}
                due, code, label, citation = evaluate("US", basis)
                status, met_on, note = self._ended(due, law, rng)
                self.deadlines.add(
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
            self.deadlines.add(
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
            schedule_id = self.ids.next("court_schedule")
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
                        "from": iso(first_due),
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
                    ({}, monthly_on_day(first_due, 15, k + skip)) for k in range(occurrences)
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
                self.deadlines.add(
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
