"""Releases (productions) and the documents in them.

A release belongs to the request that produced it, and to the lawsuit it was produced under when
there is one. A document belongs to its release and carries the same request: the database
refuses a document whose request is not its release's (migration 0002 adds the composite
foreign key on PostgreSQL and the equivalent triggers on SQLite).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from requests_app.models import Jurisdiction, Lawsuit, RecordsRequest, validate_supported_year


class Exemption(models.Model):
    """A ground for withholding: federal b1-b9 and b7(A)-(F), or a state's own list."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="exemptions"
    )
    code = models.CharField(max_length=20, help_text=_("e.g. b5, b7C"))
    description = models.CharField(max_length=300)
    citation = models.CharField(max_length=200)

    class Meta:
        ordering = ["jurisdiction__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                name="exemption_unique_code_per_jurisdiction",
                violation_error_message=_("That jurisdiction already has this exemption."),
            )
        ]

    def __str__(self) -> str:
        # Where staff pick or read an exemption they see what it is, not the code alone: "b7" and
        # "b7C" differ by one letter and the code does not say which is which.
        return f"{self.short_name} — {self.description} ({self.citation})"

    @property
    def short_name(self) -> str:
        """The code, with the jurisdiction's code for a state's own list ("b7C", "US-MA 4(a))."""
        return (
            self.code if self.jurisdiction.code == "US" else f"{self.jurisdiction.code} {self.code}"
        )

    @property
    def meaning(self) -> str:
        """What the code stands for, as a tooltip says it: description and citation."""
        return f"{self.description} ({self.citation})"


def _count(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0}),
        name=f"release_{name}_not_negative",
        violation_error_message=_("Page counts cannot be negative."),
    )


class Release(models.Model):
    """One batch of records an agency handed over (a production)."""

    class Ingestion(models.TextChoices):
        PENDING = "pending", _("Pending")
        INGESTING = "ingesting", _("Ingesting")
        DONE = "done", _("Done")
        DONE_WITH_ERRORS = "done_with_errors", _("Done, with errors")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="releases")
    lawsuit = models.ForeignKey(
        Lawsuit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
        help_text=_("The lawsuit it was produced under; it must cover the request."),
    )
    released_on = models.DateField("released", validators=[validate_supported_year])
    received_on = models.DateField(
        "received", null=True, blank=True, validators=[validate_supported_year]
    )
    records_from = models.DateField(
        "records dated from", null=True, blank=True, validators=[validate_supported_year]
    )
    records_to = models.DateField(
        "records dated to", null=True, blank=True, validators=[validate_supported_year]
    )
    description = models.TextField(blank=True)
    pages_released = models.PositiveIntegerField(default=0)
    pages_withheld_in_full = models.PositiveIntegerField(default=0)
    pages_withheld_in_part = models.PositiveIntegerField(default=0)
    bates_prefix = models.CharField(max_length=40, blank=True)
    bates_start = models.PositiveIntegerField(null=True, blank=True)
    bates_end = models.PositiveIntegerField(null=True, blank=True)
    exemptions = models.ManyToManyField(Exemption, blank=True, related_name="releases")
    ingestion = models.CharField(
        max_length=20, choices=Ingestion.choices, default=Ingestion.PENDING, editable=False
    )
    files_total = models.PositiveIntegerField(default=0, editable=False)
    files_done = models.PositiveIntegerField(default=0, editable=False)
    # One entry per file that could not be ingested, or was ingested with something to say:
    # {"file", "reason", "kind"} with kind "error", "duplicate" or "warning".
    errors = models.JSONField(default=list, blank=True, editable=False)
    # What the runs counted: {"last": counts of the latest upload, "total": summed over all},
    # each {"units", "ingested", "duplicates", "already", "errors", "warnings"}.
    ingest_counts = models.JSONField(default=dict, blank=True, editable=False)
    # Uploaded files waiting for (or in) ingestion; emptied as runs finish, so a run cut short
    # can be resumed from the admin.
    staged = models.JSONField(default=list, blank=True, editable=False)
    # When the staged files were last handed to the broker for ingestion, or, while a run
    # ingests them, when it last committed a batch. A release still pending long after it (the
    # broker was down, or lost the message), or still ingesting with no live run (its worker
    # died), is handed over again by the requeue sweep (core.requeue;
    # documents.selectors.releases_waiting_for_worker, releases_ingesting_unmoved).
    ingestion_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-released_on", "-pk"]
        constraints = [
            # The target of the documents' composite foreign key (release, request).
            models.UniqueConstraint(fields=["id", "request"], name="release_id_request"),
            models.CheckConstraint(
                condition=Q(records_from__isnull=True)
                | Q(records_to__isnull=True)
                | Q(records_to__gte=F("records_from")),
                name="release_records_range_ordered",
                violation_error_message=_("The records cannot end before they begin."),
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("released_on")),
                name="release_received_not_before_released",
                violation_error_message=_("A release cannot be received before it was released."),
            ),
            models.CheckConstraint(
                condition=Q(bates_start__isnull=True)
                | Q(bates_end__isnull=True)
                | Q(bates_end__gte=F("bates_start")),
                name="release_bates_range_ordered",
                violation_error_message=_("The Bates range cannot end before it starts."),
            ),
            _count("pages_released"),
            _count("pages_withheld_in_full"),
            _count("pages_withheld_in_part"),
        ]

    def __str__(self) -> str:
        agency = self.request.agency
        return f"{agency.abbreviation or agency.name} release of {self.released_on}"

    def clean(self) -> None:
        lawsuit = self.lawsuit if self.lawsuit_id else None
        if (
            lawsuit is not None
            and self.request_id
            and not lawsuit.requests.filter(pk=self.request_id).exists()
        ):
            raise ValidationError(
                {
                    "lawsuit": _(
                        "%(lawsuit)s does not cover this request (%(request)s); add the "
                        "request to the suit first, or choose a suit that covers it."
                    )
                    % {"lawsuit": self.lawsuit, "request": self.request}
                }
            )

    @property
    def bates_range(self) -> str:
        if self.bates_start is None:
            return ""
        end = f" to {self.bates_prefix}{self.bates_end:06d}" if self.bates_end is not None else ""
        return f"{self.bates_prefix}{self.bates_start:06d}{end}"

    def get_admin_url(self) -> str:
        return reverse("admin:documents_release_change", args=[self.pk])


class Document(models.Model):
    """One file or message in a release."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PDF = "pdf", _("PDF")
        TEXT = "text", _("Text")
        OTHER = "other", _("Other")

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="documents")
    # Always the release's request (a database constraint): lets "the same bytes twice within one
    # request" be a plain unique constraint.
    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="documents")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        help_text=_("The email this file was attached to."),
    )
    file = models.FileField(upload_to="documents/", max_length=300, blank=True)
    original_name = models.CharField(max_length=500)
    # Where it came from in the upload ("batch.zip/mail/0007.eml", "dea.mbox#12"): with the
    # release, this makes re-running an ingestion find what it already did.
    source = models.CharField(max_length=1000)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    media_type = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    sender = models.CharField("from", max_length=500, blank=True)
    recipients = models.TextField("to", blank=True)
    cc = models.TextField(blank=True)
    sent_at = models.DateTimeField("date", null=True, blank=True)
    subject = models.CharField(max_length=1000, blank=True)
    message_id = models.CharField(max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    bates_number = models.CharField(max_length=60, blank=True)
    exemptions = models.ManyToManyField(Exemption, blank=True, related_name="documents")
    redacted = models.BooleanField(default=False, help_text=_("Released with redactions."))
    withheld_in_full = models.BooleanField(default=False)
    pages_withheld = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["release", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "sha256"],
                condition=~Q(sha256=""),
                name="document_bytes_once_per_request",
                violation_error_message=_(
                    "These exact bytes are already a document of the request."
                ),
            ),
            models.UniqueConstraint(
                fields=["release", "source"], name="document_source_once_per_release"
            ),
            models.CheckConstraint(
                condition=Q(withheld_in_full=True) | ~Q(sha256=""),
                name="document_has_bytes_unless_withheld",
                violation_error_message=_("Only a document withheld in full may have no file."),
            ),
        ]
        indexes = [
            models.Index(fields=["release", "kind"]),
            models.Index(fields=["sent_at"]),
            # On PostgreSQL, migration 0005 adds document_newest_first (sent_at DESC NULLS LAST,
            # id DESC) for search (SQLite has no NULLS LAST in an index).
        ]

    def __str__(self) -> str:
        return self.subject or self.original_name

    def clean(self) -> None:
        # The same rule as the database constraint, said where the form can show it (the form
        # has no file field: files come from ingestion).
        if not self.withheld_in_full and not self.sha256:
            raise ValidationError(
                {"withheld_in_full": _("Only a document withheld in full may have no file.")}
            )

    def get_admin_url(self) -> str:
        return reverse("admin:documents_document_change", args=[self.pk])

    @property
    def has_original(self) -> bool:
        """Whether there are stored bytes to download (a document withheld in full has none)."""
        return bool(self.file)


class Download(models.Model):
    """One original handed out: who, when, which document, through which door. Lawyers are
    asked who saw what; this is the answer. Rows are only ever added (documents.originals).

    The document's name and hash are copied in, and the person's login name, so the record
    still says what was seen, and by whom, after the document or the login is deleted."""

    class Door(models.TextChoices):
        API = "api", _("API (token)")
        DASHBOARD = "dashboard", _("Dashboard")
        ADMIN = "admin", _("Admin")
        SESSION = "session", _("Signed-in browser, page not known")

    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, related_name="downloads"
    )
    document_name = models.CharField(max_length=500)
    sha256 = models.CharField("SHA-256", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField("login", max_length=150)
    door = models.CharField(max_length=10, choices=Door.choices)
    downloaded_at = models.DateTimeField("when")

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        # The foreign keys' own indexes find a document's or a person's downloads.
        indexes = [models.Index(fields=["-downloaded_at", "-id"], name="download_newest_first")]

    def __str__(self) -> str:
        when = f"{self.downloaded_at:%Y-%m-%d %H:%M}"
        return f"{self.username} downloaded {self.document_name} at {when}"


class FixityCheck(models.Model):
    """One run of the fixity check: every stored file re-hashed, problems listed, none touched."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    changed = models.JSONField(default=list, blank=True)
    missing = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Fixity check of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing


# Module-level names for the API schema's enum names (settings.SPECTACULAR_SETTINGS).
DocumentKind = Document.Kind
ReleaseIngestion = Release.Ingestion
