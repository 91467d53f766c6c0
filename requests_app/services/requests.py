"""Writes to records requests: filing, receipt, acknowledgment, tolling, extension, determination,
owner and tracking numbers, and the edits the admin and the API make.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from core.today import organisation_today
from requests_app.deadlines import hooks
from requests_app.models import (
    Agency,
    ProcessingChoice,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)
from requests_app.services import timeline
from requests_app.workflow import (
    ADVERSE,
    DETERMINED,
    PENDING,
    TERMINAL,
    RequestStatus,
    TransitionNotAllowed,
    check_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any

Kind = RequestEvent.Kind
Direction = RequestEvent.Direction
S = RequestStatus

# The date field that a move into a state fills in, when it is still empty.
DATE_SET_BY_STATUS: dict[str, str] = {
    S.SUBMITTED: "filed_on",
    S.ACKNOWLEDGED: "acknowledged_on",
    S.PARTIALLY_RELEASED: "determined_on",
    S.RELEASED_IN_FULL: "determined_on",
    S.DENIED: "determined_on",
    S.NO_RECORDS: "determined_on",
    S.WITHDRAWN: "closed_on",
    S.CLOSED: "closed_on",
}


def locked_request(request: RecordsRequest) -> RecordsRequest:
    """Re-read the request under a row lock, so two status changes cannot interleave."""
    return (
        RecordsRequest.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=request.pk)
    )


def validated_save(instance: Any, *, by: User | None) -> None:
    instance.full_clean()
    if by is not None:
        instance._history_user = by
    instance.save()


@transaction.atomic
def request_create(
    *,
    title: str,
    records_sought: str,
    agency: Agency,
    owner: User,
    jurisdiction_id: int | None = None,
    assigned_staff: Iterable[User] = (),
    topics: Iterable[Any] = (),
    received_on: datetime.date | None = None,
    by: User | None = None,
    **fields: Any,
) -> RecordsRequest:
    """Log a new request. The law defaults to the agency's own jurisdiction.

    A receipt date starts the agency's clock in the same transaction. It is checked with the
    other fields before anything is written, so a refused date leaves no request behind and a
    corrected retry does not log a second one.
    """
    request = RecordsRequest(
        title=title,
        records_sought=records_sought,
        agency=agency,
        owner=owner,
        jurisdiction_id=jurisdiction_id or agency.jurisdiction_id,
        received_on=received_on,
        **fields,
    )
    try:
        validated_save(request, by=by)
    except ValidationError as exc:
        raise _receipt_error_named(exc) from None
    request.assigned_staff.set(list(assigned_staff))
    request.topics.set(list(topics))
    request_log_created(request=request, by=by)
    if request.received_on:
        hooks.deadlines_on_receipt(request=request)
    elif request.status in PENDING:
        hooks.deadlines_on_filing(request=request)
    return request


def _receipt_error_named(exc: ValidationError) -> ValidationError:
    """The date-order constraint reports a receipt before filing against the whole request; put
    its message on `received_on`, so the caller is told which date to correct."""
    constraint = next(
        c for c in RecordsRequest._meta.constraints if c.name == "request_received_not_before_filed"
    )
    message = str(constraint.get_violation_error_message())
    errors = exc.message_dict if hasattr(exc, "error_dict") else {}
    if message not in errors.get(NON_FIELD_ERRORS, []):
        return exc
    named = {field: messages for field, messages in errors.items() if field != NON_FIELD_ERRORS}
    named.setdefault("received_on", []).append(message)
    rest = [m for m in errors[NON_FIELD_ERRORS] if m != message]
    if rest:
        named[NON_FIELD_ERRORS] = rest
    return ValidationError(named)


def request_log_created(*, request: RecordsRequest, by: User | None = None) -> None:
    """Start the timeline of a request just logged (in the admin or through request_create)."""
    if request.filed_on:
        timeline.request_sent(request=request, on=request.filed_on, by=by)
    if request.status != S.DRAFT:
        timeline.request_logged(request=request, on=request.filed_on or organisation_today(), by=by)


def request_check_move(*, request: RecordsRequest, from_status: str, to_status: str) -> None:
    """Raise TransitionNotAllowed unless the request may move from `from_status` to `to_status`:
    the move must be one the workflow allows, and a request goes into litigation only with a
    lawsuit that covers it (`lawsuit_add_requests` adds it to the suit first, then moves it), so
    that the litigation status never stands without its case."""
    check_transition(from_status, to_status)
    if to_status == S.IN_LITIGATION and not request.lawsuits.exists():
        raise TransitionNotAllowed(
            from_status,
            to_status,
            reason="no lawsuit covers it. Add the request to a lawsuit instead (filing or "
            "editing the lawsuit), which moves it into litigation.",
        )


@transaction.atomic
def request_transition(
    *,
    request: RecordsRequest,
    to_status: str,
    on: datetime.date,
    by: User | None = None,
    text: str = "",
    toll_reason: str = Kind.CLARIFICATION_REQUESTED,
) -> RecordsRequest:
    """Move a request to another status, if the workflow allows it, and record it in the timeline.

    The date field that belongs to the new state (filed, acknowledged, determined, closed) is set
    to `on` when it is still empty; a date already entered by staff is kept. The deadlines follow
    the move: tolling stops the federal clock and resuming restarts it, a determination meets the
    response deadline and, if adverse, opens the appeal window; withdrawing or closing waives what
    is still open.
    """
    locked = locked_request(request)
    current = locked.status
    request_check_move(request=locked, from_status=current, to_status=to_status)
    locked.status = to_status
    date_field = DATE_SET_BY_STATUS.get(to_status)
    determining = to_status in DETERMINED and current not in DETERMINED
    if date_field and (getattr(locked, date_field) is None or determining):
        # A new determination (after a remand, say) is dated by this move, not by the last one.
        setattr(locked, date_field, on)
    validated_save(locked, by=by)
    clock = ""
    resumed_due_on = None
    if to_status == S.TOLLED:
        clock = hooks.deadlines_toll(request=locked, on=on, reason=toll_reason)
    elif current == S.TOLLED and to_status in PENDING:
        resumed = hooks.deadlines_resume(request=locked, on=on)
        if resumed is not None:
            resumed_due_on = resumed.due_on
    if to_status == S.SUBMITTED:
        # Filed with no receipt yet: a deadline estimated from filing until receipt is known.
        hooks.deadlines_on_filing(request=locked)
    if to_status == S.ACKNOWLEDGED:
        hooks.deadlines_on_acknowledgment(request=locked, on=locked.acknowledged_on or on)
    if determining:
        hooks.deadlines_on_determination(request=locked, on=on, adverse=to_status in ADVERSE)
    if to_status in TERMINAL:
        hooks.deadlines_waive_open(
            record=locked, reason=f"Request {S(to_status).label.lower()} on {on}."
        )
    timeline.status_changed(
        request=locked,
        from_status=current,
        to_status=to_status,
        on=on,
        by=by,
        text=text,
        clock=clock,
        resumed_due_on=resumed_due_on,
    )
    _refresh(request, locked)
    return request


def _refresh(stale: RecordsRequest, fresh: RecordsRequest) -> None:
    """Copy the saved state back onto the caller's instance."""
    for field in RecordsRequest._meta.concrete_fields:
        setattr(stale, field.attname, getattr(fresh, field.attname))


@transaction.atomic
def request_submit(
    *, request: RecordsRequest, filed_on: datetime.date, by: User | None = None
) -> RecordsRequest:
    """The request has been sent to the agency."""
    locked = locked_request(request)
    locked.filed_on = filed_on
    validated_save(locked, by=by)
    timeline.request_sent(request=locked, on=filed_on, by=by)
    return request_transition(request=request, to_status=S.SUBMITTED, on=filed_on, by=by)


@transaction.atomic
def request_record_receipt(
    *, request: RecordsRequest, received_on: datetime.date, by: User | None = None
) -> RecordsRequest:
    """The date the agency received the request: it starts the agency's clock.

    Correcting the date recounts the deadlines it started.
    """
    locked = locked_request(request)
    locked.received_on = received_on
    validated_save(locked, by=by)
    hooks.deadlines_on_receipt(request=locked)
    _refresh(request, locked)
    return request


@transaction.atomic
def request_acknowledge(
    *,
    request: RecordsRequest,
    acknowledged_on: datetime.date,
    tracking_number: str = "",
    by: User | None = None,
) -> RecordsRequest:
    """The agency acknowledged the request, perhaps with a tracking number."""
    locked = locked_request(request)
    check_transition(locked.status, S.ACKNOWLEDGED)
    locked.acknowledged_on = acknowledged_on
    validated_save(locked, by=by)
    timeline.acknowledged(request=locked, on=acknowledged_on, by=by)
    if tracking_number:
        tracking_number_assign(
            request=locked, number=tracking_number, assigned_on=acknowledged_on, by=by
        )
    return request_transition(request=request, to_status=S.ACKNOWLEDGED, on=acknowledged_on, by=by)


def requests_acknowledge(
    *, requests: Sequence[RecordsRequest], acknowledged_on: datetime.date, by: User | None = None
) -> tuple[list[RecordsRequest], list[tuple[RecordsRequest, str]]]:
    """Acknowledge several requests at once; each is its own transaction.

    Returns (acknowledged, refused) where refused pairs a request with the reason, so a bulk
    action can say exactly which ones were left alone and why.
    """
    done: list[RecordsRequest] = []
    refused: list[tuple[RecordsRequest, str]] = []
    for request in requests:
        try:
            request_acknowledge(request=request, acknowledged_on=acknowledged_on, by=by)
        except (TransitionNotAllowed, ValidationError) as exc:
            refused.append((request, _message(exc)))
        else:
            done.append(request)
    return done, refused


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@transaction.atomic
def requests_assign_owner(
    *, requests: Iterable[RecordsRequest], owner: User, by: User | None = None
) -> int:
    """Make `owner` responsible for each request; returns how many changed hands."""
    changed = 0
    for request in requests:
        locked = locked_request(request)
        if locked.owner_id == owner.pk:
            continue
        previous = locked.owner
        locked.owner = owner
        validated_save(locked, by=by)
        timeline.owner_changed(
            request=locked, previous=previous, owner=owner, on=organisation_today(), by=by
        )
        changed += 1
    return changed


@transaction.atomic
def tracking_number_assign(
    *,
    request: RecordsRequest,
    number: str,
    assigned_on: datetime.date,
    agency: Agency | None = None,
    note: str = "",
    by: User | None = None,
) -> TrackingNumber:
    """Record a tracking number the agency gave the request (kept with its history)."""
    number = number.strip()
    if not number:
        raise ValidationError({"number": "A tracking number cannot be blank."})
    tracking = TrackingNumber(
        request=request,
        agency=agency or request.agency,
        number=number,
        assigned_on=assigned_on,
        note=note,
    )
    validated_save(tracking, by=by)
    timeline.tracking_number_assigned(tracking=tracking, by=by)
    return tracking


@transaction.atomic
def request_record_determination(
    *,
    request: RecordsRequest,
    outcome: str,
    determined_on: datetime.date,
    text: str = "",
    by: User | None = None,
) -> RecordsRequest:
    """The agency's determination: released in full or in part, denied, or no records."""
    if outcome not in DETERMINED:
        raise ValidationError(
            {
                "outcome": f"“{outcome}” is not a determination; choose one of "
                + ", ".join(sorted(DETERMINED))
                + "."
            }
        )
    locked = locked_request(request)
    check_transition(locked.status, outcome)
    locked.determined_on = determined_on
    validated_save(locked, by=by)
    timeline.determination_recorded(
        request=locked, outcome=outcome, on=determined_on, text=text, by=by
    )
    return request_transition(request=request, to_status=outcome, on=determined_on, by=by)


@transaction.atomic
def request_toll(
    *,
    request: RecordsRequest,
    on: datetime.date,
    reason: str = Kind.CLARIFICATION_REQUESTED,
    text: str = "",
    by: User | None = None,
) -> RecordsRequest:
    """The agency asked us for clarification or about fees: its clock stops (552(a)(6)(A)(ii)).

    The agency may stop a federal clock only once to ask for information; a second information
    request is logged, but the request keeps its status and its clock keeps running.
    """
    if reason not in (Kind.CLARIFICATION_REQUESTED, Kind.FEE_NOTICE):
        raise ValidationError(
            {"reason": "Tolling follows a clarification request or a fee notice."}
        )
    locked = locked_request(request)
    letter = (
        timeline.clarification_requested
        if reason == Kind.CLARIFICATION_REQUESTED
        else timeline.fee_notice_received
    )
    letter(request=locked, on=on, text=text, by=by)
    already_stopped_once = (
        reason == Kind.CLARIFICATION_REQUESTED
        and locked.jurisdiction.code == "US"
        and hooks.information_toll_used(locked)
    )
    if already_stopped_once:
        timeline.clock_kept_running(request=locked, on=on, by=by)
        return request
    return request_transition(request=request, to_status=S.TOLLED, on=on, by=by, toll_reason=reason)


@transaction.atomic
def request_resume(
    *, request: RecordsRequest, on: datetime.date, text: str = "", by: User | None = None
) -> RecordsRequest:
    """Our reply reached the agency: the clock runs again from the state it was tolled in."""
    locked = locked_request(request)
    if locked.status != S.TOLLED:
        raise TransitionNotAllowed(locked.status, S.PROCESSING)
    tolled_from = (
        locked.events.filter(kind=Kind.STATUS_CHANGED, to_status=S.TOLLED)
        .order_by("-occurred_on", "-pk")
        .values_list("from_status", flat=True)
        .first()
    ) or S.PROCESSING
    timeline.clarification_answered(request=locked, on=on, text=text, by=by)
    return request_transition(request=request, to_status=tolled_from, on=on, by=by)


@transaction.atomic
def request_record_expedition(
    *, request: RecordsRequest, decision: str, on: datetime.date, by: User | None = None
) -> RecordsRequest:
    """The agency granted or denied expedited processing (or we withdrew the request for it):
    the 10-day decision deadline is met, missed or waived (552(a)(6)(E)(ii)(I))."""
    locked = locked_request(request)
    locked.expedited_processing = decision
    validated_save(locked, by=by)
    hooks.deadlines_on_expedition_decision(request=locked, on=on)
    if decision in ("granted", "denied"):
        timeline.expedited_processing_decided(request=locked, decision=decision, on=on, by=by)
    _refresh(request, locked)
    return request


def request_sync_deadlines(*, request: RecordsRequest) -> None:
    """Bring the deadlines of a request logged after the fact in line with its status: one
    already determined has its clock met or missed (and, if adverse, an appeal window); one
    already withdrawn or closed owes nothing."""
    if request.acknowledged_on:
        hooks.deadlines_on_acknowledgment(request=request, on=request.acknowledged_on)
    if request.status in DETERMINED and request.determined_on:
        hooks.deadlines_on_determination(
            request=request, on=request.determined_on, adverse=request.status in ADVERSE
        )
    if request.status in TERMINAL:
        hooks.deadlines_waive_open(record=request, reason="Logged as finished.")


@transaction.atomic
def request_record_extension(
    *,
    request: RecordsRequest,
    on: datetime.date,
    text: str = "",
    late_reason: str = "",
    by: User | None = None,
) -> RecordsRequest:
    """An extension notice (federal: unusual circumstances, 552(a)(6)(B)(i)) moves the response
    deadline; the old one stays as history, superseded by the new.

    The notice cannot be dated after today. One dated after the deadline it extends came too late
    (the statute asks for written notice before the time limit expires): it is recorded only with
    `late_reason`, staff's reason for accepting it, which the timeline entry keeps
    (`hooks.extension_notice_check` says what is refused, naming the field)."""
    locked = locked_request(request)
    late_reason = late_reason.strip()
    extended = hooks.deadlines_extend(request=locked, on=on, late_reason=late_reason)
    timeline.extension_noticed(
        request=locked, on=on, extended=extended, text=text, late_reason=late_reason, by=by
    )
    return request


# --- Edits made in the admin ------------------------------------------------------------------


def request_apply_edits(
    *,
    request: RecordsRequest,
    changed: Collection[str],
    created: bool,
    to_status: str | None,
    by: User | None = None,
) -> None:
    """What follows from a request form saved with these fields changed (the row itself is
    saved already, with its previous status): the timeline, the deadlines, the status move."""
    if created:
        request_log_created(request=request, by=by)
    if request.received_on and ("received_on" in changed or "request_kind" in changed):
        # Receipt starts the agency's clock; a corrected date recounts it, and a commercial or
        # recurrent request has a clock of its own (5 ILCS 140/3.1, 3.2).
        request_record_receipt(request=request, received_on=request.received_on, by=by)
    if not created and "received_on" in changed and not request.received_on:
        # Cleared: the clocks it started are withdrawn (estimated from filing again below).
        hooks.deadlines_on_receipt_cleared(request=request)
    if not created and "expedited_processing" in changed:
        if request.expedited_processing == ProcessingChoice.REQUESTED and request.received_on:
            request_record_receipt(request=request, received_on=request.received_on, by=by)
        else:
            request_record_expedition(
                request=request,
                decision=request.expedited_processing,
                on=organisation_today(),
                by=by,
            )
    if to_status is not None:
        date_field = DATE_SET_BY_STATUS.get(to_status)
        on = organisation_today()
        if date_field and date_field in changed and getattr(request, date_field):
            on = getattr(request, date_field)  # the date staff typed with the move
        request_transition(request=request, to_status=to_status, on=on, by=by)
    elif not created and "determined_on" in changed and request.determined_on:
        hooks.deadlines_on_determination_date(request=request)
    if (
        not created
        and to_status is None
        and "acknowledged_on" in changed
        and request.acknowledged_on
        and request.status not in DETERMINED
    ):
        # A corrected acknowledgment date recounts what counts from it (POL §89(3)(a)).
        hooks.deadlines_on_acknowledgment(request=request, on=request.acknowledged_on)
    if not created and "acknowledged_on" in changed and not request.acknowledged_on:
        # Cleared: what counted from it is withdrawn.
        hooks.deadlines_on_acknowledgment_cleared(request=request)
    if (created or {"filed_on", "request_kind", "received_on"} & set(changed)) and (
        request.status in PENDING and not request.received_on
    ):
        # Estimated from filing (or recounted from a corrected filing date) until receipt.
        hooks.deadlines_on_filing(request=request)
    if created:
        request_sync_deadlines(request=request)


def late_reason_check(*, kind: str, late_reason: str) -> None:
    """Only an extension notice can be late in the statute's sense (552(a)(6)(B)(i)); a reason for
    accepting a late letter of any other kind would be recorded nowhere, so it is refused."""
    if late_reason.strip() and kind != Kind.EXTENSION_NOTICE:
        raise ValidationError(
            {
                "late_reason": "Only an extension notice dated after the deadline it extends "
                "takes a reason for accepting it; leave this empty."
            }
        )


def request_log_letter(
    *,
    request: RecordsRequest,
    kind: str,
    on: datetime.date,
    text: str = "",
    late_reason: str = "",
    by: User | None = None,
) -> RecordsRequest:
    """A letter that moves the clock, logged in the timeline: a clarification request or fee
    notice stops it, our answer restarts it, an extension notice extends it (`late_reason`: why
    a notice dated after the deadline it extends is accepted; only extension notices take one)."""
    late_reason_check(kind=kind, late_reason=late_reason)
    if kind in (Kind.CLARIFICATION_REQUESTED, Kind.FEE_NOTICE):
        return request_toll(request=request, on=on, reason=kind, text=text, by=by)
    if kind == Kind.CLARIFICATION_ANSWERED:
        return request_resume(request=request, on=on, text=text, by=by)
    if kind == Kind.EXTENSION_NOTICE:
        return request_record_extension(
            request=request, on=on, text=text, late_reason=late_reason, by=by
        )
    raise ValidationError({"kind": f"“{kind}” does not move the clock."})


# --- Edits made through the API -----------------------------------------------------------------

#: The plain fields of a request the API may change; everything else follows from services.
REQUEST_EDITABLE = frozenset(
    {
        "title",
        "records_sought",
        "owner",
        "filed_on",
        "received_on",
        "acknowledged_on",
        "determined_on",
        "expedited_processing",
        "request_kind",
        "fee_waiver",
        "fees_estimated",
        "fees_paid",
    }
)


@transaction.atomic
def request_update(
    *,
    request: RecordsRequest,
    changes: dict[str, Any],
    topics: Iterable[Any] | None = None,
    assigned_staff: Iterable[User] | None = None,
    to_status: str | None = None,
    by: User | None = None,
) -> RecordsRequest:
    """Edit a request as the admin form does: the plain fields are saved, then
    `request_apply_edits` does what follows (timeline, deadlines, and the status move through
    the workflow, checked under a row lock)."""
    unknown = set(changes) - REQUEST_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    locked = locked_request(request)
    changed = {name for name, value in changes.items() if getattr(locked, name) != value}
    for name, value in changes.items():
        setattr(locked, name, value)
    validated_save(locked, by=by)
    if topics is not None:
        locked.topics.set(list(topics))
    if assigned_staff is not None:
        locked.assigned_staff.set(list(assigned_staff))
    moving = to_status is not None and to_status != locked.status
    request_apply_edits(
        request=locked,
        changed=changed,
        created=False,
        to_status=to_status if moving else None,
        by=by,
    )
    locked.refresh_from_db()
    _refresh(request, locked)
    return request


def request_log_note(
    *,
    request: RecordsRequest,
    on: datetime.date,
    text: str,
    direction: str = Direction.INTERNAL,
    by: User | None = None,
) -> RequestEvent:
    """A note in the timeline (a call, an email) that moves neither status nor clock."""
    if not text.strip():
        raise ValidationError({"text": "A note needs some text."})
    return timeline.note_added(request=request, on=on, text=text, direction=direction, by=by)


def request_log_entry(
    *,
    request: RecordsRequest,
    kind: str,
    on: datetime.date,
    direction: str,
    text: str,
    by: User | None = None,
) -> RequestEvent:
    """An entry staff type into the timeline by hand (the admin's timeline rows), in their own
    words. It moves nothing: a status change goes through the workflow and a letter that stops,
    restarts or extends the clock through `request_log_letter`."""
    if kind in timeline.NOT_BY_HAND:
        raise ValidationError(
            {"kind": f"A “{Kind(kind).label}” entry cannot be typed in; its service writes it."}
        )
    return timeline.entry_logged(
        request=request, kind=kind, on=on, direction=direction, text=text, by=by
    )
