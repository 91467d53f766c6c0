"""A person's API tokens: named, hashed at rest, with the time each was last used, an optional
expiry and a revocation time (a revoked token is kept, so its holder and the operator can see
what was revoked and when)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiToken(models.Model):
    """One key for ``Authorization: Token <key>``. The key itself is never stored: only its
    SHA-256 (``accounts.keys``) and the few characters that let its holder recognise it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What uses it, e.g. “Quarterly report spreadsheet”."
    )
    prefix = models.CharField(
        max_length=16, help_text="The first characters of the key, to recognise it; not secret."
    )
    key_hash = models.CharField("SHA-256 of the key", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Written at most once a minute per token (accounts.services.api_token_mark_used).
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from this moment on; empty: never expires."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_token_has_a_name",
                violation_error_message="Give the token a name: what will use it?",
            ),
            # A name tells a person's tokens apart, so two usable ones may not share it (which
            # also stops a reloaded form from issuing the same token twice).
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_person_until_revoked",
                violation_error_message=(
                    "You already have a token with this name: choose another, or revoke that one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def status(self, now: datetime.datetime | None = None) -> ApiToken.Status:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def last_day(self) -> datetime.date | None:
        """The last day (in ``TIME_ZONE``) on which the token works; None if it never expires.
        An expiry is chosen as a day and the token works to the end of it."""
        if self.expires_at is None:
            return None
        return timezone.localdate(self.expires_at - datetime.timedelta(microseconds=1))
