"""factory_boy factories for the domain. Jurisdictions come from the data migration."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.services import api_token_create
from requests_app.models import Agency, Appeal, Deadline, Jurisdiction, Lawsuit, RecordsRequest
from requests_app.workflow import RequestStatus


def jurisdiction(code: str = "US") -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(obj: Any, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        """UserFactory(roles=["lawyer"]) puts the user in those role groups."""

        if create and extracted:
            obj.groups.add(*Group.objects.filter(name__in=extracted))


def api_key_for(user: Any, name: str = "tests", **options: Any) -> str:
    """A new API token for ``user``, issued as people issue theirs; its key (``Token <key>``)."""
    return api_token_create(user=user, name=name, **options).key


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    abbreviation = factory.Sequence(lambda n: f"AG{n}")
    jurisdiction = factory.LazyFunction(jurisdiction)


class RecordsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordsRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Request {n}")
    records_sought = "All records about face recognition."
    agency = factory.SubFactory(AgencyFactory)
    jurisdiction = factory.LazyAttribute(lambda r: r.agency.jurisdiction)
    owner = factory.SubFactory(UserFactory)
    status = RequestStatus.SUBMITTED
    filed_on = datetime.date(2019, 1, 16)


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    request = factory.SubFactory(RecordsRequestFactory, status=RequestStatus.APPEALED)
    filed_on = datetime.date(2019, 4, 1)


class LawsuitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lawsuit
        skip_postgeneration_save = True

    caption = factory.Sequence(lambda n: f"ACLU v. Agency {n}")
    court = "U.S. District Court for the District of Massachusetts"
    docket_number = factory.Sequence(lambda n: f"1:19-cv-{n:05d}")
    filed_on = datetime.date(2019, 10, 31)
    status = Lawsuit.Status.FILED
    plaintiffs = "American Civil Liberties Union"


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A federal response deadline on a request (5 U.S.C. 552(a)(6)(A)(i)); set due_on."""

    class Meta:
        model = Deadline

    request = factory.SubFactory(RecordsRequestFactory)
    label = "Response to the request"
    due_on = datetime.date(2026, 11, 30)
    jurisdiction = factory.LazyFunction(jurisdiction)
    rule = "response"
    citation = "5 U.S.C. 552(a)(6)(A)(i)"
