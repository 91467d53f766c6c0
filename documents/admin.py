"""Releases and documents in the admin: upload a production, watch it ingest, search it, and
produce the Vaughn index of what was withheld."""

from __future__ import annotations

import contextlib
import csv
import logging
from typing import Any

from celery import current_app
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from documents import kept_uploads, originals, selectors, services
from documents.kept_uploads import KeptFile, KeptUploads
from documents.models import Document, Download, Exemption, FixityCheck, Release
from requests_app.admin.lawsuits import LawsuitAdmin, LawsuitForm
from requests_app.admin.requests import RecordsRequestAdmin
from requests_app.models import Lawsuit, RecordsRequest

log = logging.getLogger(__name__)


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin):
    list_display = ["code", "jurisdiction", "description", "citation"]
    list_filter = ["jurisdiction"]
    search_fields = ["code", "description", "citation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exemption]:
        # The pickers (autocomplete) name each exemption with its jurisdiction's code.
        return super().get_queryset(request).select_related("jurisdiction")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if not isinstance(data, list | tuple):
            return [single(data, initial)] if data else []
        # Among many files, each refusal names its file ("The submitted file is empty" alone
        # would not say which of forty).
        cleaned, refused = [], []
        for item in data:
            try:
                cleaned.append(single(item, initial))
            except forms.ValidationError as error:
                name = services.display_name(getattr(item, "name", "") or "a file", 100)
                refused += [f"{name}: {message}" for message in error.messages]
        if refused:
            raise forms.ValidationError(refused)
        return cleaned


UPLOAD_KINDS = "Files to ingest: .eml, .mbox, .zip (nested archives too), .pdf or text. "


def reads_in_this_request() -> bool:
    """True without a broker (CELERY_TASK_ALWAYS_EAGER): the upload is read in the request that
    saves it, which returns only when every file is ingested."""
    return bool(current_app.conf.task_always_eager)


def upload_help_text() -> str:
    # Without a broker the files are read before Save returns (about 2.6 s per 1,000 messages,
    # measured). It stays synchronous on purpose: a thread after the response would lose the run
    # when the process restarts, and only a worker's acknowledged message survives that.
    if reads_in_this_request():
        return UPLOAD_KINDS + (
            "They are read now, in this request (no background worker is configured): Save "
            "returns once they are ingested, which takes a few seconds per thousand messages."
        )
    return UPLOAD_KINDS + (
        "They are read in the background by a worker; the progress on this page updates by itself."
    )


def upload_saved_message(count: int) -> str:
    """What Save does with the files, in the mode it really runs in."""
    if reads_in_this_request():
        # The run starts once the save commits, after this message is written.
        return (
            f"{count} file(s) saved and read in this request, before this page was shown "
            "(no background worker): the release's page says what was found."
        )
    # Saved is the promise: the files are read once a worker is reachable, even if the broker
    # is down now (core.tasks, core.requeue).
    return (
        f"{count} file(s) saved; a background worker reads them as soon as one is reachable "
        "(the release shows Pending until then, and its progress below updates by itself)."
    )


class CoveringLawsuitField(forms.ModelChoiceField):
    """The lawsuits that cover one request; a suit that does not is refused by name."""

    def __init__(self, *, request: RecordsRequest, **kwargs: Any) -> None:
        self.records_request = request
        super().__init__(
            queryset=Lawsuit.objects.filter(requests=request).order_by("pk"),
            required=False,
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            other = Lawsuit.objects.filter(pk=int(value)).first() if str(value).isdigit() else None
            if error.code != "invalid_choice" or other is None:
                raise
            raise forms.ValidationError(
                "%(lawsuit)s does not cover this request (%(request)s); add the request to the "
                "suit first, or choose a suit that covers it. Only those suits are offered.",
                code="invalid_choice",
                params={"lawsuit": other, "request": self.records_request},
            ) from error


class KeptUploadsWidget(forms.CheckboxSelectMultiple):
    """The files kept from the form's last try, each with its name, its size and a box that
    removes it; nothing at all (a hidden row) while none are kept."""

    @property
    def is_hidden(self) -> bool:
        return not self.choices

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if not self.choices:
            return SafeString("")
        ticked = {str(v) for v in value or []}
        return format_html(
            '<ul class="kept-uploads" data-kept-uploads>{}</ul>',
            format_html_join(
                "",
                '<li data-kept-upload="{}"><span>{}</span> '
                '<label><input type="checkbox" name="{}" value="{}"{}> remove</label></li>',
                (
                    (key, label, name, key, mark_safe(" checked") if key in ticked else "")
                    for key, label in self.choices
                ),
            ),
        )


def _kept_label(kept: KeptFile) -> str:
    return f"{services.display_name(kept.name, 200)} ({filesizeformat(kept.size)})"


class ReleaseForm(forms.ModelForm):
    uploads = MultipleFileField(required=False, help_text=UPLOAD_KINDS)
    kept_remove = forms.MultipleChoiceField(
        required=False, label="Kept from your last try", widget=KeptUploadsWidget
    )
    # A signed reference (readable, not forgeable) to the files kept from the last try
    # (documents.kept_uploads).
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    #: The user the form keeps files for; the admin sets it on the class it makes per request.
    uploader_id: int | None = None
    #: Set by the admin when it shows the form again after a save whose files the disk refused.
    not_staged: services.UploadsNotStaged | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request_id = self._chosen_request_id()
        chosen = RecordsRequest.objects.filter(pk=request_id).first() if request_id else None
        if chosen is not None and "lawsuit" in self.fields:
            # Only the suits that cover the request can have produced the release; they are
            # few, so a plain list replaces the search over every suit. Release.clean still
            # refuses a suit that does not cover it, whatever the form offered.
            self.fields["lawsuit"] = CoveringLawsuitField(
                request=chosen,
                label=self.fields["lawsuit"].label,
                help_text="Only the lawsuits that cover this release's request are offered.",
            )
        # The batch this submission's reference names (read only; nothing is taken yet), or why
        # it cannot be used. Once the form is valid, `kept_uploads` holds it claimed for saving.
        self.kept_brought: KeptUploads | None = None
        self.kept_refused = ""
        self.kept_unreachable = False
        self.kept_uploads: KeptUploads | None = None
        reference = self.data.get(self.add_prefix("kept")) if self.is_bound else None
        if reference and self.not_staged is None:
            try:
                self.kept_brought = kept_uploads.kept_uploads_open(
                    reference=reference, user_id=self.uploader_id
                )
            except kept_uploads.KeptUploadsRefused as refused:
                self.kept_refused = str(refused)
                self.kept_unreachable = isinstance(refused, kept_uploads.KeptUploadsUnreachable)
        self._offer_kept(self.kept_brought)

    def _offer_kept(self, kept: KeptUploads | None) -> None:
        field = self.fields["kept_remove"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(f.key, _kept_label(f)) for f in kept.files] if kept else []
        field.help_text = (
            "Kept on the server from the save that had errors: they are ingested with this "
            "release when it is saved, with any files chosen above. Tick remove to leave one "
            f"out. They are kept for {settings.UPLOAD_KEEP_HOURS} hours."
        )

    def _chosen_request_id(self) -> int | None:
        """The release's request when the form knows it: chosen in the submitted form, given
        in the add page's address (?request=), the release's own, or None."""
        if "request" not in self.fields:  # read-only: a release with documents keeps it
            raw: Any = self.instance.request_id
        elif self.is_bound:
            raw = self.data.get(self.add_prefix("request"))
        else:
            raw = self.initial.get("request")
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self) -> dict[str, Any]:
        """Refuses files over UPLOAD_MAX_FILE_BYTES, or, with the files kept from the last try,
        together over UPLOAD_MAX_REQUEST_BYTES or DATA_UPLOAD_MAX_NUMBER_FILES: the form is then
        invalid, so neither the release nor any file is saved. `uploads` keeps the files within
        the limits, the ones kept if the form has other errors."""
        super().clean()
        cleaned = self.cleaned_data
        # A file the field refused (an empty one) leaves the others to keep.
        uploads: list[Any] = cleaned.get("uploads") or self._chosen_files_the_field_takes()
        kept = self.kept_brought.without(self._kept_removed()) if self.kept_brought else ()
        per_file, per_request = settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_REQUEST_BYTES
        over = [
            f"{services.display_name(upload.name or '', 100)} is {upload.size:,} bytes, "
            f"over the limit of {per_file:,} bytes per file."
            for upload in uploads
            if upload.size > per_file
        ] + [
            f"{services.display_name(file.name, 100)} (kept from your last try) is "
            f"{file.size:,} bytes, over the limit of {per_file:,} bytes per file: remove it."
            for file in kept
            if file.size > per_file
        ]
        within = [upload for upload in uploads if upload.size <= per_file]
        with_kept = f" with the {len(kept)} kept from your last try" if kept else ""
        total = sum(upload.size for upload in within) + sum(file.size for file in kept)
        if total > per_request:
            over.append(
                f"These files come to {total:,} bytes{with_kept}, over the limit of "
                f"{per_request:,} bytes per upload: upload them in parts."
            )
            within = []
        most = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if most is not None and len(within) + len(kept) > most:
            over.append(
                f"These are {len(within) + len(kept)} files{with_kept}, over the limit of "
                f"{most:,} files per upload: upload them in parts."
            )
            within = []
        if over:
            self.add_error("uploads", over)
        cleaned["uploads"] = within
        return cleaned

    def _chosen_files_the_field_takes(self) -> list[Any]:
        field = self.fields["uploads"]
        taken: list[Any] = []
        chosen = self.files.getlist(self.add_prefix("uploads")) if self.files else []
        for upload in chosen:
            with contextlib.suppress(forms.ValidationError):
                taken += field.clean(upload)
        return taken

    def _kept_removed(self) -> set[str]:
        return set(self.cleaned_data.get("kept_remove") or [])

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        # Taken before any error is added: add_error drops the field's cleaned value.
        uploads: list[Any] = self.cleaned_data.get("uploads") or []
        if self.not_staged is not None:
            # The save was rolled back: keep what it had, as for any other error.
            self.add_error("uploads", self._not_staged_message(self.not_staged))
            self._keep(self.not_staged.kept, set(), uploads)
            return
        if self.kept_refused:
            # Nothing is saved from a form whose reference cannot be used.
            self.add_error("uploads", self.kept_refused)
            if self.kept_unreachable:
                self._choose_again(uploads)  # the reference still holds: it stays in the form
            else:
                self._keep(None, set(), uploads)  # the files chosen now are kept all the same
            return
        removed = self._kept_removed()
        brought = self.kept_brought
        if not self.errors:
            if brought is None:
                return
            try:
                self.kept_uploads = kept_uploads.kept_uploads_claim(kept=brought, remove=removed)
                return
            except kept_uploads.KeptUploadsUnreachable as unreachable:
                self.add_error("uploads", str(unreachable))
                self._choose_again(uploads)
                return
            except kept_uploads.KeptUploadsRefused as gone:  # saved by a twin of this form
                self.add_error("uploads", str(gone))
                brought = None
        self._keep(brought, removed, uploads)

    def _choose_again(self, uploads: list[Any]) -> None:
        """Name the files chosen now, which a form that keeps its reference cannot keep."""
        if uploads:
            names = ", ".join(services.display_name(f.name or "", 100) for f in uploads)
            self.add_error(
                "uploads", f"The file(s) you chose now ({names}) were not kept: choose them again."
            )

    @staticmethod
    def _not_staged_message(failed: services.UploadsNotStaged) -> str:
        chosen = [f.name or "" for f in failed.files] + [
            f.name for f in (failed.kept.files if failed.kept else ())
        ]
        names = ", ".join(services.display_name(name, 100) for name in chosen)
        return (
            f"The release was not saved: the file(s) ({names}) could not be written "
            "on the server (its disk is full or cannot be written). Try saving again in a moment."
        )

    def _keep(self, brought: KeptUploads | None, removed: set[str], uploads: list[Any]) -> None:
        """The form has errors: keep the files chosen now (`uploads`, those within the limits)
        with the ones brought, so the next try need not choose them again."""
        kept = None
        if (uploads or brought) and self.uploader_id is not None:
            try:
                try:
                    kept = kept_uploads.kept_uploads_keep(
                        user_id=self.uploader_id, kept=brought, remove=removed, files=uploads
                    )
                except kept_uploads.KeptUploadsRefused as gone:
                    self.add_error("uploads", str(gone))
                    kept = kept_uploads.kept_uploads_keep(
                        user_id=self.uploader_id, kept=None, files=uploads
                    )
            except OSError:
                log.exception("files chosen on a release form could not be kept")
                kept = None
                earlier = brought.without(removed) if brought else ()
                names = [f.name or "" for f in uploads] + [f.name for f in earlier]
                # A browser cannot put a file back into a file input: say so, rather than let
                # the next Save go through without them.
                self.add_error(
                    "uploads",
                    f"The file(s) you chose ({', '.join(names)}) could not be kept on the "
                    "server: choose them again before saving.",
                )
        self._carry_kept(kept)

    def _carry_kept(self, kept: KeptUploads | None) -> None:
        """Show the kept files and put their new reference into the form sent back (the old one
        no longer finds them); no file is ticked for removal any more."""
        self.kept_brought = kept
        self._offer_kept(kept)
        sent: Any = self.data  # a QueryDict from the admin; a dict where a test builds the form
        data = sent.copy()
        data[self.add_prefix("kept")] = kept_uploads.kept_reference(kept) if kept else ""
        if isinstance(data, QueryDict):
            data.setlist(self.add_prefix("kept_remove"), [])
        else:
            data.pop(self.add_prefix("kept_remove"), None)
        self.data = data

    class Meta:
        model = Release
        fields = [
            "request",
            "lawsuit",
            "released_on",
            "received_on",
            "records_from",
            "records_to",
            "description",
            "pages_released",
            "pages_withheld_in_full",
            "pages_withheld_in_part",
            "bates_prefix",
            "bates_start",
            "bates_end",
            "exemptions",
        ]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = [
        "__str__",
        "request",
        "lawsuit",
        "released_on",
        "ingestion_summary",
        "documents_count",
        "pages_released",
        "pages_withheld_in_full",
    ]
    list_filter = ["ingestion", ("request__agency", admin.RelatedOnlyFieldListFilter), "lawsuit"]
    search_fields = ["description", "request__title", "bates_prefix"]
    date_hierarchy = "released_on"
    autocomplete_fields = ["request", "lawsuit", "exemptions"]
    list_select_related = ["request__agency", "lawsuit"]
    readonly_fields = ["ingestion_state", "problems", "documents_link", "vaughn_links"]
    actions = ["resume_ingestion"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.documents.exists():
            # Its documents carry its request (a database constraint): a release with documents
            # stays with the request that produced it.
            fields.append("request")
        return fields

    def delete_model(self, request: HttpRequest, obj: Release) -> None:
        services.release_delete(release=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Release]) -> None:
        for release in queryset:
            services.release_delete(release=release)

    @admin.action(
        description="Resume ingestion of uploads that did not finish", permissions=["change"]
    )
    def resume_ingestion(self, request: HttpRequest, queryset: QuerySet[Release]) -> None:
        resumed = sum(services.release_resume(release=release) for release in queryset)
        self.message_user(
            request,
            f"Resumed {resumed} release(s)." if resumed else "Nothing was waiting to be ingested.",
        )

    fieldsets = [
        (None, {"fields": ["request", "lawsuit", "released_on", "received_on", "description"]}),
        (
            "Records",
            {"fields": ["records_from", "records_to", "bates_prefix", "bates_start", "bates_end"]},
        ),
        (
            "Pages and exemptions",
            {
                "fields": [
                    "pages_released",
                    "pages_withheld_in_full",
                    "pages_withheld_in_part",
                    "exemptions",
                ]
            },
        ),
        (
            "Files",
            {
                "fields": [
                    "uploads",
                    "kept_remove",
                    "kept",
                    "ingestion_state",
                    "problems",
                    "documents_link",
                    "vaughn_links",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        return super().get_queryset(request).annotate(_documents=Count("documents"))

    @admin.display(description="documents", ordering="_documents")
    def documents_count(self, obj: Release) -> int:
        return getattr(obj, "_documents", 0)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        if "uploads" in form.base_fields:
            form.base_fields["uploads"].help_text = upload_help_text()
        # A class made for this request: the files a failed save keeps are this user's.
        form.uploader_id = request.user.pk
        form.not_staged = getattr(request, "uploads_not_staged", None)
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.UploadsNotStaged as failed:
            # Rolled back by now (the admin saves in one transaction): the same form is shown
            # again with the reason, and keeps its files as any form with an error does.
            log.warning("the files chosen on a release form could not be staged: %s", failed)
            request.uploads_not_staged = failed  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description="ingestion", ordering="ingestion")
    def ingestion_summary(self, obj: Release) -> str:
        """One line for the list: the state and the files read (the page says the rest)."""
        return str(selectors.release_progress(release=obj)["status"])

    @admin.display(description="ingestion")
    def ingestion_state(self, obj: Release) -> str:
        if not obj.pk:
            return "—"
        progress = selectors.release_progress(release=obj)
        mode = (
            "Files are read in the request that uploads them (no background worker)."
            if reads_in_this_request()
            else "Files are read in the background by a worker."
        )
        follow = ""
        if progress["running"]:
            follow = format_html(
                ' <a href="{}" data-release-reload>Reload to follow</a>',
                reverse("admin:documents_release_change", args=[obj.pk]),
            )
        return format_html(
            '<div data-release-progress="{}" data-running="{}">'
            '<strong data-field="status">{}</strong>{}'
            '<div data-field="last_upload">{}</div>'
            '<div data-field="all_uploads">{}</div>'
            "<div>{}</div></div>",
            reverse("admin:documents_release_progress", args=[obj.pk]),
            "1" if progress["running"] else "0",
            progress["status"],
            follow,
            f"Last upload: {progress['last_upload']}" if progress["last_upload"] else "",
            f"All uploads to this release: {progress['all_uploads']}"
            if progress["all_uploads"]
            else "",
            mode,
        )

    @admin.display(description="problems")
    def problems(self, obj: Release) -> str:
        if not obj.errors:
            return "None."
        labels = {"error": "error", "duplicate": "duplicate, skipped", "warning": "warning"}
        progress = selectors.release_progress(release=obj)
        summary = (
            f"{progress['errors']} error(s), {progress['duplicates']} duplicate(s) skipped, "
            f"{progress['warnings']} warning(s)."
        )
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            summary,
            format_html_join(
                "",
                "<li><strong>{}</strong> {}: {}</li>",
                (
                    (labels.get(p.get("kind", "error"), "error"), p["file"], p["reason"])
                    for p in obj.errors[:200]
                ),
            ),
        )

    @admin.display(description="documents")
    def documents_link(self, obj: Release) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:documents_document_changelist") + f"?release__id__exact={obj.pk}"
        return format_html('<a href="{}">Search the documents of this release</a>', url)

    @admin.display(description="Vaughn index")
    def vaughn_links(self, obj: Release) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:documents_release_vaughn", args=[obj.pk])
        return format_html('<a href="{}">View</a> · <a href="{}?format=csv">CSV</a>', url, url)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        uploads = form.cleaned_data.get("uploads") or []
        kept = form.kept_uploads  # claimed by the form: the files kept from its last try
        if uploads or kept:
            services.release_upload(release=form.instance, files=uploads, kept=kept)
            count = len(uploads) + (len(kept.files) if kept else 0)
            self.message_user(request, upload_saved_message(count), messages.INFO)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/vaughn/", view(self.vaughn_view), name="documents_release_vaughn"),
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="documents_release_progress",
            ),
            path(
                "vaughn/lawsuit/<int:pk>/",
                view(self.lawsuit_vaughn_view),
                name="documents_lawsuit_vaughn",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        """The ingestion progress the release page polls while its files are read."""
        release = get_object_or_404(Release, pk=pk)
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        progress = selectors.release_progress(release=release)
        response = JsonResponse(progress)
        response["Cache-Control"] = "no-store"
        return response

    def vaughn_view(self, request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
        _require_document_view(request)
        release = get_object_or_404(Release.objects.select_related("request"), pk=pk)
        return _vaughn(
            self, request, f"Vaughn index: {release}", selectors.vaughn_index(release_id=pk)
        )

    def lawsuit_vaughn_view(
        self, request: HttpRequest, pk: int
    ) -> HttpResponse | StreamingHttpResponse:
        _require_document_view(request)
        lawsuit = get_object_or_404(Lawsuit, pk=pk)
        return _vaughn(
            self, request, f"Vaughn index: {lawsuit}", selectors.vaughn_index(lawsuit_id=pk)
        )


VAUGHN_COLUMNS = [
    "Bates",
    "Date",
    "From",
    "To",
    "Subject or description",
    "Exemptions",
    "Pages withheld",
    "Withheld",
]


def _require_document_view(request: HttpRequest) -> None:
    if not request.user.has_perm("documents.view_document"):
        raise PermissionDenied


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A spreadsheet must not run what a document's subject says: text that would start a
    formula is prefixed with an apostrophe (OWASP CSV injection guidance)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _vaughn_rows(documents: QuerySet[Document]) -> Any:
    for d in documents:
        yield [
            d.bates_number,
            d.sent_at.date().isoformat() if d.sent_at else d.release.released_on.isoformat(),
            d.sender,
            d.recipients,
            d.subject or d.original_name,
            ", ".join(e.code for e in d.exemptions.all()),
            d.pages_withheld,
            "in full" if d.withheld_in_full else "in part",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _vaughn(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    title: str,
    documents: QuerySet[Document],
) -> HttpResponse | StreamingHttpResponse:
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        rows = (
            writer.writerow([_cell(cell) for cell in row])
            for row in [VAUGHN_COLUMNS, *_vaughn_rows(documents)]
        )
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="vaughn-index.csv"'
        return response
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "columns": VAUGHN_COLUMNS,
        "rows": list(_vaughn_rows(documents)),
        "opts": Release._meta,
    }
    return TemplateResponse(request, "admin/documents/vaughn_index.html", context)


class DocumentForm(forms.ModelForm):
    """Staff add documents withheld in full (no file) for the Vaughn index; files come from
    ingestion."""

    class Meta:
        model = Document
        fields = [
            "release",
            "original_name",
            "bates_number",
            "subject",
            "sender",
            "recipients",
            "sent_at",
            "text",
            "exemptions",
            "redacted",
            "withheld_in_full",
            "pages_withheld",
        ]


class ReleaseFilter(admin.SimpleListFilter):
    """Releases by name, loaded with their agencies in one query."""

    title = "release"
    parameter_name = "release__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        releases = Release.objects.select_related("request__agency").order_by("-released_on")
        return [(r.pk, str(r)) for r in releases[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(release_id=value) if value and value.isdigit() else queryset


class ExemptionFilter(admin.SimpleListFilter):
    title = "exemption"
    parameter_name = "exemption"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(e.pk, str(e)) for e in Exemption.objects.select_related("jurisdiction")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(exemptions__pk=value) if value and value.isdigit() else queryset


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = [
        "__str__",
        "kind",
        "sender",
        "sent_at",
        "release",
        "bates_number",
        "withholding",
    ]
    list_filter = [
        "kind",
        "redacted",
        "withheld_in_full",
        ExemptionFilter,
        ReleaseFilter,
    ]
    search_fields = ["subject"]  # replaced by full-text search below
    date_hierarchy = "sent_at"
    list_select_related = ["release__request__agency"]
    autocomplete_fields = ["release", "exemptions"]
    readonly_fields = [
        "original_link",
        "last_downloads",
        "size",
        "sha256",
        "media_type",
        "page_count",
        "message_id",
        "in_reply_to",
        "parent",
        "source",
        "warnings",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(DocumentForm.Meta.fields)
        return fields + list(self.readonly_fields) if obj else fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Document], search_term: str
    ) -> tuple[QuerySet[Document], bool]:
        if not search_term.strip():
            return queryset, False
        return selectors.document_matches(queryset, search_term), False

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = [c for c in super().get_list_display(request) if c != "snippet"]
        term = request.GET.get("q", "").strip()
        if not term:
            return columns

        # The snippet column belongs to this request's search, not to the shared admin object.
        @admin.display(description="snippet")
        def snippet(obj: Document) -> str:
            return selectors.snippet_for(obj, term)

        return [*columns, snippet]

    @admin.display(description="withheld")
    def withholding(self, obj: Document) -> str:
        if obj.withheld_in_full:
            return "in full"
        return "in part" if obj.redacted else ""

    @admin.display(description="original")
    def original_link(self, obj: Document) -> str:
        if not obj.has_original:
            return "No file (withheld in full)."
        # The API's address, which checks the login's role and records the download: stored
        # files have no address of their own (core/storage.py).
        return format_html(
            '<a href="{}">Download original ({})</a> {}',
            reverse("document-original", args=[obj.pk]),
            originals.original_description(obj),
            originals.original_filename(obj),
        )

    @admin.display(description="last downloads")
    def last_downloads(self, obj: Document) -> str:
        shown = 10
        downloads = list(obj.downloads.all()[: shown + 1])
        if not downloads:
            return "Not downloaded yet."
        every = reverse("admin:documents_download_changelist") + f"?document__id__exact={obj.pk}"
        rows = format_html_join(
            "",
            "<li>{} by {} ({})</li>",
            (
                (
                    f"{localtime(d.downloaded_at):%Y-%m-%d %H:%M %Z}",
                    d.username,
                    d.get_door_display(),
                )
                for d in downloads[:shown]
            ),
        )
        more = "every download" if len(downloads) > shown else "in the list of downloads"
        return format_html('<ul>{}</ul><a href="{}">See {}</a>', rows, every, more)

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        services.document_record_by_hand(document=obj)


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    """Who downloaded which original, when, through which door: read-only, as a record is."""

    list_display = ["downloaded_at", "username", "document_link", "door"]
    list_filter = ["door", "downloaded_at"]
    search_fields = ["username", "document_name", "sha256"]
    date_hierarchy = "downloaded_at"
    list_select_related = ["document"]
    fields = ("downloaded_at", "username", "user", "document", "document_name", "sha256", "door")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="document", ordering="document_name")
    def document_link(self, obj: Download) -> str:
        if obj.document_id is None:
            return f"{obj.document_name} (deleted)"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:documents_document_change", args=[obj.document_id]),
            obj.document_name,
        )


@admin.register(FixityCheck)
class FixityCheckAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "checked", "changed_count", "missing_count"]
    readonly_fields = ["started_at", "finished_at", "checked", "changed", "missing"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="changed")
    def changed_count(self, obj: FixityCheck) -> int:
        return len(obj.changed)

    @admin.display(description="missing")
    def missing_count(self, obj: FixityCheck) -> int:
        return len(obj.missing)


# --- Releases on their request's and lawsuit's pages ---------------------------------------------


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "released_on",
        "description",
        "ingestion_state",
        "documents_count",
        "pages_released",
        "pages_withheld_in_full",
        "pages_withheld_in_part",
    ]
    readonly_fields = [
        "released_on",
        "description",
        "ingestion_state",
        "documents_count",
        "pages_released",
        "pages_withheld_in_full",
        "pages_withheld_in_part",
    ]
    verbose_name_plural = "releases (productions)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        return (
            super()
            .get_queryset(request)
            .select_related("request__agency")
            .annotate(_documents=Count("documents"))
        )

    @admin.display(description="documents")
    def documents_count(self, obj: Release) -> int:
        return getattr(obj, "_documents", 0)

    @admin.display(description="ingestion")
    def ingestion_state(self, obj: Release) -> str:
        return str(obj.get_ingestion_display())


class RequestReleaseInline(ReleaseInline):
    fk_name = "request"


class LawsuitReleaseInline(ReleaseInline):
    fk_name = "lawsuit"


def _totals_text(releases: QuerySet[Release]) -> str:
    totals = selectors.release_totals(releases)
    if not totals.releases:
        return "No releases yet."
    top = ", ".join(f"{code} ({n})" for code, n in totals.top_exemptions) or "none cited"
    return (
        f"{totals.releases} release(s), {totals.documents} document(s); pages released "
        f"{totals.pages_released}, withheld in full {totals.pages_withheld_in_full}, in part "
        f"{totals.pages_withheld_in_part}; top exemptions: {top}."
    )


@admin.display(description="release totals")
def _request_release_totals(model_admin: Any, obj: Any) -> str:
    return _totals_text(Release.objects.filter(request=obj)) if obj.pk else "—"


@admin.display(description="release totals")
def _lawsuit_release_totals(model_admin: Any, obj: Any) -> str:
    if not obj.pk:
        return "—"
    url = reverse("admin:documents_lawsuit_vaughn", args=[obj.pk])
    return format_html(
        '{} <a href="{}">Vaughn index</a> · <a href="{}?format=csv">CSV</a>',
        _totals_text(Release.objects.filter(lawsuit=obj)),
        url,
        url,
    )


class LawsuitWithReleasesForm(LawsuitForm):
    """A request cannot leave a suit that produced releases of it (a release's lawsuit must
    cover its request)."""

    def clean_requests(self) -> Any:
        chosen = super().clean_requests()
        if self.instance.pk:
            kept = {r.pk for r in chosen or []}
            produced = (
                Release.objects.filter(lawsuit=self.instance)
                .exclude(request_id__in=kept)
                .select_related("request")
            )
            if produced:
                names = ", ".join(sorted({f"“{r.request}”" for r in produced}))
                raise forms.ValidationError(
                    f"Releases were produced under this suit for {names}: those requests stay."
                )
        return chosen


class RecordsRequestWithReleasesAdmin(RecordsRequestAdmin):
    """The tracker's request page with the releases it produced: the domain core's admin knows
    nothing of documents, so this app extends it by subclassing and registering it again."""

    inlines = [*RecordsRequestAdmin.inlines, RequestReleaseInline]
    readonly_fields = [*RecordsRequestAdmin.readonly_fields, "release_totals"]
    fieldsets = [*RecordsRequestAdmin.fieldsets, ("Releases", {"fields": ["release_totals"]})]

    @admin.display(description="release totals")
    def release_totals(self, obj: RecordsRequest) -> str:
        return _request_release_totals(self, obj)


class LawsuitWithReleasesAdmin(LawsuitAdmin):
    """The tracker's lawsuit page with its productions and Vaughn index."""

    form = LawsuitWithReleasesForm
    inlines = [*LawsuitAdmin.inlines, LawsuitReleaseInline]
    readonly_fields = [*LawsuitAdmin.readonly_fields, "release_totals"]
    fieldsets = [*LawsuitAdmin.fieldsets, ("Releases", {"fields": ["release_totals"]})]

    @admin.display(description="release totals")
    def release_totals(self, obj: Lawsuit) -> str:
        return _lawsuit_release_totals(self, obj)


admin.site.unregister(RecordsRequest)
admin.site.register(RecordsRequest, RecordsRequestWithReleasesAdmin)
admin.site.unregister(Lawsuit)
admin.site.register(Lawsuit, LawsuitWithReleasesAdmin)
