"""Records requests and appeals in the admin: the day-to-day page of advocacy staff."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.today import organisation_today
from requests_app import services
from requests_app.admin.action_pages import action_page, actor
from requests_app.admin.deadlines import AppealDeadlineInline, DueFilter, RequestDeadlineInline
from requests_app.admin.filters import RelationFilter
from requests_app.admin.history import HistoryAdmin
from requests_app.admin.people import limit_pickers
from requests_app.deadlines import hooks
from requests_app.deadlines.selectors import (
    deadline_state,
    next_deadline,
    next_deadline_annotations,
)
from requests_app.models import (
    Appeal,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    RequestKind,
    TrackingNumber,
)
from requests_app.workflow import (
    PENDING,
    RequestStatus,
    TransitionNotAllowed,
    allowed_targets,
    can_transition,
)

User = get_user_model()


class TrackingNumberForm(forms.ModelForm):
    class Meta:
        model = TrackingNumber
        fields = ["number", "agency", "assigned_on", "note"]

    def __init__(self, *args: Any, parent_request: RecordsRequest | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.parent_request = parent_request

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parent = self.parent_request
        if not cleaned.get("agency") and parent is not None and parent.agency_id:
            # Default to the request's agency, before the model checks the per-agency uniqueness.
            cleaned["agency"] = parent.agency
        if cleaned.get("number"):
            cleaned["number"] = cleaned["number"].strip()
        return cleaned


class TrackingNumberFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "parent_request": self.instance}

    def clean(self) -> None:
        super().clean()
        seen: set[tuple[Any, str]] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("number"):
                continue
            key = (data.get("agency"), data["number"])
            if key in seen:
                raise ValidationError(f"Tracking number {data['number']} is entered twice.")
            seen.add(key)


class TrackingNumberInline(admin.TabularInline):
    model = TrackingNumber
    form = TrackingNumberForm
    formset = TrackingNumberFormSet
    extra = 0
    autocomplete_fields = ["agency"]
    verbose_name_plural = (
        "tracking numbers (newest first; agencies re-number on referral and appeal)"
    )


class RequestEventForm(forms.ModelForm):
    late_reason = forms.CharField(
        label="why accept a late notice",
        required=False,
        max_length=500,
        help_text="Only for an extension notice dated after the deadline it extends (the "
        "agency must give written notice before the time limit expires): why it is accepted.",
    )

    class Meta:
        model = RequestEvent
        fields = ["occurred_on", "kind", "direction", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Status changes are written by the workflow, never typed in by hand.
        if self.instance.kind != RequestEvent.Kind.STATUS_CHANGED:
            kind: Any = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] != RequestEvent.Kind.STATUS_CHANGED]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") and self.instance.pk is None:
            try:
                services.late_reason_check(
                    kind=cleaned["kind"], late_reason=cleaned.get("late_reason", "")
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


# Timeline entries that are also events in the law: logging one moves the agency's clock.
CLOCK_EVENTS = {
    RequestEvent.Kind.CLARIFICATION_REQUESTED,
    RequestEvent.Kind.FEE_NOTICE,
    RequestEvent.Kind.CLARIFICATION_ANSWERED,
    RequestEvent.Kind.EXTENSION_NOTICE,
}


class RequestEventFormSet(forms.BaseInlineFormSet):
    """Letters that stop, restart or extend the clock are checked before anything saves."""

    def clean(self) -> None:
        super().clean()
        clock_forms = [
            form
            for form in self.forms
            if (data := getattr(form, "cleaned_data", None))
            and not data.get("DELETE")
            and form.instance.pk is None
            and data.get("kind") in CLOCK_EVENTS
        ]
        if len(clock_forms) > 1:
            raise ValidationError(
                "Log one letter that stops, restarts or extends the clock at a time."
            )
        if not clock_forms:
            return
        request = self.instance
        kind = clock_forms[0].cleaned_data["kind"]
        on = clock_forms[0].cleaned_data.get("occurred_on")
        status = request.status
        label = RequestStatus(status).label
        problem = None
        if kind in (RequestEvent.Kind.CLARIFICATION_REQUESTED, RequestEvent.Kind.FEE_NOTICE):
            if not can_transition(status, RequestStatus.TOLLED):
                problem = f"A request that is “{label}” cannot be tolled."
            elif on and request.received_on and on < request.received_on:
                problem = "The agency cannot stop the clock before it received the request."
        elif kind == RequestEvent.Kind.CLARIFICATION_ANSWERED:
            stopped = request.deadlines.filter(paused_on__isnull=False, status="open").first()
            if status != RequestStatus.TOLLED:
                problem = f"The request is “{label}”, not tolled: there is no stopped clock."
            elif on and stopped and stopped.paused_on and on < stopped.paused_on:
                problem = f"The reply cannot predate the stop ({stopped.paused_on})."
        elif request.pk is None:
            problem = "Save the request with its receipt date before logging an extension."
        elif on:
            self._check_extension_notice(clock_forms[0], on)
        if problem:
            raise ValidationError(problem)

    def _check_extension_notice(self, form: forms.BaseForm, on: datetime.date) -> None:
        """The service's own check, its errors shown on the row's fields they name."""
        try:
            hooks.extension_notice_check(
                request=self.instance, on=on, late_reason=form.cleaned_data.get("late_reason", "")
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)


class RequestEventInline(admin.TabularInline):
    """The timeline: entries are added, never rewritten (a correction is a new entry)."""

    model = RequestEvent
    form = RequestEventForm
    formset = RequestEventFormSet
    extra = 0
    can_delete = False
    fields = [
        "occurred_on",
        "kind",
        "direction",
        "text",
        "late_reason",
        "status_change",
        "created_by",
    ]
    readonly_fields = ["status_change", "created_by"]
    verbose_name_plural = "timeline"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="why accept a late notice")
    def late_reason(self, obj: RequestEvent) -> str:
        """Logged rows are read-only, and the reason is asked only while logging a late notice
        (its timeline text keeps it): without this, Django shows the form-only field of a
        logged row as "None"."""
        return ""

    @admin.display(description="status")
    def status_change(self, obj: RequestEvent) -> str:
        if not obj.to_status:
            return ""
        before = RequestStatus(obj.from_status).label if obj.from_status else "—"
        return f"{before} → {RequestStatus(obj.to_status).label}"


class AppealForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["filed_on", "received_on", "tracking_number", "decided_on", "outcome", "notes"]


class AppealFormSet(forms.BaseInlineFormSet):
    """An appeal can only be added after an adverse determination; say so before anything saves."""

    def clean(self) -> None:
        super().clean()
        status = self.instance.status
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            adding = form.instance.pk is None and status != RequestStatus.APPEALED
            if adding and not can_transition(status, RequestStatus.APPEALED):
                raise ValidationError(
                    f"An appeal cannot be added while the request is "
                    f"“{RequestStatus(status).label}”: appeals follow an adverse "
                    f"determination (partially released, denied or no records)."
                )


class AppealInline(admin.StackedInline):
    model = Appeal
    form = AppealForm
    formset = AppealFormSet
    extra = 0
    show_change_link = True


# Moves that carry a date the timeline must give: tolling stops the clock on the letter's date,
# resuming restarts it on the reply's date.
_TIMELINE_ONLY_TARGETS = frozenset({RequestStatus.TOLLED})


class RecordsRequestForm(forms.ModelForm):
    """The request page's form: the status may only move along the workflow."""

    class Meta:
        model = RecordsRequest
        fields = [
            "title",
            "records_sought",
            "jurisdiction",
            "agency",
            "topics",
            "owner",
            "assigned_staff",
            "status",
            "filed_on",
            "received_on",
            "acknowledged_on",
            "determined_on",
            "closed_on",
            "request_kind",
            "expedited_processing",
            "fee_waiver",
            "fees_estimated",
            "fees_paid",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_pickers(self, "owner", "assigned_staff")
        # Most requests are standard; a form that leaves the kind out means that.
        self.fields["request_kind"].required = False

    def clean_request_kind(self) -> str:
        return self.cleaned_data.get("request_kind") or RequestKind.STANDARD

    def clean_status(self) -> str:
        new = self.cleaned_data["status"]
        old = self.initial.get("status") if self.instance.pk else None
        if old and old != new:
            try:
                services.request_check_move(request=self.instance, from_status=old, to_status=new)
            except TransitionNotAllowed as exc:
                raise ValidationError(str(exc)) from None
        if old and old != new and new == RequestStatus.TOLLED:
            raise ValidationError(
                "To toll, log the agency's letter in the timeline (“Clarification requested” or "
                "“Fee notice”): the clock stops on the letter's date."
            )
        if old == RequestStatus.TOLLED and new in PENDING:
            raise ValidationError(
                "To resume, log our reply in the timeline (“Clarification answered”): the clock "
                "restarts on the reply's date with the days that were left."
            )
        return new


class OverdueLawsuitFilter(admin.SimpleListFilter):
    title = "lawsuit"
    parameter_name = "lawsuit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = [("none", "Not in litigation")]
        items += [
            (str(pk), caption) for pk, caption in Lawsuit.objects.values_list("pk", "caption")
        ]
        return items

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> QuerySet[RecordsRequest]:
        value = self.value()
        if value == "none":
            return queryset.filter(lawsuits__isnull=True)
        if value and value.isdigit():
            return queryset.filter(lawsuits__pk=int(value))
        return queryset


class AssignOwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, is_staff=True).order_by("username"),
        help_text="The person who will be responsible for the selected requests.",
    )


class AcknowledgmentForm(forms.Form):
    acknowledged_on = forms.DateField(
        label="Acknowledged on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date of the agency's acknowledgment letter.",
    )

    def clean_acknowledged_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["acknowledged_on"]
        if value > organisation_today():
            raise ValidationError("An acknowledgment cannot be dated in the future.")
        return value


@admin.register(RecordsRequest)
class RecordsRequestAdmin(HistoryAdmin):
    form = RecordsRequestForm
    list_display = [
        "title",
        "status",
        "agency",
        "owner",
        "latest_tracking_number",
        "filed_on",
        "next_deadline",
    ]
    list_filter = [
        "status",
        "jurisdiction",
        ("agency", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        DueFilter,
        OverdueLawsuitFilter,
        ("topics", RelationFilter),
    ]
    search_fields = ["title", "tracking_numbers__number", "records_sought"]
    date_hierarchy = "filed_on"
    # Owner and staff are plain selects of the people who work here (requests_app.admin.people):
    # an autocomplete would need permission to view users, which no role holds.
    autocomplete_fields = ["agency", "topics"]
    list_select_related = ["agency", "agency__parent", "owner"]
    readonly_fields = ["lawsuit_links", "appeal_deadlines", "created_at", "updated_at"]
    inlines = [RequestDeadlineInline, TrackingNumberInline, AppealInline, RequestEventInline]
    actions = ["assign_owner", "record_acknowledgment"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "records_sought",
                    "jurisdiction",
                    "agency",
                    "request_kind",
                    "topics",
                ]
            },
        ),
        ("People", {"fields": ["owner", "assigned_staff"]}),
        (
            "Status and dates",
            {
                "fields": [
                    "status",
                    "filed_on",
                    "received_on",
                    "acknowledged_on",
                    "determined_on",
                    "closed_on",
                ],
                "description": "Status moves along the workflow only; a forbidden move is refused "
                "with the states it could go to.",
            },
        ),
        (
            "Expedited processing and fees",
            {"fields": ["expedited_processing", "fee_waiver", "fees_estimated", "fees_paid"]},
        ),
        ("Appeals", {"fields": ["appeal_deadlines"]}),
        ("Litigation", {"fields": ["lawsuit_links"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordsRequest]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "tracking_numbers", queryset=TrackingNumber.objects.order_by("-assigned_on")
                )
            )
            .annotate(**next_deadline_annotations())
        )

    @admin.display(
        description="next deadline", ordering=F("next_deadline_due_on").asc(nulls_last=True)
    )
    def next_deadline(self, obj: RecordsRequest) -> str:
        deadline = next_deadline(obj)
        if deadline is None:
            return "—"
        return f"{deadline.label}: {deadline.due_on} — {deadline_state(deadline).words}"

    @admin.display(description="appeals' deadlines")
    def appeal_deadlines(self, obj: RecordsRequest) -> str:
        """The deadlines of the request's appeals, in date order (each appeal's page has them with
        their explanations)."""
        if not obj.pk:
            return "—"
        rows = list(
            Deadline.objects.filter(appeal__request=obj)
            .select_related("appeal", "responsible")
            .order_by("due_on", "pk")
        )
        if not rows:
            return "No appeal deadlines."
        return format_html(
            "<table><tr><th>appeal</th><th>deadline</th><th>due</th><th>state</th>"
            "<th>responsible</th></tr>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        reverse("admin:requests_app_appeal_change", args=[d.appeal_id]),
                        str(d.appeal),
                        d.label,
                        d.due_on,
                        deadline_state(d).words,
                        d.responsible or "—",
                    )
                    for d in rows
                ),
            ),
        )

    @admin.display(description="tracking number")
    def latest_tracking_number(self, obj: RecordsRequest) -> str:
        current = obj.current_tracking_number()
        return current.number if current else "—"

    @admin.display(description="lawsuits")
    def lawsuit_links(self, obj: RecordsRequest) -> str:
        if not obj.pk:
            return "—"
        suits = list(obj.lawsuits.all())
        if not suits:
            return "Not covered by a lawsuit."
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((s.get_admin_url(), str(s)) for s in suits)
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("owner", request.user.pk)
        return initial

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "status":
            obj = getattr(request, "_editing_request", None)
            if obj is not None:
                allowed = set(allowed_targets(obj.status)) - _TIMELINE_ONLY_TARGETS
                if obj.status == RequestStatus.TOLLED:
                    allowed -= PENDING
                allowed.add(obj.status)
                field.choices = [c for c in field.choices if c[0] in allowed]
        return field

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        request._editing_request = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: RecordsRequest, form: Any, change: bool
    ) -> None:
        status_moved = change and "status" in form.changed_data
        new_status = obj.status
        if status_moved:
            # Save the other edits first; the service then moves the status through the workflow,
            # checked again under a row lock.
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        services.request_apply_edits(
            request=obj,
            changed=set(form.changed_data),
            created=not change,
            to_status=new_status if status_moved else None,
            by=actor(request),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is TrackingNumber:
            self._save_tracking_numbers(request, formset)
        elif formset.model is Appeal:
            self._save_appeals(request, formset)
        elif formset.model is RequestEvent:
            self._save_events(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_events(self, request: HttpRequest, formset: Any) -> None:
        late_reasons = {
            id(form.instance): form.cleaned_data.get("late_reason", "")
            for form in formset.forms
            if getattr(form, "cleaned_data", None)
        }
        for event in formset.save(commit=False):
            if event.pk is None and event.kind in CLOCK_EVENTS:
                # The service logs the letter itself and moves the status and the deadlines.
                services.request_log_letter(
                    request=formset.instance,
                    kind=event.kind,
                    on=event.occurred_on,
                    text=event.text,
                    late_reason=late_reasons.get(id(event), ""),
                    by=actor(request),
                )
                continue
            if event.pk is None:
                services.request_log_entry(
                    request=formset.instance,
                    kind=event.kind,
                    on=event.occurred_on,
                    direction=event.direction,
                    text=event.text,
                    by=actor(request),
                )
                continue
            event.save()
        for event in formset.deleted_objects:
            event.delete()

    def _save_tracking_numbers(self, request: HttpRequest, formset: Any) -> None:
        numbers = formset.save(commit=False)
        for number in numbers:
            if number.pk is None:
                services.tracking_number_assign(
                    request=formset.instance,
                    number=number.number,
                    assigned_on=number.assigned_on,
                    agency=number.agency,
                    note=number.note,
                    by=actor(request),
                )
            else:
                number._history_user = request.user
                number.save()
        for number in formset.deleted_objects:
            number.delete()

    def _save_appeals(self, request: HttpRequest, formset: Any) -> None:
        appeals = formset.save(commit=False)  # also fills formset.changed_objects
        changed_fields = {obj.pk: fields for obj, fields in formset.changed_objects}
        for appeal in appeals:
            appeal._history_user = request.user
            services.appeal_save(
                appeal=appeal,
                request=formset.instance,
                changed=set(changed_fields.get(appeal.pk, [])),
                by=actor(request),
            )
        for appeal in formset.deleted_objects:
            appeal.delete()

    @admin.action(description="Assign an owner to the selected requests", permissions=["change"])
    def assign_owner(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> HttpResponse | None:
        form = AssignOwnerForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = services.requests_assign_owner(
                requests=list(queryset), owner=form.cleaned_data["owner"], by=actor(request)
            )
            self.message_user(
                request,
                f"Assigned {changed} request(s) to {form.cleaned_data['owner']}; "
                f"{queryset.count() - changed} already had that owner.",
                messages.SUCCESS,
            )
            return None
        return action_page(self, request, queryset, form, "assign_owner", "Assign an owner")

    @admin.action(description="Record acknowledgment (with its date)", permissions=["change"])
    def record_acknowledgment(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> HttpResponse | None:
        form = AcknowledgmentForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = services.requests_acknowledge(
                requests=list(queryset),
                acknowledged_on=form.cleaned_data["acknowledged_on"],
                by=actor(request),
            )
            if done:
                self.message_user(
                    request,
                    f"Recorded the acknowledgment of {len(done)} request(s).",
                    messages.SUCCESS,
                )
            for req, reason in refused:
                self.message_user(
                    request, f"“{req}” was left unchanged: {reason}", messages.WARNING
                )
            return None
        return action_page(
            self, request, queryset, form, "record_acknowledgment", "Record an acknowledgment"
        )


@admin.register(Appeal)
class AppealAdmin(HistoryAdmin):
    list_display = [
        "request",
        "filed_on",
        "received_on",
        "decided_on",
        "outcome",
        "tracking_number",
    ]
    list_filter = ["outcome", ("request__agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["request__title", "tracking_number"]
    date_hierarchy = "filed_on"
    autocomplete_fields = ["request"]
    list_select_related = ["request"]
    readonly_fields = ["request", "filed_on", "decided_on", "outcome"]
    inlines = [AppealDeadlineInline]

    def save_model(self, request: HttpRequest, obj: Appeal, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.received_on and "received_on" in form.changed_data:
            # Receipt of the appeal starts (or, corrected, recounts) its 20 working days.
            services.appeal_record_receipt(
                appeal=obj, received_on=obj.received_on, by=actor(request)
            )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Appeals are added on their request's page, where the workflow can move the request.
        return False
