"""GET /api/v1/documents/{id}/original/: the stored bytes of a released record, to whoever may
read documents, always as an attachment under a safe name, checked against their hash, and every
download recorded (who, when, which document, through which door).

The documents are ingested from real files (a mailbox with an attachment, a PDF), so the bytes
compared are the bytes ingestion stored.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, Download
from tests.documents.fixture_files import FIXTURES
from tests.factories import RecordsRequestFactory, UserFactory, api_key_for

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2020, 6, 17, 16, 0, tzinfo=datetime.UTC)

MAILBOX = (
    b"From cto@dea.example Fri Sep 15 10:00:00 2017\n"
    b"From: cto@dea.example\n"
    b"To: staff@dea.example\n"
    b"Subject: Cognitive Services meeting\n"
    b"Date: Fri, 15 Sep 2017 10:00:00 -0400\n"
    b"Message-ID: <meeting@dea.example>\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="b"\n'
    b"\n"
    b"--b\n"
    b"Content-Type: text/plain\n"
    b"\n"
    b"Agenda attached.\n"
    b">From the desk of the CTO.\n"
    b"--b\n"
    b"Content-Type: text/plain\n"
    b"Content-Disposition: attachment; filename*=UTF-8''%C3%9Cbersicht%20Gesichtserkennung.txt\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"RmFjZSBBUEk6IGlkZW50aWZ5IHNpbWlsYXIgZmFjZXMuCg==\n"
    b"--b--\n"
)


def ids(*documents: Document) -> list[int]:
    return [d.pk for d in documents]


@pytest.fixture
def stored(tmp_path):
    """A release ingested from a mailbox (one email with a text attachment) and a PDF."""
    release = services.release_create(
        request=RecordsRequestFactory(), released_on=datetime.date(2020, 6, 17)
    )
    (tmp_path / "dea.mbox").write_bytes(MAILBOX)
    (tmp_path / "three_pages.pdf").write_bytes((FIXTURES / "pdf" / "three_pages.pdf").read_bytes())
    report = services.release_ingest(
        release_id=release.pk, paths=[tmp_path / "dea.mbox", tmp_path / "three_pages.pdf"]
    )
    assert report.ingested == 3, report.problems
    email = Document.objects.get(kind=Document.Kind.EMAIL)
    return {
        "email": email,
        "attachment": Document.objects.get(parent=email),
        "pdf": Document.objects.get(kind=Document.Kind.PDF),
    }


@pytest.fixture
def reader():
    return UserFactory(username="reader", roles=["reporting"])


@pytest.fixture
def api(reader):
    """The reader, with a personal token, as a script would call."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(reader)}")
    return client


def url(document: Document) -> str:
    return f"/api/v1/documents/{document.pk}/original/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"code", "message", "fields"}
    return payload["error"]


def stored_path(document: Document, settings) -> Path:
    return Path(settings.MEDIA_ROOT) / str(document.file.name)


# --- The bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["email", "attachment", "pdf"])
def test_the_bytes_are_the_stored_bytes(api, stored, which, settings):
    document = stored[which]
    response = api.get(url(document))
    assert response.status_code == 200
    assert response.streaming  # a FileResponse, read in blocks, never whole into memory
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert data == stored_path(document, settings).read_bytes()
    assert int(response["Content-Length"]) == document.size == len(data)


def test_each_kind_of_document_has_its_own_original(api, stored):
    """The email is the whole message as it stood in the mailbox, without its envelope line,
    mbox escaping undone, attachment included; the attachment is its part's decoded bytes."""
    email = body(api.get(url(stored["email"])))
    assert email.startswith(b"From: cto@dea.example\n")  # no "From " envelope line
    assert b"\nFrom the desk of the CTO." in email  # ">From " unescaped
    assert b"RmFjZSBBUEk6IGlkZW50aWZ5IHNpbWlsYXIgZmFjZXMuCg==" in email
    assert body(api.get(url(stored["attachment"]))) == b"Face API: identify similar faces.\n"
    assert body(api.get(url(stored["pdf"]))).startswith(b"%PDF-")


# --- The headers -------------------------------------------------------------------------------


def test_an_original_is_an_attachment_with_its_media_type(api, stored):
    response = api.get(url(stored["pdf"]), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200  # a client asking for the file's own type is not refused
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="three_pages.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"

    email = api.get(url(stored["email"]))
    assert email["Content-Type"] == "message/rfc822"
    # A message read from a mailbox is offered as a message file.
    assert email["Content-Disposition"] == 'attachment; filename="dea.mbox message 1.eml"'


def test_a_name_beyond_ascii_is_sent_both_ways(api, stored):
    disposition = api.get(url(stored["attachment"]))["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Ubersicht Gesichtserkennung.txt"; ')
    extended = disposition.split("filename*=", 1)[1]
    assert extended.startswith("UTF-8''")
    assert unquote(extended.removeprefix("UTF-8''")) == "Übersicht Gesichtserkennung.txt"


@pytest.mark.parametrize(
    "hostile", ["../../evil<script>.html", "..\\..\\evil<script>.svg", "a\r\nSet-Cookie: x=1.html"]
)
def test_a_hostile_name_is_made_safe_and_an_html_original_is_still_an_attachment(
    api, stored, hostile
):
    document = stored["attachment"]
    document.original_name = hostile  # staff can type any name in the admin
    document.media_type = "text/html" if hostile.endswith(".html") else "image/svg+xml"
    document.save()
    response = api.get(url(document))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    filename = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert "/" not in filename
    assert "\\" not in filename
    assert ".." not in filename
    assert "<" not in filename
    assert ">" not in filename
    assert not any(ord(c) < 32 for c in disposition)
    assert "Set-Cookie" not in response.cookies
    assert filename in {"evil_script_.html", "evil_script_.svg", "a Set-Cookie_ x=1.html"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


# --- Who may ------------------------------------------------------------------------------------


def test_anonymous_is_401_and_no_role_403_in_the_error_shape(stored):
    assert error(APIClient().get(url(stored["pdf"])), 401)["code"] == "not_authenticated"
    outsider = APIClient()
    outsider.force_authenticate(UserFactory(username="outsider", is_staff=False))
    assert error(outsider.get(url(stored["pdf"])), 403)["code"] == "permission_denied"
    assert not Download.objects.exists()


@pytest.mark.parametrize("role", ["staff", "lawyer", "reporting"])
def test_every_role_that_reads_documents_gets_the_original(stored, role):
    client = APIClient()
    client.force_authenticate(UserFactory(username=f"as-{role}", roles=[role]))
    assert client.get(url(stored["pdf"])).status_code == 200


@pytest.mark.parametrize("key", ["999999", "0", "-1", str(2**63), "abc"])
def test_an_unknown_document_is_a_json_404(api, stored, key):
    assert error(api.get(f"/api/v1/documents/{key}/original/"), 404)["code"] == "not_found"


def test_a_format_suffix_names_nothing(api, stored):
    response = api.get(f"/api/v1/documents/{stored['pdf'].pk}/original.json")
    assert error(response, 404)["code"] == "not_found"


def test_a_document_withheld_in_full_has_no_original(api, stored):
    withheld = Document.objects.create(
        release=stored["pdf"].release,
        request=stored["pdf"].request,
        original_name="Interview notes",
        source="by hand",
        withheld_in_full=True,
    )
    found = error(api.get(url(withheld)), 404)
    assert found["code"] == "not_found"
    assert "withheld in full" in found["message"]
    assert api.get(f"/api/v1/documents/{withheld.pk}/").json()["original_url"] is None


# --- Recorded -----------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_a_download_by_token_is_recorded_with_its_reader(api, stored, reader):
    api.get(url(stored["pdf"]))
    download = Download.objects.get()
    assert download.user == reader
    assert download.username == "reader"
    assert download.document == stored["pdf"]
    assert download.document_name == "three_pages.pdf"
    assert download.sha256 == stored["pdf"].sha256
    assert download.door == Download.Door.API
    assert download.downloaded_at == NOON


@pytest.mark.parametrize(
    ("referer", "door"),
    [
        ("http://testserver/dashboard/documents/{pk}/", Download.Door.DASHBOARD),
        ("http://testserver/admin/documents/document/{pk}/change/", Download.Door.ADMIN),
        ("", Download.Door.SESSION),
        ("https://elsewhere.example/admin/", Download.Door.SESSION),
    ],
)
def test_a_browser_download_names_the_page_it_came_from(stored, lawyer_user, referer, door):
    client = Client()
    client.force_login(lawyer_user)
    document = stored["pdf"]
    headers = {"HTTP_REFERER": referer.format(pk=document.pk)} if referer else {}
    response = client.get(url(document), **headers)
    assert response.status_code == 200
    download = Download.objects.get()
    assert (download.user, download.door) == (lawyer_user, door)


def test_every_download_is_a_record_and_a_head_is_none(api, stored):
    for _ in range(2):
        body(api.get(url(stored["pdf"])))
    assert api.head(url(stored["pdf"])).status_code == 200
    assert Download.objects.filter(document=stored["pdf"]).count() == 2


def test_a_record_that_cannot_be_written_does_not_fail_the_download(api, stored, caplog):
    """The download runs inside the test's transaction; the record's insert fails there (its
    table is gone) and rolls back only its own savepoint: the file is handed out, the
    transaction stays usable, and the log holds what the record would have."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE documents_download RENAME TO documents_download_away")
    with caplog.at_level(logging.ERROR, logger="documents.services"):
        response = api.get(url(stored["pdf"]))
    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == stored["pdf"].sha256
    assert "download not recorded: reader" in caplog.text
    assert Document.objects.filter(pk=stored["pdf"].pk).exists()  # the transaction still works
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE documents_download_away RENAME TO documents_download")


def test_the_endpoint_runs_a_bounded_number_of_queries(api, stored):
    api.get(url(stored["pdf"]))  # the first call may load what is cached per process
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url(stored["email"]))
        body(response)
    # The token's holder and roles, the document, the record (in its savepoint).
    assert len(queries) <= 5, [q["sql"][:100] for q in queries]


# --- A stored file that is not the original -------------------------------------------------------


def test_a_missing_stored_file_is_a_clean_json_error(api, stored, settings, caplog):
    document = stored["pdf"]
    stored_path(document, settings).unlink()
    with caplog.at_level(logging.ERROR, logger="documents.originals"):
        found = error(api.get(url(document)), 410)
    assert found["code"] == "original_unavailable"
    assert f"document {document.pk}" in found["message"]
    assert "cannot be opened" in found["message"]
    assert str(settings.MEDIA_ROOT) not in found["message"]  # the path is for the log only
    assert f"original of document {document.pk}" in caplog.text
    assert document.file.name in caplog.text
    assert not Download.objects.exists()


def test_a_stored_file_that_changed_is_never_handed_out(api, stored, settings):
    document = stored["attachment"]
    path = stored_path(document, settings)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"similar", b"SIMILAR"))  # same size, other bytes
    found = error(api.get(url(document)), 410)
    assert "does not hash to its recorded SHA-256" in found["message"]
    path.write_bytes(data + b"more")
    assert "bytes, not the" in error(api.get(url(document)), 410)["message"]
    assert not Download.objects.exists()


# --- The web server sends it ------------------------------------------------------------------


def test_with_x_accel_redirect_nginx_sends_the_file(api, stored, settings):
    settings.ORIGINALS_SENDFILE = "x-accel-redirect"
    settings.ORIGINALS_INTERNAL_LOCATION = "/_originals/"
    document = stored["pdf"]
    response = api.get(url(document))
    assert response.status_code == 200
    assert not response.streaming
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_originals/{document.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="three_pages.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Download.objects.get().door == Download.Door.API


def test_the_web_server_is_told_the_path_that_was_checked_not_the_name_as_recorded(
    api, stored, settings
):
    """A recorded name with a detour (``..``) or given absolute still names the checked file
    inside MEDIA_ROOT: nginx refuses a URI holding ``..``, and would open what was not hashed."""
    settings.ORIGINALS_SENDFILE = "x-accel-redirect"
    settings.ORIGINALS_INTERNAL_LOCATION = "/_originals/"
    document = stored["pdf"]
    plain = document.file.name
    first = plain.split("/", 1)[0]
    for odd in (f"{first}/../{plain}", str(stored_path(document, settings).resolve())):
        Document.objects.filter(pk=document.pk).update(file=odd)
        response = api.get(url(document))
        assert response.status_code == 200, odd
        assert response["X-Accel-Redirect"] == f"/_originals/{plain}", odd


def test_a_name_recorded_outside_media_root_is_never_handed_out(api, stored, settings):
    document = stored["pdf"]
    Document.objects.filter(pk=document.pk).update(file="../../../etc/passwd")
    assert error(api.get(url(document)), 410)["code"] == "original_unavailable"
    settings.ORIGINALS_SENDFILE = "x-sendfile"
    response = api.get(url(document))
    assert error(response, 410)["code"] == "original_unavailable"
    assert "X-Sendfile" not in response


def test_with_x_sendfile_the_header_names_the_file(api, stored, settings):
    settings.ORIGINALS_SENDFILE = "x-sendfile"
    document = stored["pdf"]
    response = api.get(url(document))
    assert response.content == b""
    assert response["X-Sendfile"] == str(stored_path(document, settings).resolve())


def test_the_web_server_is_never_told_to_send_a_file_that_changed(api, stored, settings):
    settings.ORIGINALS_SENDFILE = "x-accel-redirect"
    stored_path(stored["pdf"], settings).write_bytes(b"%PDF-not the original")
    response = api.get(url(stored["pdf"]))
    assert error(response, 410)["code"] == "original_unavailable"
    assert "X-Accel-Redirect" not in response


# --- original_url ----------------------------------------------------------------------------


def test_documents_carry_their_original_url_in_list_detail_and_search(api, stored):
    pdf = stored["pdf"]
    expected = f"http://testserver/api/v1/documents/{pdf.pk}/original/"
    assert api.get(f"/api/v1/documents/{pdf.pk}/").json()["original_url"] == expected
    listed = {d["id"]: d["original_url"] for d in api.get("/api/v1/documents/").json()["results"]}
    assert listed[pdf.pk] == expected
    assert set(listed) == set(ids(*stored.values()))
    hits = api.get("/api/v1/documents/search/", {"q": "similar faces"}).json()["results"]
    assert [hit["original_url"] for hit in hits] == [
        f"http://testserver/api/v1/documents/{stored['attachment'].pk}/original/"
    ]
    # The link is the endpoint: following it gives the bytes.
    assert hashlib.sha256(body(api.get(expected))).hexdigest() == pdf.sha256


def test_the_schema_declares_the_endpoint_and_the_field():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/documents/{id}/original/"]["get"]
    assert operation["responses"]["200"]["content"] == {
        "*/*": {"schema": {"type": "string", "format": "binary"}}
    }
    error_ref = {"$ref": "#/components/schemas/Error"}
    for status in ("401", "403", "404", "410"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == (
            error_ref
        )
    field = schema["components"]["schemas"]["Document"]["properties"]["original_url"]
    assert field == {
        "type": "string",
        "format": "uri",
        "nullable": True,
        "readOnly": True,
        "description": field["description"],
    }
    codes = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert "original_unavailable" in codes["code"]["enum"]
