"""What generated records point at: jurisdictions, agencies (the real federal directory and a few
offices per state), staff and lawyers, topics, exemptions, and the sentences document text is
drawn from."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import LAWYER, STAFF
from documents.models import Exemption
from requests_app.directory.importer import directory_import
from requests_app.models import Agency, Jurisdiction, Topic
from sample_data.scale.presets import GenerationRefused
from sample_data.scale.vocabulary import (
    JURISDICTION_WEIGHTS,
    SENTENCES,
    STATE_NAMES,
    STATE_OFFICES,
    TOPIC_NAMES,
    fill,
)

#: The big investigative agencies, which receive most requests.
BUSY_AGENCIES = {"FBI", "DEA", "ICE", "CBP", "DHS", "DOJ", "USCIS", "ATF", "USMS", "TSA", "BOP"}


@dataclass
class Reference:
    jurisdictions: dict[str, Jurisdiction]
    #: Agency ids by jurisdiction code, with the weight each has of receiving a request.
    agencies: dict[str, tuple[list[int], list[float]]]
    #: Agency id -> (abbreviation or name, parent id).
    agency_names: dict[int, tuple[str, int | None]]
    staff: list[int]
    lawyers: list[int]
    #: Filled-in sentences to draw document text from (drawing is much cheaper than filling).
    pool: list[str]
    topics: list[int]
    #: Federal exemption code -> id.
    exemptions: dict[str, int]


def reference_data(
    *, rng: random.Random, directory: Path, note: Callable[[str], None]
) -> Reference:
    """Find or create what the generated records point at; imports the agency directory when
    the database has no federal agency from it. Refuses a database that was not migrated."""
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    missing = sorted(set(JURISDICTION_WEIGHTS) - set(jurisdictions))
    if missing:
        raise GenerationRefused(f"Jurisdictions {missing} are missing: run `migrate` first.")
    if not Agency.objects.filter(jurisdiction__code="US").exclude(source_key="").exists():
        report = directory_import(paths=[directory])
        note(
            f"imported the agency directory {directory.name}: "
            f"{report.agencies}; components {report.components}"
        )
    for code, state in STATE_NAMES.items():
        for office in STATE_OFFICES:
            Agency.objects.get_or_create(
                jurisdiction=jurisdictions[code],
                name=f"{state} {office}",
                parent=None,
                defaults={
                    "source_key": f"generated:{code}/{office}",
                    "notes": "Generated for benchmarks (manage.py generate_data).",
                },
            )
    # Agencies by jurisdiction, weighted: components and the big investigative agencies
    # receive most requests.
    agencies: dict[str, tuple[list[int], list[float]]] = {}
    by_pk: dict[int, Agency] = {}
    for agency in Agency.objects.select_related("jurisdiction").order_by("pk"):
        by_pk[agency.pk] = agency
        ids, weights = agencies.setdefault(agency.jurisdiction.code, ([], []))
        ids.append(agency.pk)
        weight = (
            20.0 if agency.abbreviation in BUSY_AGENCIES else (2.0 if agency.parent_id else 1.0)
        )
        weights.append(weight)
    if not agencies.get("US"):
        raise GenerationRefused(f"No federal agencies after importing {directory}.")
    agency_names = {pk: (a.abbreviation or a.name, a.parent_id) for pk, a in by_pk.items()}

    User = get_user_model()
    staff: list[int] = []
    lawyers: list[int] = []
    for prefix, count, into in (("gen-staff", 12, staff), ("gen-lawyer", 4, lawyers)):
        for n in range(1, count + 1):
            user, created = User.objects.get_or_create(
                username=f"{prefix}-{n:02d}",
                defaults={"first_name": prefix.split("-")[1].title(), "last_name": f"{n}"},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            into.append(user.pk)
    for name, members in ((STAFF, staff), (LAWYER, lawyers)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.user_set.add(*members)
    pool = [fill(rng.choice(SENTENCES), rng) for _ in range(4_000)]
    topics = [Topic.objects.get_or_create(name=name)[0].pk for name in TOPIC_NAMES]
    exemptions = {e.code: e.pk for e in Exemption.objects.filter(jurisdiction__code="US")}
    return Reference(
        jurisdictions=jurisdictions,
        agencies=agencies,
        agency_names=agency_names,
        staff=staff,
        lawyers=lawyers,
        pool=pool,
        topics=topics,
        exemptions=exemptions,
    )
