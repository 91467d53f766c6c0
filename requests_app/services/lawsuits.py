"""Writes to lawsuits: filing, service, the requests they cover, their status and edits."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.today import organisation_today
from requests_app.deadlines import hooks
from requests_app.deadlines.closures import Move, deadlines_recount_variant
from requests_app.models import (
    Agency,
    Deadline,
    Lawsuit,
    RecordsRequest,
    district_forum,
)
from requests_app.services import timeline
from requests_app.services.requests import locked_request, request_transition, validated_save
from requests_app.workflow import (
    RequestStatus,
    check_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any

S = RequestStatus


@transaction.atomic
def lawsuit_counsel_set(*, lawsuit: Lawsuit, counsel: Iterable[User]) -> int:
    """Make ``counsel`` the suit's counsel, adding each in the order given: the first added is
    the lead counsel whom the suit's deadlines name (``hooks.lead_counsel``); a plain
    ``counsel.set`` inserts new links in no set order, so the lead would depend on the database.
    Open deadlines that named nobody, or the former lead, follow the new lead; returns how many."""
    previous_lead = hooks.lead_counsel(lawsuit)
    people = list(counsel)
    keep = {person.pk for person in people}
    lawsuit.counsel.remove(*[person for person in lawsuit.counsel.all() if person.pk not in keep])
    for person in people:
        lawsuit.counsel.add(person)
    return hooks.deadlines_on_counsel_change(lawsuit=lawsuit, previous_lead=previous_lead)


@transaction.atomic
def lawsuit_file(
    *,
    caption: str,
    court: str,
    plaintiffs: str,
    filed_on: datetime.date,
    defendant_agencies: Sequence[Agency],
    requests: Sequence[RecordsRequest] = (),
    docket_number: str = "",
    served_on: datetime.date | None = None,
    counsel: Iterable[User] = (),
    judge: str = "",
    notes: str = "",
    district: str = "",
    by: User | None = None,
) -> Lawsuit:
    """File suit over one or more requests; each moves into litigation."""
    if not defendant_agencies:
        raise ValidationError({"defendant_agencies": "A lawsuit needs at least one defendant."})
    lawsuit = Lawsuit(
        caption=caption,
        court=court,
        district=district,
        plaintiffs=plaintiffs,
        filed_on=filed_on,
        served_on=served_on,
        docket_number=docket_number,
        judge=judge,
        notes=notes,
        status=Lawsuit.Status.SERVED if served_on else Lawsuit.Status.FILED,
    )
    validated_save(lawsuit, by=by)
    lawsuit.defendant_agencies.set(defendant_agencies)
    lawsuit_counsel_set(lawsuit=lawsuit, counsel=counsel)
    lawsuit_add_requests(lawsuit=lawsuit, requests=requests, by=by)
    if served_on:
        hooks.deadlines_on_service(lawsuit=lawsuit)
    return lawsuit


def lawsuit_on_status(*, lawsuit: Lawsuit) -> int:
    """A case that is settled, decided, dismissed or closed owes no more court deadlines."""
    if lawsuit.status not in Lawsuit.FINISHED:
        return 0
    return hooks.deadlines_waive_open(
        record=lawsuit, reason=f"Case {lawsuit.get_status_display().lower()}."
    )


@transaction.atomic
def lawsuit_record_service(
    *, lawsuit: Lawsuit, served_on: datetime.date, by: User | None = None
) -> Lawsuit:
    """The complaint was served: the agency's answer falls due (552(a)(4)(C)); a corrected
    service date recounts it."""
    lawsuit.served_on = served_on
    if lawsuit.status in (Lawsuit.Status.PREPARING, Lawsuit.Status.FILED):
        lawsuit.status = Lawsuit.Status.SERVED
    validated_save(lawsuit, by=by)
    hooks.deadlines_on_service(lawsuit=lawsuit)
    return lawsuit


@transaction.atomic
def lawsuit_add_requests(
    *, lawsuit: Lawsuit, requests: Iterable[RecordsRequest], by: User | None = None
) -> None:
    """Bring requests under a lawsuit: timeline entry, and into litigation unless already there."""
    on = lawsuit.filed_on or organisation_today()
    for request in requests:
        locked = locked_request(request)
        if locked.status != S.IN_LITIGATION:
            check_transition(locked.status, S.IN_LITIGATION)
        lawsuit.requests.add(locked)
        hooks.deadlines_on_litigation(request=locked, on=on)
        timeline.lawsuit_filed(request=locked, lawsuit=lawsuit, on=on, by=by)
        if locked.status != S.IN_LITIGATION:
            request_transition(request=locked, to_status=S.IN_LITIGATION, on=on, by=by)


def lawsuit_deadlines_recount(*, lawsuit: Lawsuit) -> list[Move]:
    """Count the suit's open computed deadlines on the calendar of the district it now names:
    federal holidays, and the legal holidays of the state where the district court sits
    (FRCP 6(a)(6)(C)); federal holidays only with no district. Returns the ones that moved."""
    return deadlines_recount_variant(
        deadlines=Deadline.objects.filter(lawsuit=lawsuit),
        variant={"forum": district_forum(lawsuit.district) or ""},
    )


LAWSUIT_EDITABLE = frozenset(
    {
        "caption",
        "court",
        "district",
        "docket_number",
        "status",
        "plaintiffs",
        "judge",
        "outcome",
        "notes",
    }
)


@transaction.atomic
def lawsuit_update(
    *,
    lawsuit: Lawsuit,
    changes: dict[str, Any],
    served_on: datetime.date | None = None,
    add_requests: Sequence[RecordsRequest] = (),
    counsel: Iterable[User] | None = None,
    by: User | None = None,
) -> Lawsuit:
    """Edit a lawsuit as the lawyers' admin page does: plain fields, then service of the complaint
    (its answer deadline), newly covered requests (into litigation), and a finished case waives
    its open deadlines."""
    unknown = set(changes) - LAWSUIT_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    locked = Lawsuit.objects.select_for_update().get(pk=lawsuit.pk)
    district_changed = "district" in changes and changes["district"] != locked.district
    for name, value in changes.items():
        setattr(locked, name, value)
    validated_save(locked, by=by)
    if district_changed:
        lawsuit_deadlines_recount(lawsuit=locked)
    if counsel is not None:
        lawsuit_counsel_set(lawsuit=locked, counsel=counsel)
    if served_on is not None and served_on != locked.served_on:
        lawsuit_record_service(lawsuit=locked, served_on=served_on, by=by)
    covered = set(locked.requests.values_list("pk", flat=True))
    new = [r for r in add_requests if r.pk not in covered]
    if new:
        lawsuit_add_requests(lawsuit=locked, requests=new, by=by)
    if "status" in changes:
        lawsuit_on_status(lawsuit=locked)
    return locked
