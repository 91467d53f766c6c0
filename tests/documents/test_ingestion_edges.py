"""What a second look at ingestion found: same names, bad dates, later runs, office files, empty
mailbox entries, deleting, permissions and CSV injection."""

from __future__ import annotations

import datetime
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.models import Document, Release
from requests_app.models import Agency
from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory
from tests.requests_app.test_admin import _form_data, _lawsuit_inline

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent / "fixtures"
D = datetime.date


@pytest.fixture
def release():
    return services.release_create(request=RecordsRequestFactory(), released_on=D(2020, 6, 17))


def message(subject: str, date: str = "Fri, 15 Sep 2017 10:00:00 -0400") -> bytes:
    headers = f"From: a@example.org\nTo: b@example.org\nDate: {date}\nSubject: {subject}\n"
    return f"{headers}\nBody of {subject}.\n".encode()


def test_two_files_of_the_same_name_are_two_inputs(release, tmp_path):
    for who in ("alice", "bob"):
        (tmp_path / who).mkdir()
        (tmp_path / who / "Inbox.eml").write_bytes(message(f"{who}'s mail"))
    report = services.release_ingest(
        release_id=release.pk, paths=[tmp_path / "alice/Inbox.eml", tmp_path / "bob/Inbox.eml"]
    )
    assert (report.ingested, report.already) == (2, 0)
    assert set(Document.objects.values_list("subject", flat=True)) == {"alice's mail", "bob's mail"}


def test_a_bad_file_does_not_stop_the_batch(release, tmp_path):
    (tmp_path / "far-future.eml").write_bytes(
        message("Far future", "Fri, 31 Dec 9999 23:00:00 -0500")
    )
    (tmp_path / "good.eml").write_bytes(message("Good"))
    report = services.release_ingest(
        release_id=release.pk, paths=[tmp_path / "far-future.eml", tmp_path / "good.eml"]
    )
    assert report.ingested == 2
    future = Document.objects.get(subject="Far future")
    assert future.sent_at is None
    assert any("implausible date" in w for w in future.warnings)


def test_a_later_run_keeps_the_problems_of_an_earlier_one(release, tmp_path):
    shutil.copy(FIXTURES / "pdf/truncated.pdf", tmp_path / "truncated.pdf")
    services.release_ingest(release_id=release.pk, paths=[tmp_path / "truncated.pdf"])
    (tmp_path / "good.eml").write_bytes(message("Good"))
    services.release_ingest(release_id=release.pk, paths=[tmp_path / "good.eml"])
    release.refresh_from_db()
    assert release.ingestion == Release.Ingestion.DONE_WITH_ERRORS
    assert [e["file"].split(":", 1)[1] for e in release.errors] == ["truncated.pdf"]


def test_an_office_file_is_one_document_however_large(release, tmp_path):
    docx = tmp_path / "memo.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/image1.png", bytes(range(256)) * 600)  # > 64 KB
    assert docx.stat().st_size > 64 * 1024
    services.release_ingest(release_id=release.pk, paths=[docx])
    assert list(Document.objects.values_list("original_name", flat=True)) == ["memo.docx"]


def test_an_empty_mailbox_entry_is_reported_not_stored(release, tmp_path):
    mbox = tmp_path / "m.mbox"
    mbox.write_bytes(
        b"From x Fri Sep 15 10:00:00 2017\n\nFrom y Fri Sep 15 11:00:00 2017\n" + message("Real")
    )
    report = services.release_ingest(release_id=release.pk, paths=[mbox])
    assert list(Document.objects.values_list("subject", flat=True)) == ["Real"]
    assert any("is empty" in e["reason"] for e in report.errors)


def test_deleting_a_release_removes_files_no_other_document_uses(release, tmp_path, settings):
    (tmp_path / "a.eml").write_bytes(message("A"))
    services.release_ingest(release_id=release.pk, paths=[tmp_path / "a.eml"])
    stored = Path(settings.MEDIA_ROOT) / Document.objects.get().file.name
    assert stored.exists()
    assert services.release_delete(release=release) == 1
    assert not stored.exists()
    assert not Document.objects.exists()


def test_ingestion_queries_do_not_grow_per_file_beyond_its_own_writes(release, tmp_path):
    def run(n: int) -> int:
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        paths = []
        for i in range(n):
            path = folder / f"{i}.eml"
            path.write_bytes(message(f"{n}-{i}"))
            paths.append(path)
        with CaptureQueriesContext(connection) as queries:
            services.release_ingest(release_id=release.pk, paths=paths)
        return len(queries)

    # Per file: a savepoint, its release, the insert (and its savepoint release): a constant
    # number, with no per-file lookups of duplicates or foreign keys.
    small, large = run(5), run(25)
    assert (large - small) / 20 <= 4


def test_the_vaughn_index_needs_permission_and_defuses_formulas(release, client):
    lawsuit = LawsuitFactory()
    lawsuit.requests.add(release.request)
    Release.objects.filter(pk=release.pk).update(lawsuit=lawsuit)
    Document.objects.create(
        release=release,
        request=release.request,
        original_name="x",
        source="hand-1",
        subject='=HYPERLINK("http://evil.example","x")',
        withheld_in_full=True,
    )
    url = reverse("admin:documents_release_vaughn", args=[release.pk])
    plain_staff = UserFactory(username="no-perms", is_staff=True)
    client.force_login(plain_staff)
    assert client.get(url).status_code == 403
    plain_staff.user_permissions.add(Permission.objects.get(codename="view_document"))
    plain_staff = type(plain_staff).objects.get(pk=plain_staff.pk)  # fresh permission cache
    client.force_login(plain_staff)
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in csv


def test_a_request_that_produced_releases_stays_in_its_suit(lawyer_client, release):

    lawsuit = LawsuitFactory()
    lawsuit.requests.add(release.request)
    lawsuit.defendant_agencies.add(Agency.objects.first())
    Release.objects.filter(pk=release.pk).update(lawsuit=lawsuit)
    url = reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk])
    form = lawyer_client.get(url).context["adminform"].form

    response = lawyer_client.post(url, _form_data(form, requests=[], **_lawsuit_inline(lawsuit)))
    assert response.status_code == 200
    assert "Releases were produced under this suit" in response.content.decode()
    assert list(lawsuit.requests.all()) == [release.request]


def test_a_batch_the_database_refuses_is_redone_unit_by_unit(release, tmp_path, monkeypatch):
    for i in range(3):
        (tmp_path / f"{i}.eml").write_bytes(message(f"Message {i}"))
    real = services._insert_levels
    refusals = {"n": 0}

    def refuse_the_whole_batch(rows):
        refusals["n"] += 1

        raise IntegrityError("simulated refusal of the multi-row insert")

    monkeypatch.setattr(services, "_insert_levels", refuse_the_whole_batch)
    report = services.release_ingest(
        release_id=release.pk, paths=[tmp_path / f"{i}.eml" for i in range(3)]
    )
    assert refusals["n"] == 1
    assert report.ingested == 3
    assert Document.objects.count() == 3
    monkeypatch.setattr(services, "_insert_levels", real)
