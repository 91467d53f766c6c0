"""The admin as each role works in it (staff, lawyers, the operator): every page renders, and the
workflow holds at the form."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from documents import services as document_services
from documents.models import Document, Download, FixityCheck
from reminders import outbox
from requests_app import services
from requests_app.admin.requests import RecordsRequestForm
from requests_app.deadlines import hooks
from requests_app.deadlines.court import court_schedule_create
from requests_app.models import (
    Appeal,
    CourtSchedule,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)
from requests_app.workflow import RequestStatus
from sample_data.demo import demo_seed
from sample_data.demo_release import demo_release_seed
from tests.factories import (
    AgencyFactory,
    AppealFactory,
    DeadlineFactory,
    RecordsRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = RequestStatus
D = datetime.date

REGISTERED = sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry)


#: When the fixture loads the demo: its live strand is dated from that day.
DEMO_LOADED = datetime.datetime(2026, 11, 30, 14, tzinfo=datetime.UTC)


@pytest.fixture
def demo(db):
    with time_machine.travel(DEMO_LOADED, tick=False):
        demo_seed(password="pw-for-tests")
        demo_release_seed()
    Group.objects.get_or_create(name="staff")
    api_token_create(user=User.objects.get(username="demo"), name="Demo spreadsheet")
    # The demo has an appeal and a court schedule of its own (its live strand), dated from the
    # day it is loaded; these, at fixed dates, keep the pages' records the same whatever the day.
    appeal = AppealFactory()
    FixityCheck.objects.create()
    # Nobody has downloaded the demo's originals yet.
    document_services.download_record(
        document=Document.objects.first(),
        user=User.objects.get(username="demo"),
        door=Download.Door.DASHBOARD,
    )
    # No reminder goes out before the send hour: an open deadline and a sweep at a fixed moment
    # give the reminder outbox a row whatever the time.
    DeadlineFactory(request=None, appeal=appeal, due_on=datetime.date(2026, 11, 30))
    outbox.reminders_sweep(now=datetime.datetime(2026, 11, 30, 14, tzinfo=datetime.UTC))
    court_schedule_create(
        schedule=CourtSchedule(
            lawsuit=Lawsuit.objects.first(),
            label="Joint status report",
            order_reference="ECF No. 30",
            recurrence=CourtSchedule.Recurrence.EVERY_N_DAYS,
            interval_days=60,
            first_due=D(2020, 3, 2),
            until=D(2020, 12, 31),
        )
    )


# Who keeps each admin page: staff by default (they log requests, letters, tracking numbers,
# fees, releases and closure days); lawyers own lawsuits, deadlines and court schedules; the
# operator (a superuser) alone manages logins, groups, API tokens, people's reminder preferences
# and the reference data the migrations seed. Every page is opened as its keeper, so a form that
# only its keeper may edit is rendered editable.
KEEPERS = {
    ("requests_app", "lawsuit"): "lawyer_user",
    ("requests_app", "deadline"): "lawyer_user",
    ("requests_app", "courtschedule"): "lawyer_user",
    ("auth", "group"): "superuser",
    ("auth", "user"): "superuser",
    ("accounts", "apitoken"): "superuser",
    ("reminders", "reminderpreference"): "superuser",
    ("requests_app", "jurisdiction"): "superuser",
    ("documents", "exemption"): "superuser",
}
# Appeals, deadlines and court schedules are added on their request's or lawsuit's page, where
# the services can move the workflow and count the dates. Reminders are written by the sweep
# alone, fixity checks by the check itself, downloads by the originals' endpoint.
CLOSED_TO_ADDING = {"appeal", "deadline", "courtschedule", "fixitycheck", "reminder", "download"}


def logged_in_keeper(request, app: str, model: str) -> Client:
    client = Client()
    client.force_login(request.getfixturevalue(KEEPERS.get((app, model), "staff_user")))
    return client


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_changelist_change_and_history_page_renders(request, demo, app, model):
    client = logged_in_keeper(request, app, model)
    changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert changelist.status_code == 200
    model_class = next(m for m in admin.site._registry if m._meta.model_name == model)
    obj = model_class._default_manager.first()
    if obj is None:
        pytest.fail(f"the demo data has no {model} to open")  # every model should be demoed
    change = client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    history = client.get(reverse(f"admin:{app}_{model}_history", args=[obj.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_add_page_renders_or_is_deliberately_closed(request, superuser_client, app, model):
    if model in CLOSED_TO_ADDING:
        # Closed to a superuser too: refused by design, not for want of a permission.
        response = superuser_client.get(reverse(f"admin:{app}_{model}_add"))
        assert response.status_code == 403
    else:
        response = logged_in_keeper(request, app, model).get(reverse(f"admin:{app}_{model}_add"))
        assert response.status_code == 200


def test_changelist_filters_search_and_date_hierarchy(staff_client, demo):
    url = reverse("admin:requests_app_recordsrequest_changelist")
    dea = RecordsRequest.objects.get(title="DEA face recognition and biometric tracking records")
    TrackingNumber.objects.create(
        request=dea, agency=dea.agency, number="19-00789-F", assigned_on=D(2019, 1, 25)
    )
    lawsuit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    for query, expected in [
        ({"q": "19-00789"}, 1),
        ({"q": "biometric"}, 4),
        # The DOJ, FBI, DEA and CBP requests, and the follow-up the demo's own suit covers.
        ({"status__exact": "in_litigation"}, 5),
        ({"lawsuit": str(lawsuit.pk)}, 3),
        # The appeal's request, added by the fixture, and three of the demo's follow-ups.
        ({"lawsuit": "none"}, 4),
        ({"agency__id__exact": str(dea.agency_id)}, 2),  # and the DEA follow-up
        ({"filed_on__year": "2019"}, 5),  # the follow-ups were filed in 2026
        ({"filed_on__year": "2019", "filed_on__month": "11"}, 1),  # the CBP request
    ]:
        response = staff_client.get(url, query)
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == expected, query
    page = staff_client.get(url).content.decode()
    assert "19-00789-F" in page  # latest tracking number column


def test_forbidden_status_change_in_the_admin_is_refused_with_both_states(staff_client):
    request = RecordsRequestFactory(status=S.SUBMITTED)
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    data = _form_data(form, status=S.CLOSED)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["status"]
    assert any("Select a valid choice" in e or "from “Submitted” to “Closed”" in e for e in errors)
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


def test_the_status_select_refuses_litigation_without_a_lawsuit(staff_client):
    request = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 1))
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    response = staff_client.post(url, _form_data(form, status=S.IN_LITIGATION))
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["status"]
    assert "from “Denied” to “In litigation”" in error
    assert "no lawsuit covers it. Add the request to a lawsuit instead" in error
    request.refresh_from_db()
    assert request.status == S.DENIED
    assert not request.events.exists()


def test_status_select_only_offers_allowed_moves(staff_client):
    request = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 1))
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    offered = {value for value, _ in form.fields["status"].choices}
    assert offered == {S.DENIED, S.APPEALED, S.IN_LITIGATION, S.CLOSED}


def test_the_form_check_names_both_states_even_if_the_select_is_bypassed():

    request = RecordsRequestFactory(status=S.SUBMITTED)
    form = RecordsRequestForm(instance=request)
    form.cleaned_data = {"status": S.CLOSED}

    with pytest.raises(ValidationError, match="from “Submitted” to “Closed”"):
        form.clean_status()


def test_allowed_status_change_in_the_admin_lands_in_timeline_and_history(staff_client, staff_user):
    request = RecordsRequestFactory(status=S.SUBMITTED)
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    response = staff_client.post(url, _form_data(form, status=S.PROCESSING))
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    request.refresh_from_db()
    assert request.status == S.PROCESSING
    event = request.events.get(kind=RequestEvent.Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.created_by) == (
        S.SUBMITTED,
        S.PROCESSING,
        staff_user,
    )
    assert request.history.latest().history_user == staff_user


def test_impossible_dates_in_the_admin_show_the_message_and_save_nothing(staff_client):
    request = RecordsRequestFactory(filed_on=D(2019, 1, 16))
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    response = staff_client.post(url, _form_data(form, received_on="2019-01-10", title="Changed"))
    assert response.status_code == 200
    assert "cannot have received the request before it was filed" in response.content.decode()
    request.refresh_from_db()
    assert (request.received_on, request.title) == (None, request.title)
    assert request.title != "Changed"


def _new_request(staff_user, **overrides):
    agency = AgencyFactory(name="Federal Bureau of Investigation", abbreviation="FBI")
    return {
        "title": "FBI face recognition",
        "records_sought": "Records about FACE Services",
        "jurisdiction": agency.jurisdiction_id,
        "agency": agency.pk,
        "owner": staff_user.pk,
        "status": S.SUBMITTED,
        "filed_on": "2019-01-16",
        "expedited_processing": "not_requested",
        "fee_waiver": "not_requested",
        **_inline_management(),
        **overrides,
    }


def test_adding_a_request_with_an_impossible_receipt_date_saves_nothing(staff_client, staff_user):
    url = reverse("admin:requests_app_recordsrequest_add")
    data = _new_request(staff_user, received_on="2019-01-10")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "cannot have received the request before it was filed" in response.content.decode()
    assert not RecordsRequest.objects.exists()
    assert not RequestEvent.objects.exists()
    assert not Deadline.objects.exists()

    response = staff_client.post(url, {**data, "received_on": "2019-01-16"})
    assert response.status_code == 302
    created = RecordsRequest.objects.get()
    # 5 U.S.C. 552(a)(6)(A)(i): received 2019-01-16, 20 working days → 2019-02-14.
    assert created.deadlines.get(rule="response").due_on == D(2019, 2, 14)


def test_adding_a_request_in_the_admin_is_one_transaction(staff_client, staff_user, monkeypatch):
    # Django's admin saves the form, its inlines and what the services do after in one
    # transaction: a failure once the row is saved leaves nothing behind.
    def broken(**kwargs):
        raise RuntimeError("deadline store unavailable")

    monkeypatch.setattr(hooks, "deadlines_on_receipt", broken)
    url = reverse("admin:requests_app_recordsrequest_add")
    with pytest.raises(RuntimeError):
        staff_client.post(url, _new_request(staff_user, received_on="2019-01-16"))
    assert not RecordsRequest.objects.exists()
    assert not RequestEvent.objects.exists()


def test_add_request_with_tracking_number_and_duplicate_is_refused(staff_client, staff_user):
    agency = AgencyFactory(name="Federal Bureau of Investigation", abbreviation="FBI")
    other = RecordsRequestFactory(agency=agency)
    TrackingNumber.objects.create(
        request=other, agency=agency, number="1428745-000", assigned_on=D(2019, 1, 20)
    )
    url = reverse("admin:requests_app_recordsrequest_add")
    base = {
        "title": "FBI face recognition",
        "records_sought": "Records about FACE Services",
        "jurisdiction": agency.jurisdiction_id,
        "agency": agency.pk,
        "owner": staff_user.pk,
        "status": S.SUBMITTED,
        "filed_on": "2019-01-16",
        "expedited_processing": "not_requested",
        "fee_waiver": "requested",
        **_inline_management(),
        "tracking_numbers-TOTAL_FORMS": "1",
        "tracking_numbers-0-number": "1428745-000",
        "tracking_numbers-0-assigned_on": "2019-01-25",
    }
    response = staff_client.post(url, base)
    assert response.status_code == 200
    assert "already used that tracking number" in response.content.decode()
    assert not RecordsRequest.objects.filter(title="FBI face recognition").exists()

    base["tracking_numbers-0-number"] = "1428999-000"
    response = staff_client.post(url, base)
    assert response.status_code == 302
    created = RecordsRequest.objects.get(title="FBI face recognition")
    assert created.current_tracking_number().agency == agency  # defaulted to the request's agency
    assert set(created.events.values_list("kind", flat=True)) == {
        RequestEvent.Kind.SENT,
        RequestEvent.Kind.STATUS_CHANGED,
        RequestEvent.Kind.TRACKING_NUMBER,
    }


def test_appeal_inline_moves_the_request_and_is_refused_before_a_determination(staff_client):
    request = RecordsRequestFactory(status=S.PROCESSING)
    url = reverse("admin:requests_app_recordsrequest_change", args=[request.pk])
    form = staff_client.get(url).context["adminform"].form
    appeal = {
        "appeals-TOTAL_FORMS": "1",
        "appeals-0-filed_on": "2019-04-01",
        "appeals-0-outcome": "pending",
    }
    response = staff_client.post(url, {**_form_data(form), **appeal})
    assert response.status_code == 200
    assert "appeals follow an adverse determination" in response.content.decode()
    assert not Appeal.objects.exists()

    services.request_record_determination(
        request=request, outcome=S.DENIED, determined_on=D(2019, 3, 20)
    )
    form = staff_client.get(url).context["adminform"].form
    response = staff_client.post(url, {**_form_data(form), **appeal})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.APPEALED
    assert request.appeals.get().filed_on == D(2019, 4, 1)


def test_bulk_assign_owner_asks_then_assigns(staff_client):
    requests = RecordsRequestFactory.create_batch(2)
    new_owner = UserFactory(username="newowner")
    url = reverse("admin:requests_app_recordsrequest_changelist")
    selected = [str(r.pk) for r in requests]
    page = staff_client.post(url, {"action": "assign_owner", "_selected_action": selected})
    assert page.status_code == 200
    assert "Assign an owner" in page.content.decode()
    done = staff_client.post(
        url,
        {
            "action": "assign_owner",
            "_selected_action": selected,
            "apply": "1",
            "owner": new_owner.pk,
        },
        follow=True,
    )
    assert "Assigned 2 request(s) to newowner; 0 already had that owner." in done.content.decode()
    assert set(RecordsRequest.objects.values_list("owner", flat=True)) == {new_owner.pk}


def test_bulk_acknowledgment_with_a_date_and_a_refusal(staff_client):
    ready = RecordsRequestFactory(status=S.SUBMITTED, title="Ready one")
    denied = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 1), title="Denied one")
    url = reverse("admin:requests_app_recordsrequest_changelist")
    selected = [str(ready.pk), str(denied.pk)]
    bad = staff_client.post(
        url,
        {
            "action": "record_acknowledgment",
            "_selected_action": selected,
            "apply": "1",
            "acknowledged_on": "not a date",
        },
    )
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()
    done = staff_client.post(
        url,
        {
            "action": "record_acknowledgment",
            "_selected_action": selected,
            "apply": "1",
            "acknowledged_on": "2019-01-24",
        },
        follow=True,
    )
    text = done.content.decode()
    assert "Recorded the acknowledgment of 1 request(s)" in text
    assert "Denied one” was left unchanged" in text
    ready.refresh_from_db()
    assert (ready.status, ready.acknowledged_on) == (S.ACKNOWLEDGED, D(2019, 1, 24))


def test_lawsuit_page_lists_its_requests_with_links(staff_client, demo):
    lawsuit = Lawsuit.objects.get(caption="ACLU v. DOJ, FBI and DEA")
    page = staff_client.get(
        reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
    ).content.decode()
    for request in lawsuit.requests.all():
        assert request.get_admin_url() in page
        assert request.title in page
    assert "In litigation" in page


def test_adding_a_request_to_a_lawsuit_in_the_admin_moves_it_into_litigation(lawyer_client, demo):
    lawsuit = Lawsuit.objects.get(caption="ACLU v. DHS")
    newcomer = RecordsRequestFactory(
        status=S.DENIED, determined_on=D(2020, 1, 10), title="ICE records"
    )
    draft = RecordsRequestFactory(status=S.DRAFT, filed_on=None, title="Unsent draft")
    url = reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
    form = lawyer_client.get(url).context["adminform"].form
    current = [r.pk for r in lawsuit.requests.all()]
    response = lawyer_client.post(
        url, _form_data(form, requests=[*current, draft.pk], **_lawsuit_inline(lawsuit))
    )
    assert response.status_code == 200
    assert "“Unsent draft” is “Draft”" in response.content.decode()
    response = lawyer_client.post(
        url, _form_data(form, requests=[*current, newcomer.pk], **_lawsuit_inline(lawsuit))
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.status == S.IN_LITIGATION
    assert newcomer.events.filter(kind=RequestEvent.Kind.LAWSUIT_FILED).exists()


def _inline_management() -> dict[str, str]:
    data = {}
    for prefix in ("tracking_numbers", "appeals", "events", "deadlines", "releases"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _lawsuit_inline(lawsuit: Lawsuit) -> dict[str, str]:
    data = {}
    for prefix in ("Lawsuit_requests-", "deadlines-", "deadlines-2-", "schedules-", "releases-"):
        data.update(
            {
                f"{prefix}TOTAL_FORMS": "0",
                f"{prefix}INITIAL_FORMS": "0",
                f"{prefix}MIN_NUM_FORMS": "0",
                f"{prefix}MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _form_data(form, **overrides) -> dict:
    """The values a browser would post back for the main form, plus inline management data."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    data.update(_inline_management())
    data.update(overrides)
    return data


def test_agency_autocomplete_answers_in_name_order(staff_client):
    """The request form's agency picker pages through agencies: the annotated (grouped) query
    must still be ordered, or Django warns that pages may repeat or skip agencies."""

    AgencyFactory(name="Zeta Bureau")
    AgencyFactory(name="Alpha Bureau")
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "requests_app",
            "model_name": "recordsrequest",
            "field_name": "agency",
            "term": "Bureau",
        },
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert names == sorted(names)
    assert len(names) == 2
