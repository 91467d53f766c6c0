"""Writes to agencies that reach their requests' deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from requests_app.deadlines.closures import Move, deadlines_recount_variant
from requests_app.models import Agency, Deadline
from requests_app.services.requests import validated_save

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = Any


def agency_deadlines_recount(*, agency: Agency) -> list[Move]:
    """Count the open computed deadlines of the agency's requests and their appeals on the
    observance it now has (the statute's default when none); returns the ones that moved."""
    return deadlines_recount_variant(
        deadlines=Deadline.objects.filter(
            Q(request__agency=agency) | Q(appeal__request__agency=agency)
        ),
        variant={"observance": agency.observance},
    )


@transaction.atomic
def agency_set_observance(*, agency: Agency, observance: str, by: User | None = None) -> list[Move]:
    """The agency says which reading it observes where its statute leaves the choice to it
    (``calendars.observance_choices``; empty for the statute's default): validated against its
    jurisdiction, saved, and its open deadlines recounted. Returns the ones that moved."""
    locked = Agency.objects.select_for_update().select_related("jurisdiction").get(pk=agency.pk)
    locked.observance = observance
    validated_save(locked, by=by)
    agency.observance = observance
    return agency_deadlines_recount(agency=locked)
