"""Administrative appeals of adverse determinations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from requests_app.models.agencies import not_before, validate_supported_year
from requests_app.models.requests import RecordsRequest


class Appeal(models.Model):
    """The requester's administrative challenge of an adverse determination."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        PARTIALLY_GRANTED = "partially_granted", _("Partially granted")
        DENIED = "denied", _("Denied (affirmed)")
        REMANDED = "remanded", _("Remanded for further processing")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField("filed", validators=[validate_supported_year])
    received_on = models.DateField(
        "received by agency", validators=[validate_supported_year], null=True, blank=True
    )
    decided_on = models.DateField(
        "decided", validators=[validate_supported_year], null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    tracking_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-pk"]
        constraints = [
            not_before(
                "received_on",
                "filed_on",
                "appeal_received_not_before_filed",
                _("The appeal cannot have been received before it was filed."),
            ),
            not_before(
                "decided_on",
                "received_on",
                "appeal_decided_not_before_received",
                _("The appeal cannot be decided before it was received."),
            ),
            not_before(
                "decided_on",
                "filed_on",
                "appeal_decided_not_before_filed",
                _("The appeal cannot be decided before it was filed."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_on__isnull=True)
                | (~Q(outcome="pending") & Q(decided_on__isnull=False)),
                name="appeal_decided_iff_outcome",
                violation_error_message=_(
                    "An appeal has a decision date exactly when its outcome is not pending."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal of “{self.request}” filed {self.filed_on}"
