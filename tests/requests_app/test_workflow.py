"""The status workflow: every allowed move works through the service, every other one is refused."""

from __future__ import annotations

import datetime
import itertools

import pytest

from requests_app import services
from requests_app.models import RequestEvent
from requests_app.workflow import (
    TRANSITIONS,
    RequestStatus,
    TransitionNotAllowed,
    can_transition,
    check_transition,
)
from tests.factories import LawsuitFactory, RecordsRequestFactory

S = RequestStatus
ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]
FORBIDDEN = [(a, b) for a, b in itertools.product(S, S) if b not in TRANSITIONS[a]]
ON = datetime.date(2019, 3, 1)


def test_every_state_has_an_entry_in_the_table():
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=lambda s: str(s))
def test_allowed_move_is_allowed(current, target):
    assert can_transition(current, target)
    check_transition(current, target)  # does not raise


@pytest.mark.parametrize(("current", "target"), FORBIDDEN, ids=lambda s: str(s))
def test_forbidden_move_names_both_states(current, target):
    assert not can_transition(current, target)
    with pytest.raises(TransitionNotAllowed) as caught:
        check_transition(current, target)
    message = str(caught.value)
    assert f"from “{S(current).label}”" in message
    assert f"to “{S(target).label}”" in message


def test_the_paths_of_a_request_exist():
    # draft → submitted → acknowledged → processing → outcomes; tolled and back;
    # adverse → appealed → decided; → in litigation.
    path = [
        S.DRAFT,
        S.SUBMITTED,
        S.ACKNOWLEDGED,
        S.PROCESSING,
        S.DENIED,
        S.APPEALED,
        S.APPEAL_DECIDED,
        S.IN_LITIGATION,
        S.CLOSED,
    ]
    for a, b in itertools.pairwise(path):
        assert can_transition(a, b), (a, b)
    for outcome in (S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL, S.DENIED, S.NO_RECORDS, S.WITHDRAWN):
        assert can_transition(S.PROCESSING, outcome)
    for pending in (S.SUBMITTED, S.ACKNOWLEDGED, S.PROCESSING):
        assert can_transition(pending, S.TOLLED)
        assert can_transition(S.TOLLED, pending)
    assert not can_transition(S.RELEASED_IN_FULL, S.APPEALED)  # nothing adverse to appeal
    assert TRANSITIONS[S.CLOSED] == frozenset()
    assert TRANSITIONS[S.WITHDRAWN] == frozenset()


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=lambda s: str(s))
def test_service_applies_each_allowed_move_and_records_it(current, target):
    request = RecordsRequestFactory(status=current, filed_on=datetime.date(2019, 1, 16))
    if target == S.IN_LITIGATION:
        # Into litigation only under a lawsuit that covers the request (request_check_move).
        LawsuitFactory().requests.add(request)
    services.request_transition(request=request, to_status=target, on=ON)
    request.refresh_from_db()
    assert request.status == target
    event = request.events.get(kind=RequestEvent.Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.occurred_on) == (current, target, ON)


@pytest.mark.django_db
def test_service_refuses_a_forbidden_move_and_changes_nothing():
    request = RecordsRequestFactory(status=S.DRAFT, filed_on=None)
    with pytest.raises(TransitionNotAllowed, match="from “Draft” to “Denied”"):
        services.request_transition(request=request, to_status=S.DENIED, on=ON)
    request.refresh_from_db()
    assert request.status == S.DRAFT
    assert request.determined_on is None
    assert not request.events.exists()


@pytest.mark.django_db
def test_move_fills_in_the_date_of_the_new_state_but_keeps_one_entered():
    request = RecordsRequestFactory(status=S.SUBMITTED, acknowledged_on=None)
    services.request_transition(request=request, to_status=S.ACKNOWLEDGED, on=ON)
    assert request.acknowledged_on == ON

    other = RecordsRequestFactory(status=S.SUBMITTED, acknowledged_on=datetime.date(2019, 2, 1))
    services.request_transition(request=other, to_status=S.ACKNOWLEDGED, on=ON)
    other.refresh_from_db()
    assert other.acknowledged_on == datetime.date(2019, 2, 1)


@pytest.mark.django_db
def test_a_new_determination_is_dated_by_its_move():
    # After a remand the agency determines again: the appeal window runs from the new date.
    request = RecordsRequestFactory(status=S.PROCESSING, determined_on=datetime.date(2019, 2, 1))
    services.request_transition(request=request, to_status=S.DENIED, on=ON)
    request.refresh_from_db()
    assert request.determined_on == ON
