"""Deadline hooks: which deadline an event starts, stops, extends or ends.

The request, appeal and lawsuit services call these inside their own transaction. The rules and
the counting live in the pure modules `rules` and `calendars`; a computed deadline stores its
basis (how it was counted) and is recounted, never re-derived by hand; superseded deadlines stay
as history, linked to what replaced them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from core.today import organisation_today
from requests_app.deadlines import rules
from requests_app.deadlines.selectors import overdue_q, working_calendar
from requests_app.models import (
    Appeal,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    RequestKind,
    district_forum,
)
from requests_app.models.requests import RECEIPT_TRIGGER_BY_KIND

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


from requests_app.deadlines.closures import jurisdiction_lock

Status = Deadline.Status
Source = Deadline.Source
# The rules whose deadline is "the agency's clock" on a request or appeal: tolling stops it, an
# extension replaces it, the determination ends it.
_CLOCKS = (
    "response",
    "appeal_response",
    "acknowledgment",
    "ag_ruling_request",
    "follow_up",
    "ag_submission",
    "commercial_response",
    "recurrent_response",
)
CLOCK_RULES = _CLOCKS + tuple(f"{code}_extension" for code in _CLOCKS)


def iso_date(value: datetime.date) -> str:
    return value.isoformat()


def _owner_filter(record: RecordsRequest | Appeal | Lawsuit) -> dict[str, Any]:
    if isinstance(record, RecordsRequest):
        return {"request": record}
    if isinstance(record, Appeal):
        return {"appeal": record}
    return {"lawsuit": record}


def calendar_variant(record: RecordsRequest | Appeal | Lawsuit) -> dict[str, str]:
    """The calendar variant a record's deadlines count on, as basis keys: a lawsuit's district's
    state (FRCP 6(a)(6)(C); "" for none recorded), a request's or appeal's agency's observance
    (none: the statute's default)."""
    if isinstance(record, Lawsuit):
        return {"forum": district_forum(record.district) or ""}
    agency = record.request.agency if isinstance(record, Appeal) else record.agency
    return {"observance": agency.observance} if agency.observance else {}


def _computed(
    *,
    record: RecordsRequest | Appeal | Lawsuit,
    jurisdiction: Jurisdiction,
    basis: dict[str, Any],
    responsible: User | None,
    trigger_event: RequestEvent | None = None,
    note: str = "",
    source: str = Deadline.Source.RULE,
) -> Deadline:
    jurisdiction_lock(jurisdiction)
    calendar = working_calendar(jurisdiction.code)
    basis = rules.with_variant(basis, calendar_variant(record))
    explanation = rules.evaluate(jurisdiction.code, basis, calendar.closures)
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
        source=source,
    )
    deadline.full_clean()
    deadline.save()
    return deadline


def _open_clock(record: RecordsRequest | Appeal) -> Deadline | None:
    return (
        Deadline.objects.select_for_update(of=("self",))
        .filter(**_owner_filter(record), status=Status.OPEN, rule__in=CLOCK_RULES)
        .exclude(source=Source.ESTIMATE)  # no clock runs before receipt: nothing to stop or end
        .order_by("-due_on", "-pk")
        .first()
    )


def _supersede(old: Deadline, new: Deadline, note: str) -> None:
    old.status = Status.SUPERSEDED
    old.superseded_by = new
    old.note = noted(old.note, note)
    old.save(update_fields=["status", "superseded_by", "note", "updated_at"])


def _close(deadline: Deadline, on: datetime.date, note: str = "") -> None:
    """Met if done by the due date, missed if later (overdue is never stored; missed is a fact)."""
    deadline.status = Status.MET if on <= deadline.due_on or deadline.is_paused else Status.MISSED
    deadline.met_on = on
    if note:
        deadline.note = noted(deadline.note, note)
    deadline.save(update_fields=["status", "met_on", "note", "updated_at"])


# --- Requests ---------------------------------------------------------------------------------


def _recount_row(deadline: Deadline, basis: dict[str, Any]) -> None:
    """Store a corrected basis with its due date (and, for a stopped clock, the days left)."""
    assert deadline.jurisdiction is not None
    code = deadline.jurisdiction.code
    closures = working_calendar(code).closures
    deadline.basis = basis
    deadline.due_on = rules.evaluate(code, basis, closures).due
    fields = ["basis", "due_on", "updated_at"]
    if deadline.paused_on is not None:
        cal = rules.basis_calendar(code, basis, closures)
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
            basis={"rule": rule, "trigger": iso_date(trigger)},
            responsible=responsible,
        )
    corrected = rules.with_trigger(current.basis, trigger)
    if current.status != Status.OPEN or corrected == current.basis:
        return None
    _recount_row(current, corrected)
    return current


def _chains_started_or_recounted(
    *,
    request: RecordsRequest,
    source: str,
    started: Iterable[rules.DeadlineRule],
    trigger: datetime.date,
    event: RequestEvent | None = None,
    note_for: Callable[[rules.DeadlineRule], str] = lambda rule: "",
) -> list[Deadline]:
    """For each rule a trigger starts: its deadline counted from ``trigger`` if the request has
    none of that rule and source yet; otherwise every open deadline of the rule's chain
    (extended, stopped or resumed ones included) recounted from the corrected trigger, and
    closed ones left as history. Returns the deadlines created or moved."""
    rows = list(
        Deadline.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .filter(request=request, source=source)
        .exclude(basis={})
    )
    touched: list[Deadline] = []
    for rule in started:
        chain = [d for d in rows if rules.base_rule(d.basis) == rule.code]
        # A chain with nothing open whose last row was replaced because the kind of request
        # changed (then changed back) starts afresh, as does a rule not started yet.
        if not any(d.status == Status.OPEN for d in chain) and (
            not chain or _ended_by_kind_change(max(chain, key=lambda d: d.pk))
        ):
            touched.append(
                _computed(
                    record=request,
                    jurisdiction=request.jurisdiction,
                    basis={"rule": rule.code, "trigger": iso_date(trigger)},
                    responsible=request.owner,
                    trigger_event=event,
                    note=note_for(rule),
                    source=source,
                )
            )
            continue
        for deadline in chain:
            if deadline.status != Status.OPEN:
                continue  # history stays as it was
            corrected = rules.with_trigger(deadline.basis, trigger)
            if corrected != deadline.basis:
                _recount_row(deadline, corrected)
                touched.append(deadline)
    return touched


def deadlines_on_receipt(
    *, request: RecordsRequest, event: RequestEvent | None = None
) -> list[Deadline]:
    """The agency received the request: its response clock (and expedited decision) start.

    If the receipt date is corrected, every open deadline it started — extended, stopped or
    resumed ones included — is recounted from the new date instead of being created again.
    """
    assert request.received_on is not None
    code = request.jurisdiction.code
    started = list(receipt_rules(request))
    if request.expedited_processing == "requested":  # a decision already made owes no deadline
        started += rules.rules_triggered_by(code, "expedited_request")
    touched = _chains_started_or_recounted(
        request=request,
        source=Deadline.Source.RULE,
        started=started,
        trigger=request.received_on,
        event=event,
    )
    _other_kinds_replaced(request, source=Source.RULE)
    _estimates_replaced(request, on=request.received_on)
    return touched


def receipt_rules(request: RecordsRequest) -> tuple[rules.DeadlineRule, ...]:
    """The rules receipt starts for this kind of request: the kind's own where its law has any
    (Illinois: a commercial request, 5 ILCS 140/3.1; a recurrent requester's, 3.2, each
    "notwithstanding" the 5 business days of 3(d)), otherwise the plain receipt rules."""
    code = request.jurisdiction.code
    trigger = RECEIPT_TRIGGER_BY_KIND[RequestKind(request.request_kind)]
    return rules.rules_triggered_by(code, trigger) or rules.rules_triggered_by(code, "receipt")  # type: ignore[arg-type]


def _kind_rule_codes(request: RecordsRequest) -> set[str]:
    """Every rule some kind of request's receipt starts in this jurisdiction."""
    code = request.jurisdiction.code
    return {
        rule.code
        for trigger in RECEIPT_TRIGGER_BY_KIND.values()
        for rule in rules.rules_triggered_by(code, trigger)  # type: ignore[arg-type]
    }


KIND_CHANGED = "Now counted as: {kind}."
ACKNOWLEDGMENT_CLEARED = "Acknowledgment date cleared; nothing counts from it now."
RECEIPT_CLEARED = "Receipt date cleared; nothing counts from it now."


def _ended_by_kind_change(last: Deadline) -> bool:
    """Whether the last row of a chain ended for a reason that lets its rule start afresh: the
    kind of request changed (superseded by another chain's row, since nothing in a chain
    supersedes its own last row; or, as rows were before the kind's clock always replaced it,
    waived with the kind-change note), or the date that started it was cleared."""
    if last.status == Status.SUPERSEDED:
        return True
    return last.status == Status.WAIVED and (
        KIND_CHANGED.split("{")[0] in last.note
        or ACKNOWLEDGMENT_CLEARED in last.note
        or RECEIPT_CLEARED in last.note
    )


def _other_kinds_replaced(request: RecordsRequest, *, source: str) -> None:
    """The kind of request changed: the open deadlines (of ``source``: the clocks counted from
    receipt, or the estimates before it) of the former kind are superseded by the deadline of
    the kind it now is; the history keeps them, linked to what replaced them."""
    current = {rule.code for rule in receipt_rules(request)}
    stale = _kind_rule_codes(request) - current
    if not stale:
        return
    open_rows = list(
        Deadline.objects.select_for_update(of=("self",))
        .filter(request=request, source=source, status=Status.OPEN)
        .exclude(basis={})
        .order_by("-pk")
    )
    replacement = next((d for d in open_rows if rules.base_rule(d.basis) in current), None)
    note = KIND_CHANGED.format(kind=request.get_request_kind_display())
    for old in open_rows:
        if rules.base_rule(old.basis) not in stale:
            continue
        if replacement is not None:
            _supersede(old, replacement, note)
        else:  # the kind's own clock already ended (met, say): nothing replaces the former one
            old.status = Status.WAIVED
            old.note = noted(old.note, note)
            old.save(update_fields=["status", "note", "updated_at"])


# The explanation already opens with "Estimated: receipt not confirmed: counted from the filing
# date" (selectors.explanation_text); the note says only what follows from that.
ESTIMATE_NOTE = (
    "The statutory clock starts when the agency receives the request ({citation}); the date "
    "counted from receipt replaces this one when receipt is recorded."
)


def deadlines_on_filing(*, request: RecordsRequest) -> list[Deadline]:
    """Filed, receipt not known yet: the deadlines receipt would start, estimated from the filing
    date so that staff see a date at all. They are marked as estimates (``Source.ESTIMATE``), are
    no clock (tolling, extension and determination act on the clock counted from receipt), get
    no reminders, and are superseded by the deadlines counted from receipt once it is recorded
    (5 U.S.C. 552(a)(6)(A)(i): twenty working days "after the date of receipt"). A corrected
    filing date recounts them. The caller says whether the request is still pending."""
    if request.filed_on is None or request.received_on is not None:
        return []
    touched = _chains_started_or_recounted(
        request=request,
        source=Source.ESTIMATE,
        started=receipt_rules(request),
        trigger=request.filed_on,
        note_for=lambda rule: ESTIMATE_NOTE.format(citation=rule.citation),
    )
    # An estimate for another kind of request (the kind was corrected) no longer applies.
    _other_kinds_replaced(request, source=Source.ESTIMATE)
    return touched


def _estimates_replaced(request: RecordsRequest, *, on: datetime.date) -> None:
    """Receipt recorded: each open estimate is superseded by the deadline of its rule counted
    from receipt (waived if receipt started none, e.g. the rule no longer applies)."""
    estimates = list(
        Deadline.objects.select_for_update(of=("self",)).filter(
            request=request, source=Source.ESTIMATE, status=Status.OPEN
        )
    )
    if not estimates:
        return
    counted = {
        rules.base_rule(d.basis): d
        for d in Deadline.objects.filter(
            request=request, source=Source.RULE, status=Status.OPEN
        ).exclude(basis={})
    }
    # An estimate of another kind of request (the kind changed with receipt) is replaced by the
    # clock of the kind it now is.
    kind_clock = next(
        (counted[rule.code] for rule in receipt_rules(request) if rule.code in counted), None
    )
    for estimate in estimates:
        real = counted.get(rules.base_rule(estimate.basis))
        if real is None and rules.base_rule(estimate.basis) in _kind_rule_codes(request):
            real = kind_clock
        if real is not None:
            _supersede(estimate, real, f"Replaced by the date counted from receipt on {on}.")
        else:
            estimate.status = Status.WAIVED
            estimate.note = f"{estimate.note} Receipt recorded on {on}.".strip()
            estimate.save(update_fields=["status", "note", "updated_at"])


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
    cal = working_calendar("US")
    started = rules.counting_start("US", clock.basis, cal.closures)
    if on < started:
        raise ValidationError(
            {"on": f"The clock cannot stop before it was running (it started on {started})."}
        )
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
        "resume": {
            "on": iso_date(on),
            "paused_on": iso_date(clock.paused_on),
            "basis": clock.basis,
        },
        "rule": rules.base_rule(clock.basis),
    }
    resumed = _computed(
        record=request, jurisdiction=clock.jurisdiction, basis=basis, responsible=clock.responsible
    )
    _supersede(clock, resumed, f"Resumed on {on}.")
    return resumed


def _clock_to_extend(request: RecordsRequest) -> Deadline | None:
    """The clock an extension notice would extend (read without a lock, for checks)."""
    return (
        Deadline.objects.filter(request=request, status=Status.OPEN, rule__in=CLOCK_RULES)
        .exclude(source=Source.ESTIMATE)
        .select_related("jurisdiction")
        .order_by("-due_on", "-pk")
        .first()
    )


def extension_problem(request: RecordsRequest) -> str | None:
    """Why an extension notice cannot extend this request's clock now (None if it can)."""
    clock = _clock_to_extend(request)
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


def extension_notice_check(
    *, request: RecordsRequest, on: datetime.date, late_reason: str = ""
) -> None:
    """Refuse an extension notice that cannot extend this request's clock as dated.

    Besides `extension_problem`: a notice cannot be dated after today; and the agency takes the
    extension by written notice *before* the time limit expires (5 U.S.C. 552(a)(6)(B)(i); the
    California and Illinois extensions are likewise noticed within the time limit), so a notice
    dated after the deadline it extends is not taken silently: it is accepted only with the
    reason staff give for accepting it (`late_reason`), and a reason given for a notice that
    came in time is refused, since it would read as a late notice accepted. The
    errors name the timeline entry's fields (`occurred_on`, `late_reason`), which the admin's
    timeline rows and the API's event share.
    """
    problem = extension_problem(request)
    if problem:
        raise ValidationError(problem)
    today = organisation_today()
    if on > today:
        raise ValidationError({"occurred_on": f"A notice cannot be dated after today ({today})."})
    clock = _clock_to_extend(request)
    assert clock is not None
    reason = late_reason.strip()
    if on > clock.due_on and not reason:
        citation = _extension_citation(clock)
        raise ValidationError(
            {
                "late_reason": f"The notice is dated {on}, after the deadline it extends "
                f"({clock.due_on}), but an extension needs written notice before the time "
                f"limit expires ({citation}). To record the extension anyway, say why the late "
                f"notice is accepted."
            }
        )
    if on <= clock.due_on and reason:
        raise ValidationError(
            {
                "late_reason": f"The notice is dated {on}, on or before the deadline it extends "
                f"({clock.due_on}): it is not late, so leave the reason empty."
            }
        )


def _extension_citation(clock: Deadline) -> str:
    assert clock.jurisdiction is not None
    base_rule = rules.get_rule(clock.jurisdiction.code, rules.base_rule(clock.basis))
    return base_rule.extension_citation or base_rule.citation


def deadlines_extend(
    *, request: RecordsRequest, on: datetime.date, late_reason: str = ""
) -> Deadline:
    """An extension notice (federal: unusual circumstances) replaces the response deadline with
    one counted from its due date (552(a)(6)(B)(i); Cal. Gov. Code §7922.535; 5 ILCS 140/3(e)).

    A notice dated after the deadline it extends needs `late_reason` (`extension_notice_check`);
    the new deadline keeps it in its note."""
    extension_notice_check(request=request, on=on, late_reason=late_reason)
    clock = _open_clock(request)
    assert clock is not None
    assert clock.jurisdiction is not None
    note = ""
    if on > clock.due_on:
        note = f"Notice dated {on}, after the deadline it extends. " + rules.as_sentence(
            f"Accepted because: {late_reason.strip()}"
        )
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
    opens the appeal window (552(a)(6)(A)(i)(III)(aa)). Every open clock ends: in Texas the
    ruling request (§552.301(b)) and the submission to the Attorney General (§552.301(e)) run
    side by side, and a determination answers both."""
    while (clock := _open_clock(request)) is not None:
        _close(clock, on, f"Determined on {on}.")
    # An estimate was never a clock the agency could meet or miss: it owes nothing now.
    Deadline.objects.filter(request=request, source=Source.ESTIMATE, status=Status.OPEN).update(
        status=Status.WAIVED, note=note_appended(f"Determined on {on} before receipt was recorded.")
    )
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
                    basis={"rule": rule.code, "trigger": iso_date(on)},
                    responsible=request.owner,
                )
            )
    return opened


def deadlines_on_litigation(*, request: RecordsRequest, on: datetime.date) -> int:
    """Suing over a request whose clock ran out: the agency missed it (a missed deadline counts as
    exhausted remedies, 552(a)(6)(C)(i)). Returns how many deadlines were marked missed."""
    # The clocks overdue on the day the suit was filed.
    return (
        Deadline.objects.filter(overdue_q(today=on), request=request, rule__in=CLOCK_RULES)
        .exclude(source=Source.ESTIMATE)
        .update(
            status=Status.MISSED, note=note_appended(f"Not met when the suit was filed on {on}.")
        )
    )


def noted(note: str, text: str) -> str:
    """``note`` with the sentence ``text`` after it: staff's words may lack their full stop."""
    return f"{note} {rules.as_sentence(text)}".strip()


def note_appended(text: str) -> Any:
    """``noted`` as an UPDATE expression (the note in the row; a leading space is harmless)."""
    return Concat(F("note"), Value(f" {rules.as_sentence(text)}"), output_field=models.TextField())


def deadlines_waive_open(*, record: RecordsRequest | Lawsuit, reason: str) -> int:
    """A withdrawn or closed request (with its appeals), or a finished case, owes nothing more."""
    if isinstance(record, RecordsRequest):
        scope = Q(request=record) | Q(appeal__request=record)
    else:
        scope = Q(lawsuit=record)
    return Deadline.objects.filter(scope, status=Status.OPEN).update(
        status=Status.WAIVED, note=note_appended(reason)
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


def deadlines_on_acknowledgment(*, request: RecordsRequest, on: datetime.date) -> list[Deadline]:
    """An acknowledgment meets an acknowledgment deadline and starts what counts from it (New
    York, Public Officers Law §89(3)(a): acknowledged within five business days, then granted or
    denied by an approximate date that may not exceed twenty business days "from the date of the
    acknowledgment of the receipt of a request"). A corrected acknowledgment date recounts it."""
    for deadline in Deadline.objects.select_for_update(of=("self",)).filter(
        request=request, status=Status.OPEN, rule="acknowledgment"
    ):
        _close(deadline, on, "Acknowledged.")
    started = rules.rules_triggered_by(request.jurisdiction.code, "acknowledgment")
    if not started:
        return []
    return _chains_started_or_recounted(
        request=request, source=Source.RULE, started=started, trigger=on
    )


def deadlines_on_acknowledgment_cleared(*, request: RecordsRequest) -> int:
    """The acknowledgment date was cleared (entered in error): what counts from it (New York's
    twenty business days, POL §89(3)(a)) no longer runs and is withdrawn, waived with the reason;
    an acknowledgment entered again starts it afresh. Returns how many were withdrawn."""
    started = {
        rule.code for rule in rules.rules_triggered_by(request.jurisdiction.code, "acknowledgment")
    }
    return _withdrawn(request, started, ACKNOWLEDGMENT_CLEARED)


def deadlines_on_receipt_cleared(*, request: RecordsRequest) -> int:
    """The receipt date was cleared (entered in error): the clocks receipt started, of any kind
    of request, and the expedited decision no longer run and are withdrawn, waived with the
    reason. The caller estimates from filing again; a receipt entered again starts them afresh.
    Returns how many were withdrawn."""
    code = request.jurisdiction.code
    started = _kind_rule_codes(request) | {
        rule.code for rule in rules.rules_triggered_by(code, "expedited_request")
    }
    return _withdrawn(request, started, RECEIPT_CLEARED)


def _withdrawn(request: RecordsRequest, started: set[str], reason: str) -> int:
    withdrawn = 0
    for deadline in (
        Deadline.objects.select_for_update(of=("self",))
        .filter(request=request, status=Status.OPEN, source=Source.RULE)
        .exclude(basis={})
    ):
        if rules.base_rule(deadline.basis) in started:
            deadline.status = Status.WAIVED
            deadline.note = noted(deadline.note, reason)
            deadline.save(update_fields=["status", "note", "updated_at"])
            withdrawn += 1
    return withdrawn


def deadlines_on_expedition_decision(*, request: RecordsRequest, on: datetime.date) -> None:
    """The agency decided the request for expedited processing (552(a)(6)(E)(ii)(I)); if the
    request for expedition is withdrawn, its deadline is waived."""
    pending = Deadline.objects.select_for_update(of=("self",)).filter(
        request=request, status=Status.OPEN, rule="expedited_determination"
    )
    for deadline in pending:
        if request.expedited_processing == "not_requested":
            deadline.status = Status.WAIVED
            deadline.note = noted(deadline.note, "Expedited processing no longer requested.")
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


def lead_counsel(lawsuit: Lawsuit) -> User | None:
    """The suit's first counsel (the first added): the person a lawsuit deadline names as
    responsible. Reminders go to every counsel of the suit regardless (reminders.outbox)."""
    through = Lawsuit.counsel.through
    first = (
        through.objects.filter(lawsuit_id=lawsuit.pk).select_related("user").order_by("pk").first()
    )
    return first.user if first is not None else None


def deadlines_on_counsel_change(*, lawsuit: Lawsuit, previous_lead: User | None) -> int:
    """Counsel changed: the suit's open deadlines that name nobody, or name the former lead
    counsel who is no longer lead, now name the new lead. A person staff chose by hand for a
    deadline (anyone else) is left as they chose. Returns how many deadlines changed hands."""
    lead = lead_counsel(lawsuit)
    if lead is None:
        return 0
    named = Q(responsible__isnull=True)
    if previous_lead is not None and previous_lead.pk != lead.pk:
        named |= Q(responsible=previous_lead)
    return (
        Deadline.objects.filter(named, lawsuit=lawsuit, status=Status.OPEN)
        .exclude(responsible=lead)
        .update(responsible=lead)
    )


def deadlines_on_service(*, lawsuit: Lawsuit) -> list[Deadline]:
    """The complaint was served: the agency's answer is due in 30 days (552(a)(4)(C))."""
    assert lawsuit.served_on is not None
    Lawsuit.objects.select_for_update().filter(pk=lawsuit.pk).first()  # one answer per service
    deadline = _start_or_recount(
        record=lawsuit,
        jurisdiction=Jurisdiction.objects.get(code="US"),
        rule="foia_answer",
        trigger=lawsuit.served_on,
        responsible=lead_counsel(lawsuit),
    )
    return [deadline] if deadline else []


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
        locked.note = noted(locked.note, note)
        locked.save(update_fields=["status", "note", "updated_at"])
    elif status in (Status.MET, Status.MISSED):
        if on is None:
            raise ValidationError({"on": "Say on which date it was met."})
        _close(locked, on, note)
    else:
        raise ValidationError({"status": f"Deadlines can be marked met or waived, not {status}."})
    return locked


# --- Recomputation ------------------------------------------------------------------------------
