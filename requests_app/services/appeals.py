"""Writes to administrative appeals: filing, receipt, decision."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_app.deadlines import hooks
from requests_app.models import (
    Appeal,
    RecordsRequest,
)
from requests_app.services import timeline
from requests_app.services.requests import locked_request, request_transition, validated_save
from requests_app.workflow import (
    RequestStatus,
    can_transition,
    check_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any

S = RequestStatus


@transaction.atomic
def appeal_file(
    *,
    request: RecordsRequest,
    filed_on: datetime.date,
    received_on: datetime.date | None = None,
    tracking_number: str = "",
    notes: str = "",
    by: User | None = None,
) -> Appeal:
    """Appeal an adverse determination."""
    locked = locked_request(request)
    check_transition(locked.status, S.APPEALED)
    if locked.determined_on and filed_on < locked.determined_on:
        raise ValidationError(
            {"filed_on": f"An appeal cannot predate the determination ({locked.determined_on})."}
        )
    appeal = Appeal(
        request=locked,
        filed_on=filed_on,
        received_on=received_on,
        tracking_number=tracking_number,
        notes=notes,
    )
    validated_save(appeal, by=by)
    timeline.appeal_filed(appeal=appeal, by=by)
    request_transition(request=request, to_status=S.APPEALED, on=filed_on, by=by)
    hooks.deadlines_on_appeal_filed(appeal=appeal)
    return appeal


@transaction.atomic
def appeal_record_receipt(
    *, appeal: Appeal, received_on: datetime.date, by: User | None = None
) -> Appeal:
    """The agency received the appeal: 20 working days to decide it (552(a)(6)(A)(ii))."""
    appeal.received_on = received_on
    validated_save(appeal, by=by)
    hooks.deadlines_on_appeal_receipt(appeal=appeal)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, decided_on: datetime.date, outcome: str, by: User | None = None
) -> Appeal:
    """Record the decision on an appeal; the request moves to "appeal decided"."""
    if outcome == Appeal.Outcome.PENDING:
        raise ValidationError({"outcome": "A decided appeal needs an outcome other than pending."})
    locked = locked_request(appeal.request)
    check_transition(locked.status, S.APPEAL_DECIDED)
    appeal.decided_on = decided_on
    appeal.outcome = outcome
    validated_save(appeal, by=by)
    timeline.appeal_decided(appeal=appeal, by=by)
    request_transition(request=appeal.request, to_status=S.APPEAL_DECIDED, on=decided_on, by=by)
    hooks.deadlines_on_appeal_decision(appeal=appeal)
    return appeal


def appeal_record_decision_only(*, appeal: Appeal, by: User | None = None) -> Appeal:
    """Record a decision on an appeal whose request has moved on (into litigation, say): the
    appeal's clock is closed, the request's status is left alone."""
    validated_save(appeal, by=by)
    if appeal.decided_on:
        hooks.deadlines_on_appeal_decision(appeal=appeal)
    return appeal


@transaction.atomic
def appeal_save(
    *,
    appeal: Appeal,
    request: RecordsRequest,
    changed: Collection[str],
    by: User | None = None,
) -> Appeal:
    """An appeal added or edited on its request's page: filing moves the request to Appealed,
    a first outcome decides it (or, if the request has moved on, only closes the appeal's
    clock), a receipt date starts or recounts the appeal's 20 working days."""
    outcome, decided_on = appeal.outcome, appeal.decided_on
    decided = outcome != Appeal.Outcome.PENDING and decided_on is not None
    if appeal.pk is None:
        if request.status != S.APPEALED:
            # Filed through the workflow (pending); the outcome entered with it is decided next.
            appeal = appeal_file(
                request=request,
                filed_on=appeal.filed_on,
                received_on=appeal.received_on,
                tracking_number=appeal.tracking_number,
                notes=appeal.notes,
                by=by,
            )
        else:
            validated_save(appeal, by=by)
        if decided and decided_on is not None and appeal.outcome == Appeal.Outcome.PENDING:
            appeal_decide(appeal=appeal, decided_on=decided_on, outcome=outcome, by=by)
        return appeal
    was_pending = Appeal.objects.filter(pk=appeal.pk, outcome=Appeal.Outcome.PENDING).exists()
    if was_pending and decided and can_transition(request.status, S.APPEAL_DECIDED):
        assert appeal.decided_on is not None
        appeal_decide(appeal=appeal, decided_on=appeal.decided_on, outcome=appeal.outcome, by=by)
    elif was_pending and decided:
        appeal_record_decision_only(appeal=appeal, by=by)
    else:
        validated_save(appeal, by=by)
    if appeal.received_on and "received_on" in changed:
        hooks.deadlines_on_appeal_receipt(appeal=appeal)
    return appeal
