"""Deadline services: deadlines computed from events, tolled, extended, met, recomputed.

The rules and the counting live in the pure modules `rules` and `calendars`; this module decides
*which* deadline an event starts or ends and keeps the rows honest:

- a computed deadline stores its basis (how it was counted) and is recounted, never re-derived by
  hand; superseded deadlines stay as history, linked to what replaced them;
- closure days are read per jurisdiction and passed to the counting, so adding or removing one
  moves exactly the open deadlines whose count it touches, and says which and by how much.

The request services (`services.py`) call these inside their own transaction.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from . import rules
from .models import (
    Appeal,
    ClosureDay,
    CourtSchedule,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
)
from .selectors import closures_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any

Status = Deadline.Status
# The rules whose deadline is "the agency's clock" on a request or appeal: tolling stops it, an
# extension replaces it, the determination ends it.
_CLOCKS = ("response", "appeal_response", "acknowledgment", "ag_ruling_request", "follow_up")
CLOCK_RULES = _CLOCKS + tuple(f"{code}_extension" for code in _CLOCKS)
COURT_SCHEDULE_HORIZON_DAYS = 730  # an open-ended schedule is expanded two years ahead


@dataclass(frozen=True)
class Move:
    """One open deadline whose due date a recomputation changed."""

    deadline_id: int
    label: str
    old: datetime.date
    new: datetime.date

    @property
    def days(self) -> int:
        return (self.new - self.old).days

    def __str__(self) -> str:
        sign = "+" if self.days > 0 else ""
        unit = "day" if abs(self.days) == 1 else "days"
        return f"{self.label}: {self.old} → {self.new} ({sign}{self.days} {unit})"


def _date(value: datetime.date) -> str:
    return value.isoformat()


def explain(
    deadline: Deadline, closures: dict[datetime.date, str] | None = None
) -> rules.Explanation | None:
    """The explanation of a computed deadline with today's calendar (None for a court date)."""
    if not deadline.basis or deadline.jurisdiction_id is None:
        return None
    code = deadline.jurisdiction.code if deadline.jurisdiction else ""
    if closures is None:
        closures = closures_for(code)
    return rules.evaluate(code, deadline.basis, closures)


def explanation_text(deadline: Deadline, closures: dict[datetime.date, str] | None = None) -> str:
    """What a lawyer reads next to the date: the counting, or the order that set it."""
    if deadline.source == Deadline.Source.COURT_ORDER and not deadline.basis:
        text = f"Set by court order: {deadline.court_order}." if deadline.court_order else ""
    else:
        explanation = explain(deadline, closures)
        text = explanation.summary() if explanation else ""
    if deadline.is_paused:
        text += (
            f" Clock stopped on {deadline.paused_on} with {deadline.days_left} working days left "
            f"({rules.TOLLING_CITATION})."
        )
    if deadline.note:
        text += f" {deadline.note}"
    return text.strip()


def _owner_filter(record: RecordsRequest | Appeal | Lawsuit) -> dict[str, Any]:
    if isinstance(record, RecordsRequest):
        return {"request": record}
    if isinstance(record, Appeal):
        return {"appeal": record}
    return {"lawsuit": record}


def _computed(
    *,
    record: RecordsRequest | Appeal | Lawsuit,
    jurisdiction: Jurisdiction,
    basis: dict[str, Any],
    responsible: User | None,
    trigger_event: RequestEvent | None = None,
    note: str = "",
) -> Deadline:
    _lock(jurisdiction)
    explanation = rules.evaluate(jurisdiction.code, basis, closures_for(jurisdiction.code))
    deadline = Deadline(
        **_owner_filter(record),
        label=explanation.label,
        due_on=explanation.due,
        jurisdiction=jurisdiction,
        rule=explanation.rule,
        citation=explanation.citation,
        basis=basis,
        responsible=responsible,
        trigger_event=trigger_event,
        note=note,
    )
    deadline.full_clean()
    deadline.save()
    return deadline


def _open_clock(record: RecordsRequest | Appeal) -> Deadline | None:
    return (
        Deadline.objects.select_for_update(of=("self",))
        .filter(**_owner_filter(record), status=Status.OPEN, rule__in=CLOCK_RULES)
        .order_by("-due_on", "-pk")
        .first()
    )


def _supersede(old: Deadline, new: Deadline, note: str) -> None:
    old.status = Status.SUPERSEDED
    old.superseded_by = new
    old.note = f"{old.note} {note}".strip()
    old.save(update_fields=["status", "superseded_by", "note", "updated_at"])


def _close(deadline: Deadline, on: datetime.date, note: str = "") -> None:
    """Met if done by the due date, missed if later (overdue is never stored; missed is a fact)."""
    deadline.status = Status.MET if on <= deadline.due_on or deadline.is_paused else Status.MISSED
    deadline.met_on = on
    if note:
        deadline.note = f"{deadline.note} {note}".strip()
    deadline.save(update_fields=["status", "met_on", "note", "updated_at"])


# --- Requests ---------------------------------------------------------------------------------


def _recount_row(deadline: Deadline, basis: dict[str, Any]) -> None:
    """Store a corrected basis with its due date (and, for a stopped clock, the days left)."""
    assert deadline.jurisdiction is not None
    code = deadline.jurisdiction.code
    closures = closures_for(code)
    deadline.basis = basis
    deadline.due_on = rules.evaluate(code, basis, closures).due
    fields = ["basis", "due_on", "updated_at"]
    if deadline.paused_on is not None:
        cal = rules.calendar_for(code, closures)
        deadline.days_left = max(
            0, rules.working_days_between(cal, deadline.paused_on, deadline.due_on)
        )
        fields.append("days_left")
    deadline.save(update_fields=fields)


def _start_or_recount(
    *,
    record: RecordsRequest | Appeal | Lawsuit,
    jurisdiction: Jurisdiction,
    rule: str,
    trigger: datetime.date,
    responsible: User | None,
) -> Deadline | None:
    """Start the deadline a rule gives a record, or recount it from a corrected trigger date.
    Returns the deadline created or moved (None when nothing changed, or it is no longer open)."""
    current = (
        Deadline.objects.select_related("jurisdiction")
        .filter(**_owner_filter(record), rule=rule, source=Deadline.Source.RULE)
        .first()
    )
    if current is None:
        return _computed(
            record=record,
            jurisdiction=jurisdiction,
            basis={"rule": rule, "trigger": _date(trigger)},
            responsible=responsible,
        )
    corrected = rules.with_trigger(current.basis, trigger)
    if current.status != Status.OPEN or corrected == current.basis:
        return None
    _recount_row(current, corrected)
    return current


def deadlines_on_receipt(
    *, request: RecordsRequest, event: RequestEvent | None = None
) -> list[Deadline]:
    """The agency received the request: its response clock (and expedited decision) start.

    If the receipt date is corrected, every open deadline it started — extended, stopped or
    resumed ones included — is recounted from the new date instead of being created again.
    """
    assert request.received_on is not None
    code = request.jurisdiction.code
    triggers: list[rules.Trigger] = ["receipt"]
    if request.expedited_processing == "requested":  # a decision already made owes no deadline
        triggers.append("expedited_request")
    rows = list(
        Deadline.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .filter(request=request, source=Deadline.Source.RULE)
        .exclude(basis={})
    )
    touched: list[Deadline] = []
    for trigger in triggers:
        for rule in rules.rules_triggered_by(code, trigger):
            chain = [d for d in rows if rules.base_rule(d.basis) == rule.code]
            if not chain:
                touched.append(
                    _computed(
                        record=request,
                        jurisdiction=request.jurisdiction,
                        basis={"rule": rule.code, "trigger": _date(request.received_on)},
                        responsible=request.owner,
                        trigger_event=event,
                    )
                )
                continue
            for deadline in chain:
                if deadline.status != Status.OPEN:
                    continue  # history stays as it was
                corrected = rules.with_trigger(deadline.basis, request.received_on)
                if corrected != deadline.basis:
                    _recount_row(deadline, corrected)
                    touched.append(deadline)
    return touched


def deadlines_toll(*, request: RecordsRequest, on: datetime.date, reason: str) -> str:
    """The agency asked us something: stop the federal clock if the statute lets it.

    5 U.S.C. 552(a)(6)(A)(ii): the agency may make one request for information, and as many
    fee-clarification requests as needed; the clock stops until the requester replies. Returns a
    sentence for the timeline saying what happened to the clock.
    """
    if request.jurisdiction.code != "US":
        code = request.jurisdiction.code
        return f"No statutory tolling is modelled for {code}; deadlines unchanged."
    clock = _open_clock(request)
    if clock is None:
        return "No running response deadline to stop."
    if clock.is_paused:
        return f"The clock is already stopped (since {clock.paused_on})."
    if reason == RequestEvent.Kind.CLARIFICATION_REQUESTED and information_toll_used(request):
        return (
            "The clock keeps running: the agency may stop it only once to ask for "
            "information (552(a)(6)(A)(ii)(I)); only fee clarifications may stop it again."
        )
    if on > clock.due_on:
        return f"The clock had already run out on {clock.due_on}; nothing to stop."
    closures = closures_for("US")
    started = rules.counting_start("US", clock.basis, closures)
    if on < started:
        raise ValidationError(
            {"on": f"The clock cannot stop before it was running (it started on {started})."}
        )
    cal = rules.calendar_for("US", closures)
    clock.paused_on = on
    clock.days_left = rules.remaining_working_days(
        cal, start=started, due=clock.due_on, paused_on=on
    )
    clock.paused_reason = (
        "information" if reason == RequestEvent.Kind.CLARIFICATION_REQUESTED else "fees"
    )
    clock.save(update_fields=["paused_on", "days_left", "paused_reason", "updated_at"])
    return f"Clock stopped on {on} with {clock.days_left} working days left (552(a)(6)(A)(ii))."


def information_toll_used(request: RecordsRequest) -> bool:
    """Whether a request for information has already stopped this request's clock."""
    return Deadline.objects.filter(request=request, paused_reason="information").exists()


def deadlines_resume(*, request: RecordsRequest, on: datetime.date) -> Deadline | None:
    """Our reply reached the agency: the clock runs again with the days that were left."""
    clock = _open_clock(request)
    if clock is None or not clock.is_paused:
        return None
    assert clock.paused_on is not None
    assert clock.jurisdiction is not None
    if on < clock.paused_on:
        raise ValidationError({"on": f"The reply cannot predate the stop ({clock.paused_on})."})
    basis = {
        "resume": {"on": _date(on), "paused_on": _date(clock.paused_on), "basis": clock.basis},
        "rule": rules.base_rule(clock.basis),
    }
    resumed = _computed(
        record=request, jurisdiction=clock.jurisdiction, basis=basis, responsible=clock.responsible
    )
    _supersede(clock, resumed, f"Resumed on {on}.")
    return resumed


def extension_problem(request: RecordsRequest) -> str | None:
    """Why an extension notice cannot extend this request's clock now (None if it can)."""
    clock = (
        Deadline.objects.filter(request=request, status=Status.OPEN, rule__in=CLOCK_RULES)
        .select_related("jurisdiction")
        .order_by("-due_on", "-pk")
        .first()
    )
    if clock is None:
        return "There is no open response deadline to extend (enter the receipt date first)."
    if rules.is_extended(clock.basis):
        return "This deadline has already been extended; the statute allows one extension."
    if clock.is_paused:
        return "The clock is stopped; log the reply before the extension notice."
    assert clock.jurisdiction is not None
    base_rule = rules.get_rule(clock.jurisdiction.code, rules.base_rule(clock.basis))
    if base_rule.extension_days is None:
        return (
            f"{clock.jurisdiction.code} {base_rule.code} ({base_rule.citation}) has no "
            f"statutory extension."
        )
    return None


def deadlines_extend(*, request: RecordsRequest, on: datetime.date) -> Deadline:
    """An extension notice (federal: unusual circumstances) replaces the response deadline with
    one counted from its due date (552(a)(6)(B)(i); Cal. Gov. Code §7922.535; 5 ILCS 140/3(e))."""
    problem = extension_problem(request)
    if problem:
        raise ValidationError(problem)
    clock = _open_clock(request)
    assert clock is not None
    assert clock.jurisdiction is not None
    note = f"Notice dated {on}, after the deadline it extends." if on > clock.due_on else ""
    extended = _computed(
        record=request,
        jurisdiction=clock.jurisdiction,
        basis={"extend": clock.basis, "of_rule": rules.base_rule(clock.basis)},
        responsible=clock.responsible,
        note=note,
    )
    _supersede(clock, extended, f"Extended by notice of {on}.")
    return extended


def deadlines_on_determination(
    *, request: RecordsRequest, on: datetime.date, adverse: bool
) -> list[Deadline]:
    """The agency determined the request: its clock is met (or missed); an adverse determination
    opens the appeal window (552(a)(6)(A)(i)(III)(aa))."""
    clock = _open_clock(request)
    if clock is not None:
        _close(clock, on, f"Determined on {on}.")
    # A determination also decides, in substance, whether the request was expedited.
    for pending in Deadline.objects.filter(
        request=request, status=Status.OPEN, rule="expedited_determination"
    ):
        _close(pending, on, f"Determined on {on}.")
    opened: list[Deadline] = []
    if adverse:
        for rule in rules.rules_triggered_by(request.jurisdiction.code, "adverse_determination"):
            opened.append(
                _computed(
                    record=request,
                    jurisdiction=request.jurisdiction,
                    basis={"rule": rule.code, "trigger": _date(on)},
                    responsible=request.owner,
                )
            )
    return opened


def deadlines_on_litigation(*, request: RecordsRequest, on: datetime.date) -> int:
    """Suing over a request whose clock ran out: the agency missed it (a missed deadline counts as
    exhausted remedies, 552(a)(6)(C)(i)). Returns how many deadlines were marked missed."""
    return (
        Deadline.objects.filter(
            request=request, status=Status.OPEN, rule__in=CLOCK_RULES, due_on__lt=on
        )
        .filter(paused_on__isnull=True)
        .update(
            status=Status.MISSED, note=_append_note(f"Not met when the suit was filed on {on}.")
        )
    )


def _append_note(text: str) -> Any:
    return Concat(F("note"), Value(f" {text}"), output_field=models.TextField())


def deadlines_waive_open(*, record: RecordsRequest | Lawsuit, reason: str) -> int:
    """A withdrawn or closed request (with its appeals), or a finished case, owes nothing more."""
    if isinstance(record, RecordsRequest):
        scope = Q(request=record) | Q(appeal__request=record)
    else:
        scope = Q(lawsuit=record)
    return Deadline.objects.filter(scope, status=Status.OPEN).update(
        status=Status.WAIVED, note=_append_note(reason)
    )


def deadlines_on_determination_date(*, request: RecordsRequest) -> list[Deadline]:
    """A corrected determination date recounts the open appeal window it started."""
    assert request.determined_on is not None
    touched = []
    for deadline in (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .filter(request=request, status=Status.OPEN, rule="appeal_window")
    ):
        corrected = rules.with_trigger(deadline.basis, request.determined_on)
        if corrected != deadline.basis:
            _recount_row(deadline, corrected)
            touched.append(deadline)
    return touched


def deadlines_on_acknowledgment(*, request: RecordsRequest, on: datetime.date) -> None:
    """An acknowledgment meets an acknowledgment deadline (New York, POL §89(3)(a))."""
    for deadline in Deadline.objects.select_for_update(of=("self",)).filter(
        request=request, status=Status.OPEN, rule="acknowledgment"
    ):
        _close(deadline, on, "Acknowledged.")


def deadlines_on_expedition_decision(*, request: RecordsRequest, on: datetime.date) -> None:
    """The agency decided the request for expedited processing (552(a)(6)(E)(ii)(I)); if the
    request for expedition is withdrawn, its deadline is waived."""
    pending = Deadline.objects.select_for_update(of=("self",)).filter(
        request=request, status=Status.OPEN, rule="expedited_determination"
    )
    for deadline in pending:
        if request.expedited_processing == "not_requested":
            deadline.status = Status.WAIVED
            deadline.note = f"{deadline.note} Expedited processing no longer requested.".strip()
            deadline.save(update_fields=["status", "note", "updated_at"])
        elif request.expedited_processing in ("granted", "denied"):
            _close(deadline, on, f"Expedited processing {request.expedited_processing}.")


# --- Appeals ----------------------------------------------------------------------------------


def deadlines_on_appeal_filed(*, appeal: Appeal) -> None:
    """Filing the appeal meets the appeal window (or misses it, if filed late)."""
    window = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(request=appeal.request, status=Status.OPEN, rule="appeal_window")
        .first()
    )
    if window is not None:
        _close(window, appeal.filed_on, "Appeal filed.")
    if appeal.received_on:
        deadlines_on_appeal_receipt(appeal=appeal)


def deadlines_on_appeal_receipt(*, appeal: Appeal) -> list[Deadline]:
    """The agency received the appeal: its 20 working days start (552(a)(6)(A)(ii))."""
    assert appeal.received_on is not None
    Appeal.objects.select_for_update().filter(pk=appeal.pk).first()  # one answer clock per appeal
    request = appeal.request
    return [
        deadline
        for rule in rules.rules_triggered_by(request.jurisdiction.code, "appeal_receipt")
        if (
            deadline := _start_or_recount(
                record=appeal,
                jurisdiction=request.jurisdiction,
                rule=rule.code,
                trigger=appeal.received_on,
                responsible=request.owner,
            )
        )
    ]


def deadlines_on_appeal_decision(*, appeal: Appeal) -> None:
    assert appeal.decided_on is not None
    clock = _open_clock(appeal)
    if clock is not None:
        _close(clock, appeal.decided_on, "Appeal decided.")


# --- Lawsuits and court orders -----------------------------------------------------------------


def deadlines_on_service(*, lawsuit: Lawsuit) -> list[Deadline]:
    """The complaint was served: the agency's answer is due in 30 days (552(a)(4)(C))."""
    assert lawsuit.served_on is not None
    Lawsuit.objects.select_for_update().filter(pk=lawsuit.pk).first()  # one answer per service
    deadline = _start_or_recount(
        record=lawsuit,
        jurisdiction=Jurisdiction.objects.get(code="US"),
        rule="foia_answer",
        trigger=lawsuit.served_on,
        responsible=None,
    )
    return [deadline] if deadline else []


@transaction.atomic
def court_deadline_add(
    *,
    lawsuit: Lawsuit,
    label: str,
    due_on: datetime.date,
    court_order: str,
    responsible: User | None = None,
) -> Deadline:
    """A date a court set ("answer due 2019-12-30", ECF No. 12). Court dates are not counted or
    moved: the order fixes them."""
    deadline = Deadline(
        lawsuit=lawsuit,
        label=label,
        due_on=due_on,
        source=Deadline.Source.COURT_ORDER,
        rule="court_order",
        citation=court_order,
        court_order=court_order,
        responsible=responsible,
    )
    deadline.full_clean()
    deadline.save()
    return deadline


def _monthly(first: datetime.date, day: int, k: int) -> datetime.date:
    import calendar

    month_index = first.month - 1 + k
    year, month = first.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _schedule_occurrences(
    schedule: CourtSchedule, *, after: datetime.date | None, through: datetime.date
) -> Iterable[tuple[int, dict[str, Any] | None, datetime.date]]:
    """(occurrence, basis, due) of a schedule whose nominal date is after `after` (None: from
    the start) and on or before `through`."""
    us_closures = closures_for("US")
    k = 0
    while True:
        if schedule.recurrence == CourtSchedule.Recurrence.EVERY_N_DAYS:
            assert schedule.interval_days
            nominal = schedule.first_due + datetime.timedelta(days=k * schedule.interval_days)
            if k == 0:
                basis, due = None, schedule.first_due  # the date the order names
            else:
                basis = {
                    "every_n_days": schedule.interval_days,
                    "from": _date(schedule.first_due),
                    "occurrence": k,
                    "label": schedule.label,
                    "order": schedule.order_reference,
                }
                due = nominal  # counted below, for the occurrences yielded
        else:
            assert schedule.day_of_month
            # A day of the month is a date the order names, not a period: FRCP 6(a) leaves it.
            basis = None
            nominal = _monthly(schedule.first_due, schedule.day_of_month, k)
            if k == 0 and nominal < schedule.first_due:
                k += 1
                continue
            due = nominal
        if nominal > through:
            return
        if after is None or nominal > after:
            if basis is not None:
                due = rules.evaluate("US", basis, us_closures).due
            yield k, basis, due
        k += 1


def _expansion_end(schedule: CourtSchedule, today: datetime.date) -> datetime.date:
    if schedule.until:
        return schedule.until
    # "Until further order": expanded two years ahead, and kept two years ahead by the sweep.
    start = max(schedule.first_due, today)
    return start + datetime.timedelta(days=COURT_SCHEDULE_HORIZON_DAYS)


def _expand(schedule: CourtSchedule, through: datetime.date) -> list[Deadline]:
    us = Jurisdiction.objects.get(code="US")
    created = []
    for k, basis, due in _schedule_occurrences(
        schedule, after=schedule.expanded_through, through=through
    ):
        deadline = Deadline(
            lawsuit=schedule.lawsuit,
            schedule=schedule,
            label=schedule.label,
            due_on=due,
            source=Deadline.Source.COURT_ORDER,
            jurisdiction=us if basis else None,
            rule="court_schedule",
            citation=schedule.order_reference,
            court_order=schedule.order_reference,
            basis=basis or {},
            responsible=schedule.responsible,
            note=f"Occurrence {k + 1}.",
        )
        deadline.full_clean()
        created.append(deadline)
    Deadline.objects.bulk_create(created)
    schedule.expanded_through = through
    schedule.save(update_fields=["expanded_through"])
    return created


@transaction.atomic
def court_schedule_create(
    *, schedule: CourtSchedule, today: datetime.date | None = None
) -> list[Deadline]:
    """Save a recurring court-ordered schedule and expand it into dated deadlines."""
    schedule.full_clean()
    schedule.save()
    return _expand(schedule, _expansion_end(schedule, today or timezone.localdate()))


def court_schedules_extend_one(*, today: datetime.date) -> CourtSchedule | None:
    """Extend one open-ended schedule whose expansion is less than the horizon ahead of today.

    The daily sweep calls this until it returns None ("process one item, say whether there was
    one"); each call is its own transaction, so a crash loses at most one schedule's step.
    """
    horizon = today + datetime.timedelta(days=COURT_SCHEDULE_HORIZON_DAYS)
    with transaction.atomic():
        schedule = (
            CourtSchedule.objects.select_for_update(skip_locked=True)
            .filter(until__isnull=True, cut_off_on__isnull=True, expanded_through__lt=horizon)
            .order_by("expanded_through", "pk")
            .first()
        )
        if schedule is None:
            return None
        _expand(schedule, horizon)
        return schedule


@transaction.atomic
def court_schedule_cut_off(
    *, schedule: CourtSchedule, after: datetime.date, order_reference: str
) -> int:
    """A new order ends a schedule: its open deadlines after `after` are superseded (kept as
    history, with the order that ended them). Returns how many."""
    if not order_reference.strip():
        raise ValidationError({"order_reference": "Name the order that ends the schedule."})
    schedule.cut_off_on = after
    schedule.cut_off_order = order_reference
    schedule.save(update_fields=["cut_off_on", "cut_off_order"])
    return schedule.deadlines.filter(status=Status.OPEN, due_on__gt=after).update(
        status=Status.SUPERSEDED, note=_append_note(f"Cut off by {order_reference}.")
    )


# --- Marking ------------------------------------------------------------------------------------


@transaction.atomic
def deadline_mark(
    *, deadline: Deadline, status: str, on: datetime.date | None = None, note: str = ""
) -> Deadline:
    """Staff mark a deadline met (on a date), or waived."""
    locked = Deadline.objects.select_for_update(of=("self",)).get(pk=deadline.pk)
    if locked.status != Status.OPEN:
        raise ValidationError(
            "Only an open deadline can be marked; this one is "
            f"{locked.get_status_display().lower()}."
        )
    if status == Status.WAIVED:
        locked.status = Status.WAIVED
        locked.note = f"{locked.note} {note}".strip()
        locked.save(update_fields=["status", "note", "updated_at"])
    elif status in (Status.MET, Status.MISSED):
        if on is None:
            raise ValidationError({"on": "Say on which date it was met."})
        _close(locked, on, note)
    else:
        raise ValidationError({"status": f"Deadlines can be marked met or waived, not {status}."})
    return locked


# --- Recomputation ------------------------------------------------------------------------------


def _recount(
    rows: Sequence[tuple[int, datetime.date, dict[str, Any], str, datetime.date | None]], code: str
) -> tuple[list[Move], list[tuple[int, int]]]:
    """New due dates for rows (pk, due, basis, label, paused_on); also the new days left of
    stopped clocks that moved."""
    closures = closures_for(code)
    cal = rules.calendar_for(code, closures)
    # A calendar change only moves deadlines counted in the weeks around it, so their bases repeat
    # heavily: count each distinct basis once.
    due_by_basis: dict[str, datetime.date] = {}
    moves = []
    days_left = []
    for pk, due, basis, label, paused_on in rows:
        key = json.dumps(basis, sort_keys=True)
        new = due_by_basis.get(key)
        if new is None:
            new = due_by_basis[key] = rules.evaluate(code, basis, closures).due
        if new != due:
            moves.append(Move(pk, label, due, new))
            if paused_on is not None:
                days_left.append((pk, max(0, rules.working_days_between(cal, paused_on, new))))
    return moves, days_left


def _write_due_dates(moves: Sequence[Move]) -> None:
    if not moves:
        return
    if connection.vendor == "postgresql":
        # One statement per batch: an UPDATE joined to the new dates, not one UPDATE per row.
        # "due_on = old" makes it a compare-and-set: a row changed meanwhile is left alone.
        table = Deadline._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(moves), 20_000):
                batch = moves[start : start + 20_000]
                cursor.execute(
                    f"UPDATE {table} AS d SET due_on = v.due, updated_at = now() "
                    "FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS v(id, old, due) "
                    "WHERE d.id = v.id AND d.due_on = v.old AND d.status = 'open'",
                    [
                        [m.deadline_id for m in batch],
                        [m.old for m in batch],
                        [m.new for m in batch],
                    ],
                )
    else:
        now = timezone.now()
        Deadline.objects.bulk_update(
            [Deadline(pk=m.deadline_id, due_on=m.new, updated_at=now) for m in moves],
            ["due_on", "updated_at"],
            batch_size=500,
        )


def open_computed_deadlines(jurisdiction: Jurisdiction) -> QuerySet[Deadline]:
    """The deadlines a change to the jurisdiction's calendar may move: open and counted (a
    stopped clock too: its days left change with it)."""
    return Deadline.objects.filter(jurisdiction=jurisdiction, status=Status.OPEN).exclude(basis={})


@transaction.atomic
def deadlines_recompute(
    *, jurisdiction: Jurisdiction, touching: datetime.date | None = None
) -> list[Move]:
    """Recount the open computed deadlines of a jurisdiction; returns the ones that moved.

    With `touching` (a day added to or removed from the calendar) only deadlines due on or after
    that day can move: a count that ended before it never passed over it.
    """
    _lock(jurisdiction)
    candidates = open_computed_deadlines(jurisdiction)
    if touching is not None:
        candidates = candidates.filter(due_on__gte=touching)
    rows = list(
        candidates.values_list("pk", "due_on", "basis", "label", "paused_on").iterator(
            chunk_size=5000
        )
    )
    moves, days_left = _recount(rows, jurisdiction.code)
    _write_due_dates(moves)
    for pk, left in days_left:
        Deadline.objects.filter(pk=pk).update(days_left=left)
    return moves


def _lock(jurisdiction: Jurisdiction) -> None:
    """Serialise calendar changes and deadline counting per jurisdiction, so that a count never
    misses a closure day committed alongside it."""
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()


@transaction.atomic
def closure_day_add(
    *, jurisdiction: Jurisdiction, date: datetime.date, reason: str
) -> tuple[ClosureDay, list[Move]]:
    """A closure day is skipped like a holiday from now on: recount what it touches."""
    _lock(jurisdiction)
    closure = ClosureDay(jurisdiction=jurisdiction, date=date, reason=reason)
    closure.full_clean()
    closure.save()
    return closure, deadlines_recompute(jurisdiction=jurisdiction, touching=date)


@transaction.atomic
def closure_day_change(
    *, closure: ClosureDay, jurisdiction: Jurisdiction, date: datetime.date, reason: str
) -> tuple[ClosureDay, list[Move]]:
    """A corrected closure day: as if the old one were removed and the new one added."""
    previous = ClosureDay.objects.get(pk=closure.pk)
    moves = closure_day_remove(closure=previous)
    changed, added = closure_day_add(jurisdiction=jurisdiction, date=date, reason=reason)
    return changed, moves + added


@transaction.atomic
def closure_day_remove(*, closure: ClosureDay) -> list[Move]:
    jurisdiction, day = closure.jurisdiction, closure.date
    _lock(jurisdiction)
    closure.delete()
    return deadlines_recompute(jurisdiction=jurisdiction, touching=day)


def deadlines_overdue(today: datetime.date) -> QuerySet[Deadline]:
    """Open, running deadlines whose day has passed (derived, never stored)."""
    return Deadline.objects.filter(status=Status.OPEN, paused_on__isnull=True, due_on__lt=today)


def deadlines_due_within(today: datetime.date, days: int) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        status=Status.OPEN,
        paused_on__isnull=True,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=days),
    )
