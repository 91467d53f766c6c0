"""Exemptions in the API carry what they mean, not the bare code: "b7" and "b7C" differ by one
letter. The meanings are the seeded federal list (5 U.S.C. 552(b)(7)(C) for b7C)."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, Exemption
from reports import snapshots
from tests.factories import RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

B7C = {
    "code": "b7C",
    "description": "Could reasonably be expected to be an unwarranted invasion of personal privacy",
    "citation": "5 U.S.C. 552(b)(7)(C)",
}


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", roles=["reporting"]))
    return client


@pytest.fixture
def cited():
    """A release citing b7 and b7C, and a document of it withheld under b7C."""
    b7 = Exemption.objects.get(jurisdiction__code="US", code="b7")
    b7c = Exemption.objects.get(jurisdiction__code="US", code="b7C")
    request = RecordsRequestFactory()
    release = services.release_create(
        request=request, released_on=datetime.date(2020, 6, 17), exemptions=[b7, b7c]
    )
    document = Document.objects.create(
        release=release,
        request=request,
        original_name="Interview notes",
        source="notes",
        sha256="0" * 64,
        kind="other",
        withheld_in_full=True,
    )
    document.exemptions.add(b7c)
    return release, document


def test_a_release_names_each_exemption_with_its_meaning(api, cited):
    release, _ = cited
    body = api.get(f"/api/v1/releases/{release.pk}/").json()
    assert sorted(body["exemptions"]) == ["b7", "b7C"]  # the codes, as before
    meanings = {e["code"]: e for e in body["exemption_meanings"]}
    assert meanings["b7C"] == B7C
    assert meanings["b7"]["description"] == "Records compiled for law enforcement purposes"
    listed = api.get("/api/v1/releases/").json()["results"][0]
    assert B7C in listed["exemption_meanings"]


def test_a_document_names_each_exemption_with_its_meaning(api, cited):
    _, document = cited
    body = api.get(f"/api/v1/documents/{document.pk}/").json()
    assert body["exemptions"] == ["b7C"]
    assert body["exemption_meanings"] == [B7C]


def test_the_exemptions_report_gives_each_code_its_meaning(api, cited):
    snapshots.report_refresh(report=snapshots.EXEMPTIONS)
    result = api.get("/api/v1/reports/exemptions/").json()["results"]
    b7c = next(row for row in result if row["exemption"] == "b7C")
    assert b7c["exemption_description"] == B7C["description"]
    assert b7c["exemption_citation"] == B7C["citation"]
    assert (b7c["releases"], b7c["documents"]) == (1, 1)


def test_the_schema_describes_the_meanings(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for name in ("Release", "Document"):
        field = components[name]["properties"]["exemption_meanings"]
        assert field["type"] == "array"
        assert field["readOnly"] is True
    meaning = components["ExemptionMeaning"]["properties"]
    assert set(meaning) == {"code", "description", "citation"}
