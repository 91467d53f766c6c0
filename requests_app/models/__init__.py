"""The domain's tables, one module per part of the domain; every model is importable from here.

Invariants that must never be false (date orders, one tracking number per agency, non-negative
fees) are database constraints; Django's model validation runs the same constraints, so the admin
shows their messages instead of failing at the database.
"""

from requests_app.models.agencies import Agency, Jurisdiction, Topic, validate_supported_year
from requests_app.models.appeals import Appeal
from requests_app.models.deadlines import CalendarFingerprint, ClosureDay, CourtSchedule, Deadline
from requests_app.models.lawsuits import District, Lawsuit, district_forum
from requests_app.models.requests import (
    ProcessingChoice,
    RecordsRequest,
    RequestEvent,
    RequestKind,
    TrackingNumber,
)

# Module-level names for the API schema's enum names (settings.SPECTACULAR_SETTINGS).
EventKind = RequestEvent.Kind
LawsuitStatus = Lawsuit.Status
DeadlineStatus = Deadline.Status
DeadlineSource = Deadline.Source
AppealOutcome = Appeal.Outcome

__all__ = [
    "Agency",
    "Appeal",
    "AppealOutcome",
    "CalendarFingerprint",
    "ClosureDay",
    "CourtSchedule",
    "Deadline",
    "DeadlineSource",
    "DeadlineStatus",
    "District",
    "EventKind",
    "Jurisdiction",
    "Lawsuit",
    "LawsuitStatus",
    "ProcessingChoice",
    "RecordsRequest",
    "RequestEvent",
    "RequestKind",
    "Topic",
    "TrackingNumber",
    "district_forum",
    "validate_supported_year",
]
