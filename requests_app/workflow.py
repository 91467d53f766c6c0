"""The status workflow of a records request: every state and every allowed move, in one place.

The shape follows the life of a FOIA request: it is drafted, sent, acknowledged and processed; the
clock may be tolled while the agency waits on us and then resumes; the agency determines it
(records released in full or in part, denied, or no records found); an adverse determination may be
appealed and the appeal decided; at almost any point after submission the request may go to court
(5 U.S.C. 552(a)(6)(C)(i) treats a missed deadline as exhausted remedies); and it ends withdrawn or
closed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROCESSING = "processing", _("Processing")
    TOLLED = "tolled", _("Tolled (waiting on us)")
    PARTIALLY_RELEASED = "partially_released", _("Partially released")
    RELEASED_IN_FULL = "released_in_full", _("Released in full")
    DENIED = "denied", _("Denied")
    NO_RECORDS = "no_records", _("No records")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPEALED = "appealed", _("Appealed")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    IN_LITIGATION = "in_litigation", _("In litigation")
    CLOSED = "closed", _("Closed")


S = RequestStatus

# Determinations an agency may make; the adverse ones can be appealed.
DETERMINED = frozenset({S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL, S.DENIED, S.NO_RECORDS})
ADVERSE = frozenset({S.PARTIALLY_RELEASED, S.DENIED, S.NO_RECORDS})
# While pending, the agency's clock runs (or is tolled); these are the states tolling returns to.
PENDING = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.PROCESSING})
TERMINAL = frozenset({S.WITHDRAWN, S.CLOSED})

_OUTCOMES = {S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL, S.DENIED, S.NO_RECORDS}

TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset(
        {S.ACKNOWLEDGED, S.PROCESSING, S.TOLLED, S.WITHDRAWN, S.IN_LITIGATION} | _OUTCOMES
    ),
    S.ACKNOWLEDGED: frozenset({S.PROCESSING, S.TOLLED, S.WITHDRAWN, S.IN_LITIGATION} | _OUTCOMES),
    S.PROCESSING: frozenset({S.TOLLED, S.WITHDRAWN, S.IN_LITIGATION} | _OUTCOMES),
    # Tolling ends when our reply reaches the agency: back to where the clock was running.
    S.TOLLED: frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.PROCESSING, S.WITHDRAWN}),
    # A partial release may be followed by the rest of the records.
    S.PARTIALLY_RELEASED: frozenset({S.RELEASED_IN_FULL, S.APPEALED, S.IN_LITIGATION, S.CLOSED}),
    S.RELEASED_IN_FULL: frozenset({S.CLOSED}),
    S.DENIED: frozenset({S.APPEALED, S.IN_LITIGATION, S.CLOSED}),
    S.NO_RECORDS: frozenset({S.APPEALED, S.IN_LITIGATION, S.CLOSED}),
    # An appeal not decided within 20 working days may be taken to court (552(a)(6)(C)(i)).
    S.APPEALED: frozenset({S.APPEAL_DECIDED, S.IN_LITIGATION, S.WITHDRAWN}),
    # A remand sends the request back to the agency for processing.
    S.APPEAL_DECIDED: frozenset({S.PROCESSING, S.RELEASED_IN_FULL, S.IN_LITIGATION, S.CLOSED}),
    S.IN_LITIGATION: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset(),
    S.CLOSED: frozenset(),
}


class TransitionNotAllowed(Exception):
    """A status change the workflow forbids; the message names both states, and either the moves
    allowed from the current one or, for a move the workflow allows only through another event,
    `reason`: what to do instead."""

    def __init__(self, current: str, target: str, reason: str = "") -> None:
        self.current = RequestStatus(current)
        self.target = RequestStatus(target)
        allowed = sorted(str(RequestStatus(s).label) for s in TRANSITIONS[self.current])
        options = ", ".join(f"“{label}”" for label in allowed) or "none (it is final)"
        move = f"A request cannot move from “{self.current.label}” to “{self.target.label}”"
        if reason:
            super().__init__(f"{move}: {reason}")
        else:
            super().__init__(f"{move}. From “{self.current.label}” it can move to: {options}.")


def allowed_targets(current: str) -> frozenset[RequestStatus]:
    return TRANSITIONS[RequestStatus(current)]


def can_transition(current: str, target: str) -> bool:
    return RequestStatus(target) in TRANSITIONS[RequestStatus(current)]


def check_transition(current: str, target: str) -> None:
    """Raise TransitionNotAllowed unless `current → target` is an allowed move."""
    if not can_transition(current, target):
        raise TransitionNotAllowed(current, target)
