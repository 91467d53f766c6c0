"""Records requests, their tracking numbers and their timeline.

Invariants that must never be false (date orders, one tracking number per agency, non-negative
fees) are database constraints; Django's model validation runs the same constraints, so the admin
shows their messages instead of failing at the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from requests_app.deadlines.rules import rules_triggered_by
from requests_app.models.agencies import (
    Agency,
    Jurisdiction,
    Topic,
    not_before,
    validate_supported_year,
)
from requests_app.workflow import ADVERSE, RequestStatus


class ProcessingChoice(models.TextChoices):
    """The life of an expedited-processing or fee-waiver request."""

    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class RequestKind(models.TextChoices):
    """What kind of request a statute may give its own clock (Illinois gives a commercial or a
    recurrent requester's request 21 business days instead of 5: 5 ILCS 140/3.1, 3.2)."""

    STANDARD = "standard", _("Standard request")
    COMMERCIAL = "commercial", _("Records to be used for a commercial purpose")
    RECURRENT = "recurrent", _("From a recurrent requester")


#: The event that starts a kind of request's own clock, where its jurisdiction has one.
RECEIPT_TRIGGER_BY_KIND = {
    RequestKind.STANDARD: "receipt",
    RequestKind.COMMERCIAL: "commercial_receipt",
    RequestKind.RECURRENT: "recurrent_receipt",
}


class RecordsRequest(models.Model):
    """One request to one agency (or component) under one law."""

    title = models.CharField(max_length=300)
    records_sought = models.TextField(help_text=_("What the request asks for, as sent."))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("The law the request is made under; the agency must be subject to it."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_requests",
        help_text=_("The person in the organisation responsible for this request."),
    )
    assigned_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    filed_on = models.DateField(
        "filed", validators=[validate_supported_year], null=True, blank=True
    )
    received_on = models.DateField(
        "received by agency",
        validators=[validate_supported_year],
        null=True,
        blank=True,
        help_text=_("Starts the agency's clock."),
    )
    acknowledged_on = models.DateField(
        "acknowledged", validators=[validate_supported_year], null=True, blank=True
    )
    determined_on = models.DateField(
        "determined", validators=[validate_supported_year], null=True, blank=True
    )
    closed_on = models.DateField(
        "closed", validators=[validate_supported_year], null=True, blank=True
    )
    request_kind = models.CharField(
        "kind of request",
        max_length=20,
        choices=RequestKind.choices,
        default=RequestKind.STANDARD,
        help_text=_(
            "Commercial or recurrent where the law gives such requests their own time limit "
            "(Illinois: 21 business days, 5 ILCS 140/3.1 and 3.2)."
        ),
    )
    expedited_processing = models.CharField(
        max_length=20, choices=ProcessingChoice.choices, default=ProcessingChoice.NOT_REQUESTED
    )
    fee_waiver = models.CharField(
        max_length=20, choices=ProcessingChoice.choices, default=ProcessingChoice.NOT_REQUESTED
    )
    fees_estimated = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fees_paid = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="requests")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[assigned_staff, topics])

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = "records request"
        constraints = [
            not_before(
                "received_on",
                "filed_on",
                "request_received_not_before_filed",
                _("The agency cannot have received the request before it was filed."),
            ),
            not_before(
                "acknowledged_on",
                "filed_on",
                "request_acknowledged_not_before_filed",
                _("The request cannot be acknowledged before it was filed."),
            ),
            not_before(
                "acknowledged_on",
                "received_on",
                "request_acknowledged_not_before_received",
                _("The request cannot be acknowledged before the agency received it."),
            ),
            not_before(
                "determined_on",
                "filed_on",
                "request_determined_not_before_filed",
                _("The request cannot be determined before it was filed."),
            ),
            not_before(
                "determined_on",
                "received_on",
                "request_determined_not_before_received",
                _("The request cannot be determined before the agency received it."),
            ),
            not_before(
                "closed_on",
                "filed_on",
                "request_closed_not_before_filed",
                _("The request cannot be closed before it was filed."),
            ),
            models.CheckConstraint(
                condition=Q(fees_estimated__isnull=True) | Q(fees_estimated__gte=0),
                name="request_fees_estimated_not_negative",
                violation_error_message=_("Estimated fees cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(fees_paid__isnull=True) | Q(fees_paid__gte=0),
                name="request_fees_paid_not_negative",
                violation_error_message=_("Fees paid cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["agency", "status"]),
            # The API's default order (newest filed first, the key breaking ties).
            models.Index(fields=["-filed_on", "-id"], name="request_filed_desc"),
            # Reports join every request by key for its agency, owner and status: from this
            # index alone instead of the wide rows (PostgreSQL's INCLUDE).
            models.Index(
                fields=["id"], include=["agency", "owner", "status"], name="request_report_cover"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:

        errors: dict[str, Any] = {}
        if (
            self.agency_id
            and self.jurisdiction_id
            and self.agency.jurisdiction_id != self.jurisdiction_id
        ):
            errors["agency"] = _(
                "%(agency)s is subject to %(agency_law)s, not %(law)s: "
                "choose an agency of the same jurisdiction as the law."
            ) % {
                "agency": self.agency,
                "agency_law": self.agency.jurisdiction.code,
                "law": self.jurisdiction.code,
            }
        if self.request_kind != RequestKind.STANDARD and self.jurisdiction_id:
            code = self.jurisdiction.code
            trigger = RECEIPT_TRIGGER_BY_KIND[RequestKind(self.request_kind)]
            if not rules_triggered_by(code, trigger):  # type: ignore[arg-type]
                errors["request_kind"] = _(
                    "%(law)s gives this kind of request no time limit of its own: "
                    "choose “Standard request”."
                ) % {"law": code}
        if self.status != RequestStatus.DRAFT and not self.filed_on:
            errors["filed_on"] = _("A request that has been sent needs the date it was filed.")
        if errors:
            raise ValidationError(errors)

    def get_admin_url(self) -> str:
        return reverse("admin:requests_app_recordsrequest_change", args=[self.pk])

    @property
    def is_adverse(self) -> bool:
        return self.status in ADVERSE

    def current_tracking_number(self) -> TrackingNumber | None:
        """The most recently assigned tracking number (agencies re-number on referral/appeal)."""
        numbers = list(self.tracking_numbers.all())  # uses a prefetch when there is one
        if not numbers:
            return None
        return max(numbers, key=lambda t: (t.assigned_on, t.pk))


class TrackingNumber(models.Model):
    """A number an agency gave the request; the history is kept because agencies re-assign them."""

    request = models.ForeignKey(
        RecordsRequest, on_delete=models.CASCADE, related_name="tracking_numbers"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="tracking_numbers",
        blank=True,
        help_text=_("The agency that assigned it; defaults to the request's agency."),
    )
    number = models.CharField(max_length=100)
    assigned_on = models.DateField(validators=[validate_supported_year])
    note = models.CharField(max_length=300, blank=True, help_text=_("e.g. re-numbered on referral"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assigned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"],
                name="tracking_number_unique_per_agency",
                violation_error_message=_("This agency already used that tracking number."),
            ),
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return self.number


class RequestEvent(models.Model):
    """One entry in a request's timeline: something sent, received, decided or noted."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Request sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        TRACKING_NUMBER = "tracking_number", _("Tracking number assigned")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        CLARIFICATION_ANSWERED = "clarification_answered", _("Clarification answered")
        FEE_NOTICE = "fee_notice", _("Fee notice")
        EXTENSION_NOTICE = "extension_notice", _("Extension notice")
        INTERIM_RELEASE = "interim_release", _("Interim release")
        DETERMINATION = "determination", _("Determination")
        APPEAL_FILED = "appeal_filed", _("Appeal filed")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE = "note", _("Note")

    class Direction(models.TextChoices):
        TO_AGENCY = "to_agency", _("To agency")
        FROM_AGENCY = "from_agency", _("From agency")
        INTERNAL = "internal", _("Internal")

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField("date", validators=[validate_supported_year])
    direction = models.CharField(
        max_length=20, choices=Direction.choices, default=Direction.INTERNAL
    )
    text = models.TextField(blank=True)
    from_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, editable=False
    )
    to_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = "timeline event"
        indexes = [models.Index(fields=["request", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"
