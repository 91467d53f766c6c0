"""The request's timeline: every entry is written here."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from requests_app.models import (
    RecordsRequest,
    RequestEvent,
)
from requests_app.workflow import (
    RequestStatus,
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


def event_add(
    request: RecordsRequest,
    *,
    kind: str,
    on: datetime.date,
    direction: str = Direction.INTERNAL,
    text: str = "",
    by: User | None = None,
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
