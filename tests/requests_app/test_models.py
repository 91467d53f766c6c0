"""Model validation: impossible dates, duplicate tracking numbers, agencies under the wrong law.

Each rule is checked twice: model validation gives the clear message the admin shows, and the
database refuses the same row when validation is bypassed.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from requests_app.models import Agency, Appeal, Lawsuit, RecordsRequest, TrackingNumber
from requests_app.workflow import RequestStatus
from tests.factories import (
    AgencyFactory,
    AppealFactory,
    LawsuitFactory,
    RecordsRequestFactory,
    jurisdiction,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"filed_on": D(2019, 1, 16), "received_on": D(2019, 1, 15)},
            "received the request before",
        ),
        (
            {"filed_on": D(2019, 1, 16), "acknowledged_on": D(2019, 1, 1)},
            "acknowledged before it was filed",
        ),
        (
            {"received_on": D(2019, 1, 20), "acknowledged_on": D(2019, 1, 19)},
            "acknowledged before the agency received",
        ),
        (
            {"filed_on": D(2019, 1, 16), "determined_on": D(2018, 12, 31)},
            "determined before it was filed",
        ),
        (
            {"received_on": D(2019, 1, 20), "determined_on": D(2019, 1, 18)},
            "determined before the agency received",
        ),
        ({"filed_on": D(2019, 1, 16), "closed_on": D(2019, 1, 10)}, "closed before it was filed"),
        ({"fees_estimated": -1}, "Estimated fees cannot be negative"),
        ({"fees_paid": -5}, "Fees paid cannot be negative"),
    ],
)
def test_impossible_request_fields_are_refused_by_validation_and_database(fields, message):
    request = RecordsRequestFactory.build(
        agency=AgencyFactory(), owner=RecordsRequestFactory().owner, **fields
    )
    with pytest.raises(ValidationError) as caught:
        request.full_clean()
    assert message in _messages(caught)
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()


def test_agency_must_be_subject_to_the_law_chosen():
    state_agency = AgencyFactory(
        jurisdiction=jurisdiction("US-MA"), name="Boston Police Department"
    )
    request = RecordsRequestFactory.build(
        agency=state_agency, jurisdiction=jurisdiction("US"), owner=RecordsRequestFactory().owner
    )
    with pytest.raises(ValidationError) as caught:
        request.full_clean()
    assert "subject to US-MA, not US" in caught.value.message_dict["agency"][0]


def test_a_sent_request_needs_its_filing_date():
    request = RecordsRequestFactory.build(
        agency=AgencyFactory(),
        owner=RecordsRequestFactory().owner,
        filed_on=None,
        status=RequestStatus.SUBMITTED,
    )
    with pytest.raises(ValidationError) as caught:
        request.full_clean()
    assert "filed_on" in caught.value.message_dict


def test_tracking_number_is_unique_per_agency_but_not_across_agencies():
    first = RecordsRequestFactory()
    second = RecordsRequestFactory(agency=first.agency)
    TrackingNumber.objects.create(
        request=first, agency=first.agency, number="19-00123", assigned_on=D(2019, 1, 20)
    )
    duplicate = TrackingNumber(
        request=second, agency=first.agency, number="19-00123", assigned_on=D(2019, 2, 1)
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "already used that tracking number" in _messages(caught)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Another agency may well use the same number.
    other = RecordsRequestFactory()
    TrackingNumber(
        request=other, agency=other.agency, number="19-00123", assigned_on=D(2019, 2, 1)
    ).full_clean()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"filed_on": D(2019, 4, 1), "received_on": D(2019, 3, 30)},
            "received before it was filed",
        ),
        (
            {
                "filed_on": D(2019, 4, 1),
                "received_on": D(2019, 4, 3),
                "decided_on": D(2019, 4, 2),
                "outcome": "denied",
            },
            "decided before it was received",
        ),
        (
            {"filed_on": D(2019, 4, 1), "decided_on": D(2019, 3, 2), "outcome": "denied"},
            "decided before it was filed",
        ),
        ({"filed_on": D(2019, 4, 1), "decided_on": D(2019, 5, 2)}, "outcome is not pending"),
        ({"filed_on": D(2019, 4, 1), "outcome": "granted"}, "outcome is not pending"),
    ],
)
def test_impossible_appeals_are_refused(fields, message):
    appeal = AppealFactory.build(
        request=RecordsRequestFactory(status=RequestStatus.APPEALED), **fields
    )
    with pytest.raises(ValidationError) as caught:
        appeal.full_clean()
    assert message in _messages(caught)
    with pytest.raises(IntegrityError), transaction.atomic():
        appeal.save()


def test_lawsuit_served_before_filed_and_duplicate_docket_are_refused():
    suit = LawsuitFactory.build(filed_on=D(2019, 10, 31), served_on=D(2019, 10, 1))
    with pytest.raises(ValidationError) as caught:
        suit.full_clean()
    assert "served before it was filed" in _messages(caught)

    LawsuitFactory(court="D. Mass.", docket_number="1:19-cv-1")
    again = LawsuitFactory.build(court="D. Mass.", docket_number="1:19-cv-1")
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "already has a case with this docket number" in _messages(caught)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_a_filed_lawsuit_needs_its_filing_date():
    suit = LawsuitFactory.build(filed_on=None, status=Lawsuit.Status.FILED)
    with pytest.raises(ValidationError) as caught:
        suit.full_clean()
    assert "filed_on" in caught.value.message_dict


def test_component_must_share_its_parents_jurisdiction_and_be_one_level_deep():
    doj = AgencyFactory(name="Department of Justice", abbreviation="DOJ")
    state = AgencyFactory.build(name="State office", parent=doj, jurisdiction=jurisdiction("US-MA"))
    with pytest.raises(ValidationError) as caught:
        state.full_clean()
    assert "same jurisdiction" in caught.value.message_dict["parent"][0]

    dea = AgencyFactory(name="Drug Enforcement Administration", parent=doj)
    grandchild = AgencyFactory.build(name="Field office", parent=dea)
    with pytest.raises(ValidationError) as caught:
        grandchild.full_clean()
    assert "one level deep" in caught.value.message_dict["parent"][0]

    doj.parent = doj
    with pytest.raises(ValidationError, match="its own parent"):
        doj.full_clean()


def test_duplicate_component_name_under_the_same_agency_is_refused():
    doj = AgencyFactory(name="Department of Justice")
    AgencyFactory(name="Federal Bureau of Investigation", parent=doj)
    again = AgencyFactory.build(name="Federal Bureau of Investigation", parent=doj)
    with pytest.raises(ValidationError, match="already has a component of that name"):
        again.full_clean()


def test_current_tracking_number_is_the_latest_assigned():
    request = RecordsRequestFactory()
    TrackingNumber.objects.create(
        request=request, agency=request.agency, number="OLD-1", assigned_on=D(2019, 1, 20)
    )
    TrackingNumber.objects.create(
        request=request, agency=request.agency, number="APPEAL-7", assigned_on=D(2019, 5, 2)
    )
    assert request.current_tracking_number().number == "APPEAL-7"
    assert RecordsRequestFactory().current_tracking_number() is None


def test_history_is_kept_for_requests_appeals_and_lawsuits():
    request = RecordsRequestFactory(title="First title")
    request.title = "Second title"
    request.save()
    assert [h.title for h in request.history.order_by("history_date")] == [
        "First title",
        "Second title",
    ]
    assert Appeal.history.model is not None
    assert Lawsuit.history.model is not None
    assert Agency.history.model is not None
    assert RecordsRequest.history.model._meta.db_table == "requests_app_historicalrecordsrequest"
