"""Writes to records requests, appeals and lawsuits.

Every write that spans rows goes through here: the admin, the API and the management commands all
call these functions, so the workflow (requests_app.workflow) cannot be bypassed. Each function
validates, runs in one transaction, locks the request it moves, and records what happened in the
request's timeline (`timeline`). Errors are `django.core.exceptions.ValidationError` (bad input,
keyed by field where there is one) or `TransitionNotAllowed` (a forbidden status change, naming
both states).
"""

from requests_app.services.agencies import agency_deadlines_recount, agency_set_observance
from requests_app.services.appeals import (
    appeal_decide,
    appeal_file,
    appeal_record_decision_only,
    appeal_record_receipt,
    appeal_save,
)
from requests_app.services.lawsuits import (
    LAWSUIT_EDITABLE,
    lawsuit_add_requests,
    lawsuit_counsel_set,
    lawsuit_deadlines_recount,
    lawsuit_file,
    lawsuit_on_status,
    lawsuit_record_service,
    lawsuit_update,
)
from requests_app.services.requests import (
    REQUEST_EDITABLE,
    late_reason_check,
    locked_request,
    request_acknowledge,
    request_apply_edits,
    request_check_move,
    request_create,
    request_log_created,
    request_log_entry,
    request_log_letter,
    request_log_note,
    request_record_determination,
    request_record_expedition,
    request_record_extension,
    request_record_receipt,
    request_resume,
    request_submit,
    request_sync_deadlines,
    request_toll,
    request_transition,
    request_update,
    requests_acknowledge,
    requests_assign_owner,
    tracking_number_assign,
    validated_save,
)

__all__ = [
    "LAWSUIT_EDITABLE",
    "REQUEST_EDITABLE",
    "agency_deadlines_recount",
    "agency_set_observance",
    "appeal_decide",
    "appeal_file",
    "appeal_record_decision_only",
    "appeal_record_receipt",
    "appeal_save",
    "late_reason_check",
    "lawsuit_add_requests",
    "lawsuit_counsel_set",
    "lawsuit_deadlines_recount",
    "lawsuit_file",
    "lawsuit_on_status",
    "lawsuit_record_service",
    "lawsuit_update",
    "locked_request",
    "request_acknowledge",
    "request_apply_edits",
    "request_check_move",
    "request_create",
    "request_log_created",
    "request_log_entry",
    "request_log_letter",
    "request_log_note",
    "request_record_determination",
    "request_record_expedition",
    "request_record_extension",
    "request_record_receipt",
    "request_resume",
    "request_submit",
    "request_sync_deadlines",
    "request_toll",
    "request_transition",
    "request_update",
    "requests_acknowledge",
    "requests_assign_owner",
    "tracking_number_assign",
    "validated_save",
]
