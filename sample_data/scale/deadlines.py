"""Deadlines as the services write them: each agency clock counted by `rules.evaluate` with the
basis shapes documented on `Deadline.basis` (plain; tolled and resumed; extended), and ended met,
missed, waived or superseded as the request's story says."""

from __future__ import annotations

import datetime
import functools
import json
import random
from typing import Any

from requests_app.deadlines import rules
from requests_app.models import Deadline, Jurisdiction
from requests_app.workflow import RequestStatus
from sample_data.scale.bulk_load import TableWriter, noon
from sample_data.scale.plans import Ids, RequestPlan

S = RequestStatus
DS = Deadline.Status
#: How a clock ended: (status, on, note), "closed" meaning met or missed by that day; None: open.
End = tuple[str, datetime.date | None, str] | None


def iso(day: datetime.date) -> str:
    return day.isoformat()


@functools.lru_cache(maxsize=200_000)
def _evaluate(code: str, basis_json: str) -> tuple[datetime.date, str, str, str]:
    """(due, rule, label, citation) of a basis with no closure days: many requests share a
    trigger day, so each distinct basis is counted once."""
    explanation = rules.evaluate(code, json.loads(basis_json))
    return explanation.due, explanation.rule, explanation.label, explanation.citation


def evaluate(code: str, basis: dict[str, Any]) -> tuple[datetime.date, str, str, str]:
    return _evaluate(code, json.dumps(basis, sort_keys=True))


class DeadlineWriter:
    """Adds deadline rows, counting them by status."""

    def __init__(
        self,
        *,
        rows: TableWriter,
        ids: Ids,
        as_of: datetime.date,
        jurisdictions: dict[str, Jurisdiction],
    ) -> None:
        self.rows = rows
        self.ids = ids
        self.as_of = as_of
        self.jurisdictions = jurisdictions
        self.counts: dict[str, int] = {}

    def add(
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
        pk = pk or self.ids.next("deadline")
        kind, owner_id = owner
        created = noon(min(due, self.as_of))
        self.rows.add(
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
        self.counts[status] = self.counts.get(status, 0) + 1
        return pk

    def clock(
        self,
        p: RequestPlan,
        owner: tuple[str, int],
        rule: str,
        trigger: datetime.date,
        end: End,
        rng: random.Random,
        event: int | None,
    ) -> None:
        """One agency clock: possibly tolled and resumed (federal), possibly extended, then
        ended as the story says (`end` = status, date, note; None: still open)."""
        code = p.code
        jid = self.jurisdictions[code].pk
        basis: dict[str, Any] = {"rule": rule, "trigger": iso(trigger)}
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
                    self.add(
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
                        "on": iso(resumed_on),
                        "paused_on": iso(paused_on),
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
        ids = [self.ids.next("deadline") for _ in range(len(chain) + 1)]
        for k, (old_basis, paused, note) in enumerate(chain):
            old_due, old_rule, old_label, old_citation = evaluate(code, old_basis)
            self.add(
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
        self.add(
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
