"""Services: each write moves the request along the workflow, keeps the timeline, and saves
nothing when it fails."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from requests_app import services
from requests_app.models import Appeal, Lawsuit, RecordsRequest, RequestEvent, TrackingNumber
from requests_app.workflow import RequestStatus, TransitionNotAllowed
from tests.factories import AgencyFactory, LawsuitFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
S = RequestStatus
K = RequestEvent.Kind


def kinds(request: RecordsRequest) -> list[str]:
    return list(request.events.order_by("occurred_on", "pk").values_list("kind", flat=True))


def test_a_request_goes_from_draft_to_litigation_with_its_timeline():
    owner = UserFactory()
    dea = AgencyFactory(name="Drug Enforcement Administration", abbreviation="DEA")
    request = services.request_create(
        title="DEA face-recognition records",
        records_sought="All records …",
        agency=dea,
        owner=owner,
    )
    assert request.status == S.DRAFT
    assert request.jurisdiction == dea.jurisdiction  # the law defaults to the agency's

    services.request_submit(request=request, filed_on=D(2019, 1, 16), by=owner)
    services.request_record_receipt(request=request, received_on=D(2019, 1, 17))
    services.request_acknowledge(
        request=request, acknowledged_on=D(2019, 1, 24), tracking_number="19-00456-F"
    )
    services.request_transition(request=request, to_status=S.PROCESSING, on=D(2019, 2, 1))
    services.request_toll(request=request, on=D(2019, 2, 5), reason=K.FEE_NOTICE)
    services.request_resume(request=request, on=D(2019, 2, 12))
    assert request.status == S.PROCESSING  # back where the clock was running
    services.request_record_determination(
        request=request, outcome=S.DENIED, determined_on=D(2019, 3, 20)
    )
    appeal = services.appeal_file(
        request=request, filed_on=D(2019, 4, 1), received_on=D(2019, 4, 2), tracking_number="A-19-1"
    )
    services.appeal_decide(appeal=appeal, decided_on=D(2019, 6, 1), outcome=Appeal.Outcome.DENIED)
    lawsuit = services.lawsuit_file(
        caption="ACLU v. DEA",
        court="U.S. District Court for the District of Massachusetts",
        plaintiffs="ACLU",
        filed_on=D(2019, 10, 31),
        defendant_agencies=[dea],
        requests=[request],
    )

    request.refresh_from_db()
    assert request.status == S.IN_LITIGATION
    assert (
        request.filed_on,
        request.received_on,
        request.acknowledged_on,
        request.determined_on,
    ) == (D(2019, 1, 16), D(2019, 1, 17), D(2019, 1, 24), D(2019, 3, 20))
    assert request.current_tracking_number().number == "19-00456-F"
    assert list(lawsuit.requests.all()) == [request]
    assert kinds(request) == [
        K.SENT,
        K.STATUS_CHANGED,  # submitted
        K.ACKNOWLEDGED,
        K.TRACKING_NUMBER,
        K.STATUS_CHANGED,  # acknowledged
        K.STATUS_CHANGED,  # processing
        K.FEE_NOTICE,
        K.STATUS_CHANGED,  # tolled
        K.CLARIFICATION_ANSWERED,
        K.STATUS_CHANGED,  # resumed
        K.DETERMINATION,
        K.STATUS_CHANGED,  # denied
        K.APPEAL_FILED,
        K.STATUS_CHANGED,
        K.APPEAL_DECIDED,
        K.STATUS_CHANGED,
        K.LAWSUIT_FILED,
        K.STATUS_CHANGED,
    ]
    statuses = list(
        request.events.filter(kind=K.STATUS_CHANGED)
        .order_by("occurred_on", "pk")
        .values_list("to_status", flat=True)
    )
    assert statuses == [
        S.SUBMITTED,
        S.ACKNOWLEDGED,
        S.PROCESSING,
        S.TOLLED,
        S.PROCESSING,
        S.DENIED,
        S.APPEALED,
        S.APPEAL_DECIDED,
        S.IN_LITIGATION,
    ]


def test_resume_returns_to_the_state_the_request_was_tolled_in():
    request = RecordsRequestFactory(status=S.ACKNOWLEDGED)
    services.request_toll(request=request, on=D(2019, 2, 5))
    services.request_resume(request=request, on=D(2019, 2, 8))
    assert request.status == S.ACKNOWLEDGED


def test_resume_of_a_request_that_is_not_tolled_is_refused():
    request = RecordsRequestFactory(status=S.PROCESSING)
    with pytest.raises(TransitionNotAllowed):
        services.request_resume(request=request, on=D(2019, 2, 8))
    assert not request.events.exists()


def test_acknowledgment_with_a_duplicate_tracking_number_saves_nothing():
    first = RecordsRequestFactory()
    TrackingNumber.objects.create(
        request=first, agency=first.agency, number="19-1", assigned_on=D(2019, 1, 20)
    )
    second = RecordsRequestFactory(agency=first.agency)
    with pytest.raises(ValidationError, match="already used that tracking number"):
        services.request_acknowledge(
            request=second, acknowledged_on=D(2019, 1, 24), tracking_number="19-1"
        )
    second.refresh_from_db()
    assert second.status == S.SUBMITTED
    assert second.acknowledged_on is None
    assert not second.events.exists()
    assert not second.tracking_numbers.exists()


def test_acknowledgment_before_filing_is_refused_and_saves_nothing():
    request = RecordsRequestFactory(filed_on=D(2019, 1, 16))
    with pytest.raises(ValidationError, match="acknowledged before it was filed"):
        services.request_acknowledge(request=request, acknowledged_on=D(2019, 1, 2))
    request.refresh_from_db()
    assert (request.status, request.acknowledged_on) == (S.SUBMITTED, None)
    assert not request.events.exists()


def test_bulk_acknowledgment_reports_the_requests_it_left_alone():
    ready = RecordsRequestFactory(status=S.SUBMITTED)
    denied = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 2, 1))
    done, refused = services.requests_acknowledge(
        requests=[ready, denied], acknowledged_on=D(2019, 2, 4)
    )
    assert done == [ready]
    assert [(r, "“Denied” to “Acknowledged”" in reason) for r, reason in refused] == [
        (denied, True)
    ]
    denied.refresh_from_db()
    assert denied.status == S.DENIED


def test_assigning_an_owner_changes_only_requests_owned_by_someone_else():
    paralegal = UserFactory()
    mine = RecordsRequestFactory(owner=paralegal)
    theirs = RecordsRequestFactory()
    assert services.requests_assign_owner(requests=[mine, theirs], owner=paralegal) == 1
    theirs.refresh_from_db()
    assert theirs.owner == paralegal
    assert theirs.events.get(kind=K.NOTE).text.endswith(f"to {paralegal}.")
    assert not mine.events.exists()


def test_a_determination_must_be_one_and_the_appeal_cannot_predate_it():
    request = RecordsRequestFactory(status=S.PROCESSING)
    with pytest.raises(ValidationError, match="not a determination"):
        services.request_record_determination(
            request=request, outcome=S.CLOSED, determined_on=D(2019, 3, 1)
        )
    services.request_record_determination(
        request=request, outcome=S.NO_RECORDS, determined_on=D(2019, 3, 1)
    )
    with pytest.raises(ValidationError, match="cannot predate the determination"):
        services.appeal_file(request=request, filed_on=D(2019, 2, 1))
    assert not Appeal.objects.exists()


def test_an_appeal_of_a_full_grant_is_refused():
    request = RecordsRequestFactory(status=S.RELEASED_IN_FULL, determined_on=D(2019, 3, 1))
    with pytest.raises(TransitionNotAllowed, match="“Released in full” to “Appealed”"):
        services.appeal_file(request=request, filed_on=D(2019, 4, 1))
    assert not Appeal.objects.exists()


def test_a_lawsuit_over_a_draft_request_is_refused_whole():
    draft = RecordsRequestFactory(status=S.DRAFT, filed_on=None)
    sent = RecordsRequestFactory(status=S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        services.lawsuit_file(
            caption="ACLU v. DOJ",
            court="D. Mass.",
            plaintiffs="ACLU",
            filed_on=D(2019, 10, 31),
            defendant_agencies=[sent.agency],
            requests=[sent, draft],
        )
    sent.refresh_from_db()
    assert sent.status == S.SUBMITTED
    assert not sent.events.exists()

    assert not Lawsuit.objects.exists()


def test_a_lawsuit_needs_a_defendant():
    with pytest.raises(ValidationError, match="at least one defendant"):
        services.lawsuit_file(
            caption="X v. Y",
            court="D.D.C.",
            plaintiffs="X",
            filed_on=D(2020, 3, 12),
            defendant_agencies=[],
        )


def test_a_request_already_in_litigation_can_join_a_second_suit():
    request = RecordsRequestFactory(status=S.IN_LITIGATION)
    suit = LawsuitFactory()
    services.lawsuit_add_requests(lawsuit=suit, requests=[request])
    assert list(suit.requests.all()) == [request]
    assert request.events.filter(kind=K.LAWSUIT_FILED).count() == 1
    assert not request.events.filter(kind=K.STATUS_CHANGED).exists()


@pytest.mark.parametrize(
    "move",
    [
        lambda r: services.request_transition(
            request=r, to_status=S.IN_LITIGATION, on=D(2019, 4, 1)
        ),
        lambda r: services.request_update(request=r, changes={}, to_status=S.IN_LITIGATION),
    ],
    ids=["request_transition", "request_update"],
)
def test_a_request_no_lawsuit_covers_is_not_moved_into_litigation(move):
    request = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 1))
    with pytest.raises(TransitionNotAllowed) as refused:
        move(request)
    message = str(refused.value)
    assert "from “Denied” to “In litigation”" in message
    assert "no lawsuit covers it. Add the request to a lawsuit instead" in message
    request.refresh_from_db()
    assert request.status == S.DENIED
    assert not request.events.exists()


def test_a_lawsuit_still_moves_its_requests_into_litigation():
    request = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 1))
    suit = LawsuitFactory()
    services.lawsuit_add_requests(lawsuit=suit, requests=[request])
    request.refresh_from_db()
    assert request.status == S.IN_LITIGATION
    assert set(kinds(request)) == {K.LAWSUIT_FILED, K.STATUS_CHANGED}


def test_history_records_who_made_the_change():
    owner = UserFactory(username="maria")
    request = services.request_create(
        title="FBI records", records_sought="…", agency=AgencyFactory(), owner=owner, by=owner
    )
    services.request_submit(request=request, filed_on=D(2019, 1, 16), by=owner)
    latest = request.history.latest()
    assert latest.history_user == owner
    assert latest.status == S.SUBMITTED


def test_an_appeal_entered_with_its_outcome_is_filed_then_decided():
    request = RecordsRequestFactory(status=S.DENIED, determined_on=D(2019, 3, 20))
    entered = Appeal(
        request=request,
        filed_on=D(2019, 4, 1),
        decided_on=D(2019, 5, 1),
        outcome=Appeal.Outcome.REMANDED,
    )
    appeal = services.appeal_save(appeal=entered, request=request, changed=set())
    appeal.refresh_from_db()
    request.refresh_from_db()
    assert (appeal.outcome, appeal.decided_on) == (Appeal.Outcome.REMANDED, D(2019, 5, 1))
    assert request.status == S.APPEAL_DECIDED
    assert kinds(request)[-4:] == [
        K.APPEAL_FILED,
        K.STATUS_CHANGED,
        K.APPEAL_DECIDED,
        K.STATUS_CHANGED,
    ]


def test_a_letter_that_does_not_move_the_clock_is_refused_by_request_log_letter():
    request = RecordsRequestFactory()
    with pytest.raises(ValidationError, match="does not move the clock"):
        services.request_log_letter(request=request, kind=K.NOTE, on=D(2019, 2, 1))
