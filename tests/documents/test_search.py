"""Document search: full-text on PostgreSQL (GIN-indexed tsvector), the fallback on SQLite; the
same questions get the same answers on both."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from rest_framework.test import APIClient

from documents import selectors, services
from documents.models import Document, Exemption
from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
UTC = datetime.UTC


@pytest.fixture
def corpus():
    request = RecordsRequestFactory()
    lawsuit = LawsuitFactory()
    lawsuit.requests.add(request)
    release = services.release_create(request=request, lawsuit=lawsuit, released_on=D(2020, 6, 17))
    other = services.release_create(request=RecordsRequestFactory(), released_on=D(2020, 7, 1))

    def doc(release, n, **fields):
        return Document.objects.create(
            release=release,
            request=release.request,
            original_name=f"{n}.eml",
            source=f"{n}",
            sha256=f"{n:064d}",
            kind="email",
            **fields,
        )

    pitch = doc(
        release,
        1,
        subject="Hosting Microsoft Cognitive Services",
        sender="CTO <cto@dea.example>",
        sent_at=datetime.datetime(2017, 9, 15, tzinfo=UTC),
        text="He is hosting the group to discuss media services use cases.",
    )
    demo = doc(
        release,
        2,
        subject="Demonstrations in Reston",
        sender="Staff <staff@dea.example>",
        sent_at=datetime.datetime(2017, 11, 8, tzinfo=UTC),
        text="Translation, transcription and the Face API: "
        "identify similar faces, develop a face database.",
        redacted=True,
    )
    demo.exemptions.add(Exemption.objects.get(jurisdiction__code="US", code="b6"))
    unrelated = doc(
        other,
        3,
        subject="Budget",
        sender="Finance <money@dea.example>",
        sent_at=datetime.datetime(2018, 1, 5, tzinfo=UTC),
        text="Quarterly figures <script>alert(1)</script> faces",
    )
    return {
        "release": release,
        "lawsuit": lawsuit,
        "pitch": pitch,
        "demo": demo,
        "unrelated": unrelated,
    }


def titles(hits):
    return [h.document.subject for h in hits]


def test_words_match_text_subject_and_sender(corpus):
    assert titles(selectors.document_search(query="face database")) == ["Demonstrations in Reston"]
    assert titles(selectors.document_search(query="Microsoft")) == [
        "Hosting Microsoft Cognitive Services"
    ]
    assert titles(selectors.document_search(query="finance")) == ["Budget"]  # the sender's name


def test_filters_narrow_the_hits(corpus):
    assert set(titles(selectors.document_search(query="faces"))) == {
        "Demonstrations in Reston",
        "Budget",
    }
    assert titles(selectors.document_search(query="faces", lawsuit_id=corpus["lawsuit"].pk)) == [
        "Demonstrations in Reston"
    ]
    assert titles(selectors.document_search(query="faces", release_id=corpus["release"].pk)) == [
        "Demonstrations in Reston"
    ]
    assert titles(selectors.document_search(query="faces", exemption="b6")) == [
        "Demonstrations in Reston"
    ]
    assert titles(selectors.document_search(query="faces", sender="money@")) == ["Budget"]
    assert titles(selectors.document_search(query="faces", date_from=D(2018, 1, 1))) == ["Budget"]
    assert titles(selectors.document_search(query="faces", date_to=D(2017, 12, 31))) == [
        "Demonstrations in Reston"
    ]


def test_snippets_highlight_matches_and_escape_the_document(corpus):
    hits = selectors.document_search(query="faces")
    budget = next(h for h in hits if h.document.subject == "Budget")
    assert "<mark>" in budget.snippet
    # The document's own markup never reaches the page: escaped (SQLite) or dropped by
    # ts_headline (PostgreSQL).
    assert "<script" not in budget.snippet
    assert "alert(1)" in budget.snippet


def test_postgres_uses_the_gin_index(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only; SQLite uses the fallback")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM documents_document "
            "WHERE search @@ websearch_to_tsquery('english', 'faces')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "document_search_gin" in plan


def test_postgres_filters_the_sender_through_its_trigram_index(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    # The expression Django writes for the search's sender filter must be the one indexed.
    # Plain and index scans off: a bitmap scan needs an index that can test the condition.
    documents = selectors._filtered(sender="money@").values("pk")
    switches = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        plan = documents.explain()
        for switch in switches:
            cursor.execute(f"SET {switch} = on")
    assert "document_sender_trgm" in plan


def test_search_api(corpus):
    client = APIClient()
    assert client.get("/api/v1/documents/search/", {"q": "faces"}).status_code == 401
    client.force_authenticate(UserFactory(roles=["reporting"]))
    response = client.get(
        "/api/v1/documents/search/", {"q": "face database", "lawsuit": corpus["lawsuit"].pk}
    )
    assert response.status_code == 200
    [hit] = response.json()["results"]
    assert hit["subject"] == "Demonstrations in Reston"
    assert "<mark>" in hit["snippet"]
    assert hit["exemptions"] == ["b6"]
    bad = client.get(
        "/api/v1/documents/search/", {"q": "x", "date_from": "June 2020", "limit": "500"}
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"date_from", "limit"}  # the API error shape
    assert client.get("/api/v1/documents/search/").status_code == 400  # q is required


@pytest.mark.postgres
def test_postgres_ranks_the_newest_matches_and_all_of_them_when_few(monkeypatch):
    """Only the newest SEARCH_RANK_WINDOW matches are ranked; with fewer matches than the window
    the order is the full ranking (best first, then newest)."""
    if connection.vendor != "postgresql":
        pytest.skip("ranking is PostgreSQL's; SQLite orders matches newest first")
    release = services.release_create(request=RecordsRequestFactory(), released_on=D(2020, 6, 1))
    # The older a document, the more often it says "prototype": full ranking puts oldest first.
    for n in range(1, 6):
        Document.objects.create(
            release=release,
            request=release.request,
            original_name=f"{n}.eml",
            source=f"{n}",
            sha256=f"{n:064d}",
            kind="email",
            subject=f"Note {n}",
            sent_at=datetime.datetime(2018, 1, n, tzinfo=UTC),
            text=" ".join(["prototype"] * (6 - n)) + " and other words",
        )
    for n in range(6, 8):  # newer, and not about it
        Document.objects.create(
            release=release,
            request=release.request,
            original_name=f"{n}.eml",
            source=f"{n}",
            sha256=f"{n:064d}",
            kind="email",
            subject=f"Note {n}",
            sent_at=datetime.datetime(2018, 1, n, tzinfo=UTC),
            text="Lunch on Friday",
        )
    full = titles(selectors.document_search(query="prototype", limit=5))
    assert full == ["Note 1", "Note 2", "Note 3", "Note 4", "Note 5"]

    monkeypatch.setattr(selectors, "SEARCH_RANK_WINDOW", 3)
    # The three newest matches (3, 4, 5), ranked among themselves.
    assert titles(selectors.document_search(query="prototype", limit=2)) == ["Note 3", "Note 4"]
    # A page deeper than the window ranks a window as deep as the page.
    # (offset 2 + limit 2: the four newest matches, 2 to 5, ranked; the page is the last two)
    assert titles(selectors.document_search(query="prototype", limit=2, offset=2)) == [
        "Note 4",
        "Note 5",
    ]
    assert titles(selectors.document_search(query="prototype", limit=3, offset=2)) == [
        "Note 3",
        "Note 4",
        "Note 5",
    ]


def test_exemption_filter_gives_each_document_once(corpus):
    b5 = Exemption.objects.get(jurisdiction__code="US", code="b5")
    b6 = Exemption.objects.get(jurisdiction__code="US", code="b6")
    corpus["demo"].exemptions.add(b5)
    corpus["demo"].exemptions.add(b6)
    assert titles(selectors.document_search(query="faces", exemption="b6")) == [
        "Demonstrations in Reston"
    ]
    assert titles(selectors.document_search(query="", exemption="b5")) == [
        "Demonstrations in Reston"
    ]
