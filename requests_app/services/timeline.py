"""The request's timeline: every entry is written here, by the writer named for its event.

Each writer owns its wording, so an entry of a kind reads the same whichever door (admin, API,
command) it came through; the services decide *when* an event happened and call its writer.
The dashboard and the tests read these texts: change one here, on purpose, or not at all.

Kind (`RequestEvent.Kind`)    writer
---------------------------   ------------------------------------------------------------------
sent                          request_sent
acknowledged                  acknowledged
tracking_number               tracking_number_assigned
clarification_requested       clarification_requested
clarification_answered        clarification_answered
fee_notice                    fee_notice_received
extension_notice              extension_noticed
interim_release               interim_release_received
determination                 determination_recorded
appeal_filed                  appeal_filed
appeal_decided                appeal_decided
lawsuit_filed                 lawsuit_filed
status_changed                status_changed (a move through the workflow), request_logged (a
                              request logged already past draft)
note                          note_added (staff's words), owner_changed, clock_kept_running,
                              expedited_processing_decided

`entry_logged` writes an entry staff type into the admin's timeline by hand, in their own words;
it refuses the kinds that must move the status or the clock (those go through their services).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from requests_app.models import (
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)
from requests_app.workflow import RequestStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any

Kind = RequestEvent.Kind
Direction = RequestEvent.Direction
S = RequestStatus

#: Kinds an entry typed by hand may not have: a status change is written by the workflow, and
#: these letters stop, restart or extend the clock, so their services must write them.
NOT_BY_HAND = frozenset(
    {
        Kind.STATUS_CHANGED,
        Kind.CLARIFICATION_REQUESTED,
        Kind.FEE_NOTICE,
        Kind.CLARIFICATION_ANSWERED,
        Kind.EXTENSION_NOTICE,
    }
)


def _write(
    *,
    request: RecordsRequest,
    kind: str,
    on: datetime.date,
    direction: str,
    text: str,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        occurred_on=on,
        direction=direction,
        text=text,
        from_status=from_status,
        to_status=to_status,
        created_by=by if by is not None and by.is_authenticated else None,
    )


# --- The request and its status ------------------------------------------------------------------


def request_sent(
    *, request: RecordsRequest, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """We sent the request to its agency."""
    return _write(
        request=request,
        kind=Kind.SENT,
        on=on,
        direction=Direction.TO_AGENCY,
        text=f"Request sent to {request.agency}.",
        by=by,
    )


def request_logged(
    *, request: RecordsRequest, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """A request logged after the fact, already in its current status (no move to record)."""
    return _write(
        request=request,
        kind=Kind.STATUS_CHANGED,
        on=on,
        direction=Direction.INTERNAL,
        text=f"Logged as “{request.get_status_display()}”.",
        to_status=request.status,
        by=by,
    )


def status_changed(
    *,
    request: RecordsRequest,
    from_status: str,
    to_status: str,
    on: datetime.date,
    by: User | None = None,
    text: str = "",
    clock: str = "",
    resumed_due_on: datetime.date | None = None,
) -> RequestEvent:
    """A move through the workflow. `text` is staff's own summary of it (else the two states are
    named); `clock` is what stopping the clock did, as the deadline hooks put it;
    `resumed_due_on` is the response deadline's new date when the move restarted the clock."""
    summary = text or f"Status changed from “{S(from_status).label}” to “{S(to_status).label}”."
    if resumed_due_on is not None:
        clock = f"Clock resumed: due {resumed_due_on}."
    return _write(
        request=request,
        kind=Kind.STATUS_CHANGED,
        on=on,
        direction=Direction.INTERNAL,
        text=f"{summary} {clock}".strip(),
        from_status=from_status,
        to_status=to_status,
        by=by,
    )


# --- Letters from and to the agency ---------------------------------------------------------------


def acknowledged(
    *, request: RecordsRequest, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """The agency acknowledged the request."""
    return _write(
        request=request,
        kind=Kind.ACKNOWLEDGED,
        on=on,
        direction=Direction.FROM_AGENCY,
        text="Agency acknowledged the request.",
        by=by,
    )


def tracking_number_assigned(*, tracking: TrackingNumber, by: User | None = None) -> RequestEvent:
    """An agency gave the request a tracking number (on the day it did, with staff's note)."""
    note = f" {tracking.note}" if tracking.note else ""
    return _write(
        request=tracking.request,
        kind=Kind.TRACKING_NUMBER,
        on=tracking.assigned_on,
        direction=Direction.FROM_AGENCY,
        text=f"Tracking number {tracking.number} assigned by {tracking.agency}.{note}",
        by=by,
    )


def clarification_requested(
    *, request: RecordsRequest, on: datetime.date, text: str = "", by: User | None = None
) -> RequestEvent:
    """The agency asked us to clarify the request; `text` is staff's summary of the letter."""
    return _write(
        request=request,
        kind=Kind.CLARIFICATION_REQUESTED,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=text,
        by=by,
    )


def fee_notice_received(
    *, request: RecordsRequest, on: datetime.date, text: str = "", by: User | None = None
) -> RequestEvent:
    """The agency wrote to us about fees; `text` is staff's summary of the letter."""
    return _write(
        request=request,
        kind=Kind.FEE_NOTICE,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=text,
        by=by,
    )


def clarification_answered(
    *, request: RecordsRequest, on: datetime.date, text: str = "", by: User | None = None
) -> RequestEvent:
    """Our answer reached the agency; `text` is staff's summary of it."""
    return _write(
        request=request,
        kind=Kind.CLARIFICATION_ANSWERED,
        on=on,
        direction=Direction.TO_AGENCY,
        text=text,
        by=by,
    )


def extension_noticed(
    *,
    request: RecordsRequest,
    on: datetime.date,
    extended: Deadline,
    text: str = "",
    late_reason: str = "",
    by: User | None = None,
) -> RequestEvent:
    """The agency took an extension; `extended` is the response deadline it moved to, `text`
    staff's summary of the notice. `late_reason` is given only for a notice dated after the
    deadline it extends: why staff accepted it all the same."""
    written = f"{text} Response now due {extended.due_on} ({extended.citation})."
    if late_reason:
        written += f" Late notice (dated after the deadline it extends), accepted: {late_reason}"
    return _write(
        request=request,
        kind=Kind.EXTENSION_NOTICE,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=written.strip(),
        by=by,
    )


def interim_release_received(
    *, request: RecordsRequest, on: datetime.date, text: str, by: User | None = None
) -> RequestEvent:
    """The agency released part of the records before its determination; `text` says what."""
    return _write(
        request=request,
        kind=Kind.INTERIM_RELEASE,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=text,
        by=by,
    )


def determination_recorded(
    *,
    request: RecordsRequest,
    outcome: str,
    on: datetime.date,
    text: str = "",
    by: User | None = None,
) -> RequestEvent:
    """The agency's determination; `text` is staff's summary of the letter (else the outcome)."""
    return _write(
        request=request,
        kind=Kind.DETERMINATION,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=text or f"Determination: {S(outcome).label}.",
        by=by,
    )


# --- Appeals and lawsuits -------------------------------------------------------------------------


def appeal_filed(*, appeal: Appeal, by: User | None = None) -> RequestEvent:
    """We appealed the determination (on the appeal's filing date)."""
    number = f" ({appeal.tracking_number})" if appeal.tracking_number else ""
    return _write(
        request=appeal.request,
        kind=Kind.APPEAL_FILED,
        on=appeal.filed_on,
        direction=Direction.TO_AGENCY,
        text=f"Administrative appeal filed{number}.",
        by=by,
    )


def appeal_decided(*, appeal: Appeal, by: User | None = None) -> RequestEvent:
    """The agency decided the appeal (on its decision date, with its outcome)."""
    assert appeal.decided_on is not None
    return _write(
        request=appeal.request,
        kind=Kind.APPEAL_DECIDED,
        on=appeal.decided_on,
        direction=Direction.FROM_AGENCY,
        text=f"Appeal decided: {appeal.get_outcome_display()}.",
        by=by,
    )


def lawsuit_filed(
    *, request: RecordsRequest, lawsuit: Lawsuit, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """The request is covered by a lawsuit (filed on `on`, or brought under it that day)."""
    return _write(
        request=request,
        kind=Kind.LAWSUIT_FILED,
        on=on,
        direction=Direction.INTERNAL,
        text=f"Covered by {lawsuit}, {lawsuit.court}.",
        by=by,
    )


# --- Notes ---------------------------------------------------------------------------------------


def note_added(
    *,
    request: RecordsRequest,
    on: datetime.date,
    text: str,
    direction: str = Direction.INTERNAL,
    by: User | None = None,
) -> RequestEvent:
    """A note in staff's words (a call, an email) that moves neither status nor clock."""
    return _write(request=request, kind=Kind.NOTE, on=on, direction=direction, text=text, by=by)


def owner_changed(
    *,
    request: RecordsRequest,
    previous: User,
    owner: User,
    on: datetime.date,
    by: User | None = None,
) -> RequestEvent:
    """Someone else is now responsible for the request."""
    return _write(
        request=request,
        kind=Kind.NOTE,
        on=on,
        direction=Direction.INTERNAL,
        text=f"Owner changed from {previous} to {owner}.",
        by=by,
    )


def clock_kept_running(
    *, request: RecordsRequest, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """A second request for information did not stop the federal clock."""
    return _write(
        request=request,
        kind=Kind.NOTE,
        on=on,
        direction=Direction.INTERNAL,
        text="The clock keeps running: the agency may stop it only once to ask for "
        "information (5 U.S.C. 552(a)(6)(A)(ii)(I)).",
        by=by,
    )


def expedited_processing_decided(
    *, request: RecordsRequest, decision: str, on: datetime.date, by: User | None = None
) -> RequestEvent:
    """The agency granted or denied expedited processing (`decision`: "granted" or "denied")."""
    return _write(
        request=request,
        kind=Kind.NOTE,
        on=on,
        direction=Direction.FROM_AGENCY,
        text=f"Expedited processing {decision}.",
        by=by,
    )


# --- Entries typed by hand -----------------------------------------------------------------------


def entry_logged(
    *,
    request: RecordsRequest,
    kind: str,
    on: datetime.date,
    direction: str,
    text: str,
    by: User | None = None,
) -> RequestEvent:
    """An entry staff typed into the timeline themselves: their kind, direction and words. It
    moves nothing, so it may not be a status change or a letter that moves the clock."""
    if kind in NOT_BY_HAND:
        raise ValueError(f"A “{Kind(kind).label}” entry is written by its service, not by hand.")
    return _write(request=request, kind=kind, on=on, direction=direction, text=text, by=by)
