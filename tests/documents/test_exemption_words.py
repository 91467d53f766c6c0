"""An exemption is read and picked by what it is, not by its code alone: "b7" and "b7C" differ by
one letter, so each shows its description and its citation in 5 U.S.C. 552(b)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import Document, Exemption, Release
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db

B7 = "b7 — Records compiled for law enforcement purposes (5 U.S.C. 552(b)(7))"
B7C = (
    "b7C — Could reasonably be expected to be an unwarranted invasion of personal privacy "
    "(5 U.S.C. 552(b)(7)(C))"
)


def _federal(code: str) -> Exemption:
    return Exemption.objects.get(jurisdiction__code="US", code=code)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_exemption_is_named_with_its_description_and_citation():
    assert str(_federal("b7")) == B7
    assert str(_federal("b7C")) == B7C
    assert _federal("b7C").short_name == "b7C"


def test_the_admin_picker_offers_each_exemption_by_its_meaning(staff_user):
    response = _client(staff_user).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "documents",
            "model_name": "release",
            "field_name": "exemptions",
            "term": "b7",
        },
    )
    assert response.status_code == 200
    texts = [row["text"] for row in json.loads(response.content)["results"]]
    assert B7 in texts
    assert B7C in texts


def test_a_release_page_shows_the_exemptions_it_cites_by_their_meaning(staff_user):
    release = Release.objects.create(
        request=RecordsRequestFactory(), released_on=datetime.date(2019, 11, 1)
    )
    release.exemptions.set([_federal("b7"), _federal("b7C")])
    page = _client(staff_user).get(reverse("admin:documents_release_change", args=[release.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert B7 in text
    assert B7C in text


def test_the_dashboard_document_page_lists_each_exemption_with_its_meaning(lawyer_user):
    release = Release.objects.create(
        request=RecordsRequestFactory(), released_on=datetime.date(2019, 11, 1)
    )
    document = Document.objects.create(
        release=release,
        request=release.request,
        original_name="memo.pdf",
        withheld_in_full=True,
    )
    document.exemptions.set([_federal("b7C")])
    text = _client(lawyer_user).get(reverse("dashboard:document", args=[document.pk])).content
    assert (
        "<dt>Exemptions applied</dt><dd>"
        '<ul class="plain-list exemptions"><li><strong>b7C</strong> — Could reasonably be '
        "expected to be an unwarranted invasion of personal privacy (5 U.S.C. 552(b)(7)(C))"
        "</li></ul></dd>"
    ) in text.decode()


def test_the_document_search_offers_each_exemption_by_its_meaning(lawyer_user):
    text = _client(lawyer_user).get(reverse("dashboard:documents")).content.decode()
    assert f'<option value="b7C">{B7C}</option>' in text
    assert f'<option value="b7">{B7}</option>' in text
