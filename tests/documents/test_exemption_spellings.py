"""An exemption is found however it is commonly written: "b7C", "b7(C)", "(b)(7)(C)",
"Exemption 7(C)", "552(b)(7)(C)" all name 5 U.S.C. 552(b)(7)(C). One function reads them
(`documents.exemptions.exemption_code`); the admin's exemption picker, the dashboard's document
filter and the API's exemption filters all search through it (the API's document search filters
through the same selector as the dashboard's)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from documents.exemptions import exemption_code
from documents.models import Document, Exemption, Release
from tests.factories import RecordsRequestFactory

SPELLINGS_OF_B7C = [
    "b7C",
    "b7c",
    "B7C",
    "b7(C)",
    "b7(c)",
    "b(7)(C)",
    "(b)(7)(C)",
    "(b) (7) (C)",
    "b 7 C",
    "Exemption 7(C)",
    "exemption 7c",
    "552(b)(7)(C)",
    "5 U.S.C. 552(b)(7)(C)",
    "5 U.S.C. § 552(b)(7)(C)",
    "  (b)(7)(C)  ",
]


@pytest.mark.parametrize("spelled", SPELLINGS_OF_B7C)
def test_every_common_spelling_of_b7c_is_b7c(spelled):
    assert exemption_code(spelled) == "b7C"


@pytest.mark.parametrize(
    ("spelled", "code"),
    [("(b)(5)", "b5"), ("Exemption 5", "b5"), ("b6", "b6"), ("(b)(7)", "b7"), ("b(7)", "b7")],
)
def test_other_exemptions_are_read_the_same_way(spelled, code):
    assert exemption_code(spelled) == code


@pytest.mark.parametrize("typed", ["7", "5", "b", "b10", "b7G", "privacy", "MA-26(c)", ""])
def test_what_spells_no_federal_exemption_is_left_as_typed(typed):
    # A bare number is a search word (it matches citations), and a state's code is its own.
    assert exemption_code(typed) == typed.strip()


# --- The doors -----------------------------------------------------------------------------------


def _federal(code):
    return Exemption.objects.get(jurisdiction__code="US", code=code)


@pytest.fixture
def withheld(db):
    """A release citing b7C and b6, with one document withheld under each."""
    release = Release.objects.create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    release.exemptions.set([_federal("b7C"), _federal("b6")])
    document = Document.objects.create(
        release=release,
        request=release.request,
        original_name="memo.pdf",
        withheld_in_full=True,
        source="withheld:1",
    )
    document.exemptions.set([_federal("b7C")])
    other = Document.objects.create(
        release=release,
        request=release.request,
        original_name="note.pdf",
        withheld_in_full=True,
        source="withheld:2",
    )
    other.exemptions.set([_federal("b6")])
    return document


@pytest.mark.django_db
@pytest.mark.parametrize("spelled", ["b7C", "b7(C)", "(b)(7)(C)"])
def test_the_admin_exemption_picker_finds_b7c_spelled_so(staff_user, spelled):
    client = Client()
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "documents",
            "model_name": "release",
            "field_name": "exemptions",
            "term": spelled,
        },
    )
    assert response.status_code == 200
    found = [row["id"] for row in json.loads(response.content)["results"]]
    assert str(_federal("b7C").pk) in found


@pytest.mark.django_db
def test_the_admin_exemption_picker_still_searches_words(staff_user):
    client = Client()
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "documents",
            "model_name": "release",
            "field_name": "exemptions",
            "term": "privacy",
        },
    )
    found = {row["id"] for row in json.loads(response.content)["results"]}
    assert found == {str(_federal("b6").pk), str(_federal("b7C").pk)}


@pytest.mark.parametrize("spelled", ["b7C", "b7(C)", "(b)(7)(C)", "Exemption 7(C)"])
def test_the_dashboard_document_filter_finds_b7c_spelled_so(lawyer_user, withheld, spelled):
    client = Client()
    client.force_login(lawyer_user)
    response = client.get(reverse("dashboard:documents"), {"exemption": spelled})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_valid(), form.errors
    assert [hit.document.pk for hit in response.context["hits"]] == [withheld.pk]
    # The menu shows what was searched for.
    assert '<option value="b7C" selected>' in response.content.decode()


@pytest.mark.parametrize("spelled", ["b7C", "b7(C)", "(b)(7)(C)"])
def test_the_api_exemption_filters_find_b7c_spelled_so(reporting_user, withheld, spelled):
    api = APIClient()
    api.force_authenticate(reporting_user)
    documents = api.get("/api/v1/documents/", {"exemption": spelled}).json()
    assert [row["id"] for row in documents["results"]] == [withheld.pk]
    releases = api.get("/api/v1/releases/", {"exemption": spelled}).json()
    assert [row["id"] for row in releases["results"]] == [withheld.release_id]
