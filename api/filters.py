"""Filters for the API's lists (django-filter). An invalid value is a 400 naming the parameter.

Every "today" is the organisation's date (``TIME_ZONE``); overdue is derived, never stored: an open
deadline, not stopped (tolled), whose day has passed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from api.bounds import KEY_SCHEMA, KeyChoiceField, integer_schema
from documents.exemptions import exemption_code
from documents.models import Document, Release
from reminders.models import Reminder
from requests_app.deadlines.selectors import due_within_q, overdue_q, running_q
from requests_app.models import (
    Agency,
    Appeal,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    Topic,
)
from requests_app.workflow import RequestStatus

MAX_DUE_WITHIN = 3660


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, never silently ignored."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise forms.ValidationError(
            "Expected true or false; got %(value)r.", code="invalid", params={"value": value}
        )


class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField


class DaysFilter(filters.NumberFilter):
    field_class = forms.IntegerField


@extend_schema_field(KEY_SCHEMA)
class KeyFilter(filters.ModelChoiceFilter):
    """A row by its id (1 to ``api.bounds.MAX_KEY``: anything else is a 400 before any query)."""

    field_class = KeyChoiceField


def _agency_and_components(agency: Agency) -> Q:
    return Q(pk=agency.pk) | Q(parent_id=agency.pk)


AGENCY_HELP = "Agency id; a department includes its components (DOJ includes FBI and DEA)."
OWNER_HELP = "User id of the person responsible."


def _agency_filter(**kwargs: Any) -> KeyFilter:
    kwargs.setdefault("help_text", AGENCY_HELP)
    return KeyFilter(queryset=Agency.objects.all(), **kwargs)


def _user_filter(**kwargs: Any) -> KeyFilter:
    kwargs.setdefault("help_text", OWNER_HELP)
    return KeyFilter(queryset=get_user_model().objects.all(), **kwargs)


def _jurisdiction_filter(**kwargs: Any) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        help_text="Jurisdiction code: US, US-MA, US-CA, …",
        **kwargs,
    )


def _date(field: str, lookup: str, what: str) -> filters.DateFilter:
    side = "on or after" if lookup == "gte" else "on or before"
    return filters.DateFilter(
        field_name=field, lookup_expr=lookup, help_text=f"{what} {side} this date (YYYY-MM-DD)."
    )


def _has_deadline(owner: str, condition: Q) -> Exists:
    """Whether the request, appeal or lawsuit (``owner``: the deadline's field pointing at it)
    has a deadline meeting ``condition``."""
    return Exists(Deadline.objects.filter(condition, **{owner: OuterRef("pk")}))


def _due_within_filter(**kwargs: Any) -> DaysFilter:
    days = DaysFilter(
        min_value=0,
        max_value=MAX_DUE_WITHIN,
        help_text="Open deadlines due from today through today + N days.",
        **kwargs,
    )
    return extend_schema_field(integer_schema(0, MAX_DUE_WITHIN))(days)


class JurisdictionFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Jurisdiction.Level.choices)

    class Meta:
        model = Jurisdiction
        fields = ["level"]


class AgencyFilter(filters.FilterSet):
    jurisdiction = _jurisdiction_filter()
    parent = _agency_filter(help_text="Components of this agency.")
    top_level = StrictBooleanFilter(
        method="filter_top_level", help_text="true: departments only; false: components only."
    )

    class Meta:
        model = Agency
        fields = ["jurisdiction", "parent"]

    def filter_top_level(self, queryset: QuerySet[Agency], name: str, value: bool) -> Any:
        return queryset.filter(parent__isnull=value)


class RecordsRequestFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    agency = _agency_filter(method="filter_agency")
    jurisdiction = _jurisdiction_filter()
    owner = _user_filter()
    lawsuit = KeyFilter(
        queryset=Lawsuit.objects.all(), field_name="lawsuits", help_text="Lawsuit id."
    )
    topic = filters.CharFilter(
        method="filter_topic", help_text="Topic (tag) name, case-insensitive."
    )
    filed_after = _date("filed_on", "gte", "Filed")
    filed_before = _date("filed_on", "lte", "Filed")
    received_after = _date("received_on", "gte", "Received by the agency")
    received_before = _date("received_on", "lte", "Received by the agency")
    due_after = filters.DateFilter(
        method="filter_due_after", help_text="Has an open deadline due on or after this date."
    )
    due_before = filters.DateFilter(
        method="filter_due_before", help_text="Has an open deadline due on or before this date."
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text="true: has an overdue deadline; false: has none."
    )
    due_within = _due_within_filter(method="filter_due_within")
    has_release = StrictBooleanFilter(
        method="filter_has_release", help_text="true: at least one release; false: none."
    )

    class Meta:
        model = RecordsRequest
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        return queryset.filter(Q(agency_id=value.pk) | Q(agency__parent_id=value.pk))

    def filter_topic(self, queryset: QuerySet[Any], name: str, value: str) -> Any:
        topics = Topic.objects.filter(name__iexact=value.strip(), requests=OuterRef("pk"))
        return queryset.filter(Exists(topics))

    def filter_due_after(self, queryset: QuerySet[Any], name: str, value: Any) -> Any:
        return queryset.filter(_has_deadline("request", running_q() & Q(due_on__gte=value)))

    def filter_due_before(self, queryset: QuerySet[Any], name: str, value: Any) -> Any:
        return queryset.filter(_has_deadline("request", running_q() & Q(due_on__lte=value)))

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        overdue = _has_deadline("request", overdue_q())
        return queryset.filter(overdue if value else ~overdue)

    def filter_due_within(self, queryset: QuerySet[Any], name: str, value: int) -> Any:
        return queryset.filter(_has_deadline("request", due_within_q(value)))

    def filter_has_release(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        releases = Exists(Release.objects.filter(request=OuterRef("pk")))
        return queryset.filter(releases if value else ~releases)


class AppealFilter(filters.FilterSet):
    request = KeyFilter(queryset=RecordsRequest.objects.all())
    outcome = filters.MultipleChoiceFilter(choices=Appeal.Outcome.choices)
    agency = _agency_filter(method="filter_agency")
    jurisdiction = _jurisdiction_filter(field_name="request__jurisdiction")
    owner = _user_filter(field_name="request__owner")
    filed_after = _date("filed_on", "gte", "Filed")
    filed_before = _date("filed_on", "lte", "Filed")
    received_after = _date("received_on", "gte", "Received by the agency")
    received_before = _date("received_on", "lte", "Received by the agency")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Has an overdue deadline.")
    due_within = _due_within_filter(method="filter_due_within")

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        return queryset.filter(
            Q(request__agency_id=value.pk) | Q(request__agency__parent_id=value.pk)
        )

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        overdue = _has_deadline("appeal", overdue_q())
        return queryset.filter(overdue if value else ~overdue)

    def filter_due_within(self, queryset: QuerySet[Any], name: str, value: int) -> Any:
        return queryset.filter(_has_deadline("appeal", due_within_q(value)))


class LawsuitFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Lawsuit.Status.choices)
    agency = _agency_filter(method="filter_agency", help_text=AGENCY_HELP + " (defendants)")
    request = KeyFilter(
        queryset=RecordsRequest.objects.all(), field_name="requests", help_text="Request id."
    )
    counsel = _user_filter(field_name="counsel")
    filed_after = _date("filed_on", "gte", "Filed")
    filed_before = _date("filed_on", "lte", "Filed")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Has an overdue deadline.")
    due_within = _due_within_filter(method="filter_due_within")
    has_release = StrictBooleanFilter(method="filter_has_release", help_text="Has a release.")

    class Meta:
        model = Lawsuit
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        defendants = Agency.objects.filter(
            _agency_and_components(value), lawsuits_as_defendant=OuterRef("pk")
        )
        return queryset.filter(Exists(defendants))

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        overdue = _has_deadline("lawsuit", overdue_q())
        return queryset.filter(overdue if value else ~overdue)

    def filter_due_within(self, queryset: QuerySet[Any], name: str, value: int) -> Any:
        return queryset.filter(_has_deadline("lawsuit", due_within_q(value)))

    def filter_has_release(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        releases = Exists(Release.objects.filter(lawsuit=OuterRef("pk")))
        return queryset.filter(releases if value else ~releases)


class DeadlineFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Deadline.Status.choices)
    source = filters.ChoiceFilter(choices=Deadline.Source.choices)
    request = KeyFilter(
        queryset=RecordsRequest.objects.all(),
        method="filter_request",
        help_text="Request id: its own deadlines and those of its appeals.",
    )
    appeal = KeyFilter(queryset=Appeal.objects.all())
    lawsuit = KeyFilter(queryset=Lawsuit.objects.all())
    agency = _agency_filter(method="filter_agency")
    jurisdiction = _jurisdiction_filter()
    owner = _user_filter(
        method="filter_owner",
        help_text="User id: deadlines this person is responsible for (or, with nobody named, "
        "deadlines of requests they own).",
    )
    rule = filters.CharFilter(help_text="Rule code, e.g. response.")
    due_after = _date("due_on", "gte", "Due")
    due_before = _date("due_on", "lte", "Due")
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text="true: open, running and past due; false: not."
    )
    due_within = _due_within_filter(method="filter_due_within")

    class Meta:
        model = Deadline
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        # Each side is a set of keys the database hashes once (requests, appeals, suits of the
        # agency), not a join per deadline: a deadline belongs to exactly one of the three.
        ids = [value.pk, *Agency.objects.filter(parent_id=value.pk).values_list("pk", flat=True)]
        requests = RecordsRequest.objects.filter(agency_id__in=ids).values("pk")
        appeals = Appeal.objects.filter(request__agency_id__in=ids).values("pk")
        suits = Lawsuit.defendant_agencies.through.objects.filter(agency_id__in=ids)
        return queryset.filter(
            Q(request_id__in=requests)
            | Q(appeal_id__in=appeals)
            | Q(lawsuit_id__in=suits.values("lawsuit_id"))
        )

    def filter_request(self, queryset: QuerySet[Any], name: str, value: RecordsRequest) -> Any:
        # The appeal's clock is part of where the request stands: a request's page shows both.
        appeals = Appeal.objects.filter(request_id=value.pk).values("pk")
        return queryset.filter(Q(request_id=value.pk) | Q(appeal_id__in=appeals))

    def filter_owner(self, queryset: QuerySet[Any], name: str, value: Any) -> Any:
        return queryset.filter(
            Q(responsible=value)
            | Q(responsible__isnull=True, request__owner=value)
            | Q(responsible__isnull=True, appeal__request__owner=value)
        )

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> Any:
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_due_within(self, queryset: QuerySet[Any], name: str, value: int) -> Any:
        return queryset.filter(due_within_q(value))


class ReleaseFilter(filters.FilterSet):
    request = KeyFilter(queryset=RecordsRequest.objects.all())
    lawsuit = KeyFilter(queryset=Lawsuit.objects.all())
    agency = _agency_filter(method="filter_agency")
    jurisdiction = _jurisdiction_filter(field_name="request__jurisdiction")
    owner = _user_filter(field_name="request__owner")
    released_after = _date("released_on", "gte", "Released")
    released_before = _date("released_on", "lte", "Released")
    received_after = _date("received_on", "gte", "Received")
    received_before = _date("received_on", "lte", "Received")
    exemption = filters.CharFilter(
        method="filter_exemption",
        help_text="Exemption code cited, e.g. b5 or b7C (also spelled b7(C), (b)(7)(C)).",
    )

    class Meta:
        model = Release
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        return queryset.filter(
            Q(request__agency_id=value.pk) | Q(request__agency__parent_id=value.pk)
        )

    def filter_exemption(self, queryset: QuerySet[Any], name: str, value: str) -> Any:
        cited = Release.exemptions.through.objects.filter(
            release=OuterRef("pk"), exemption__code__iexact=exemption_code(value)
        )
        return queryset.filter(Exists(cited))


class DocumentFilter(filters.FilterSet):
    release = KeyFilter(queryset=Release.objects.all())
    request = KeyFilter(queryset=RecordsRequest.objects.all())
    lawsuit = KeyFilter(queryset=Lawsuit.objects.all(), field_name="release__lawsuit")
    agency = _agency_filter(method="filter_agency")
    kind = filters.ChoiceFilter(choices=Document.Kind.choices)
    withheld_in_full = StrictBooleanFilter(field_name="withheld_in_full")
    redacted = StrictBooleanFilter(field_name="redacted")
    sent_after = _date("sent_at__date", "gte", "Sent")
    sent_before = _date("sent_at__date", "lte", "Sent")
    released_after = _date("release__released_on", "gte", "Released")
    released_before = _date("release__released_on", "lte", "Released")
    exemption = filters.CharFilter(
        method="filter_exemption",
        help_text="Exemption code applied, e.g. b7C (also spelled b7(C), (b)(7)(C)).",
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_agency(self, queryset: QuerySet[Any], name: str, value: Agency) -> Any:
        return queryset.filter(
            Q(request__agency_id=value.pk) | Q(request__agency__parent_id=value.pk)
        )

    def filter_exemption(self, queryset: QuerySet[Any], name: str, value: str) -> Any:
        applied = Document.exemptions.through.objects.filter(
            document=OuterRef("pk"), exemption__code__iexact=exemption_code(value)
        )
        return queryset.filter(Exists(applied))


class ReminderFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=Reminder.State.choices)
    reason = filters.MultipleChoiceFilter(choices=Reminder.Reason.choices)
    recipient = _user_filter(help_text="The person it is (or was) sent to, by user id.")
    deadline = KeyFilter(queryset=Deadline.objects.all())
    scheduled_after = _date("scheduled_for", "gte", "Scheduled")
    scheduled_before = _date("scheduled_for", "lte", "Scheduled")

    class Meta:
        model = Reminder
        fields: list[str] = []
