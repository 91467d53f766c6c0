"""Files chosen on the release form are kept when the form comes back with errors
(documents.kept_uploads): listed for the next try, ingested when it saves as if chosen again,
removable one by one, refused when the form's reference was altered, has expired or is another
user's, deleted by the sweep once expired, and held to the same upload limits."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from documents import admin as admin_module
from documents import kept_uploads, services, tasks
from documents.kept_uploads import (
    KeptUploadsRefused,
    kept_root,
    kept_uploads_claim,
    kept_uploads_keep,
    kept_uploads_open,
    kept_uploads_sweep,
)
from documents.models import Document, Release
from documents.staging import staging_root
from tests.documents.fixture_files import FIXTURES, release_form, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FROZEN = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
PDF = (FIXTURES / "pdf/three_pages.pdf").read_bytes()
TEXT = (FIXTURES / "email/msg_40.txt").read_bytes()


def fields(request, **more) -> dict:
    """The add form as a paralegal fills it, choosing no file unless `uploads` says."""
    return release_form(request, **{"uploads": [], **more})


def add(client: Client, data: dict):
    return client.post(reverse("admin:documents_release_add"), data)


def with_an_error(request, *files) -> dict:
    """The add form with a date nobody could mean, and files chosen."""
    return fields(request, released_on="not a date", uploads=list(files))


def form_of(response):
    return response.context["adminform"].form


def reference_of(response) -> str:
    return form_of(response)["kept"].value()


def kept_bytes() -> list[bytes]:
    """The bytes of every file kept now, whoever's."""
    if not kept_root().exists():
        return []
    return sorted(p.read_bytes() for p in kept_root().rglob("*") if p.name.isdigit())


def upload_errors(response) -> list[str]:
    return list(form_of(response).errors.get("uploads", []))


@pytest.fixture
def save(staff_client, django_capture_on_commit_callbacks, eager):
    """Send the release form (the add page unless `url` says) and run the ingestion its commit
    sends, in-process as the suite does."""

    def send(data: dict, *, client: Client | None = None, url: str = ""):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or staff_client).post(
                url or reverse("admin:documents_release_add"), data
            )

    return send


# --- kept and listed ------------------------------------------------------------------------------


def test_files_chosen_with_an_error_on_another_field_are_kept_and_listed(
    staff_client, suit_and_request
):
    _, request = suit_and_request

    response = add(
        staff_client,
        with_an_error(request, upload("pdf/three_pages.pdf"), upload("email/msg_40.txt")),
    )

    assert response.status_code == 200
    assert not Release.objects.exists()
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Kept from your last try" in page
    assert "three_pages.pdf (2.5\xa0KB)" in page
    assert "msg_40.txt (197\xa0bytes)" in page
    assert upload_errors(response) == []  # nothing to choose again
    kept = form_of(response).kept_brought
    assert [(f.name, f.size) for f in kept.files] == [
        ("three_pages.pdf", 2560),
        ("msg_40.txt", 197),
    ]
    assert kept_bytes() == sorted([PDF, TEXT])
    assert kept.folder.parent == staging_root() / "kept"
    # The form carries a signed reference (its token and owner), not a path.
    reference = reference_of(response)
    assert f'name="kept" value="{reference}"' in page
    assert signing.loads(reference, salt="documents.kept_uploads") == {
        "batch": kept.token,
        "user": form_of(response).uploader_id,
    }


def test_the_add_page_shows_no_kept_list_when_nothing_is_kept(staff_client):
    page = staff_client.get(reverse("admin:documents_release_add")).content.decode()
    assert "data-kept-uploads" not in page
    assert '<input type="hidden" name="kept" id="id_kept">' in page  # no reference


# --- saved with the release -----------------------------------------------------------------------


def test_saving_after_the_fix_ingests_the_kept_files_without_choosing_them_again(
    staff_client, suit_and_request, save
):
    _, request = suit_and_request
    first = add(
        staff_client,
        with_an_error(request, upload("pdf/three_pages.pdf"), upload("email/msg_40.txt")),
    )

    response = save(fields(request, kept=reference_of(first)))

    assert response.status_code == 302
    release = Release.objects.get()
    assert sorted(release.documents.values_list("original_name", flat=True)) == [
        "msg_40.txt",
        "three_pages.pdf",
    ]
    assert release.ingestion == Release.Ingestion.DONE
    assert release.ingest_counts["last"]["ingested"] == 2
    assert release.staged == []
    # Ingested, the staged copies are gone, as any upload's are; nothing is kept any more.
    assert not [p for p in staging_root().rglob("*") if p.is_file()]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("2 file(s) saved") for m in messages)


def test_kept_files_join_the_files_chosen_now_and_duplicates_are_skipped_as_ever(
    staff_client, suit_and_request, save
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))

    response = save(
        fields(
            request,
            kept=reference_of(first),
            uploads=[upload("email/msg_40.txt"), SimpleUploadedFile("copy.pdf", PDF)],
        )
    )

    assert response.status_code == 302
    release = Release.objects.get()
    assert sorted(release.documents.values_list("original_name", flat=True)) == [
        "msg_40.txt",
        "three_pages.pdf",  # the kept file first: the copy chosen now is its duplicate
    ]
    assert release.ingest_counts["last"]["duplicates"] == 1
    assert [p["kind"] for p in release.errors] == ["duplicate"]


def test_a_release_s_change_page_keeps_files_too_and_ingests_them_into_it(
    staff_client, suit_and_request, save
):
    _, request = suit_and_request
    release = Release.objects.create(request=request, released_on=datetime.date(2020, 6, 17))
    url = reverse("admin:documents_release_change", args=[release.pk])
    # The error comes from the model's own check (records cannot end before they begin).
    wrong = fields(
        request,
        records_from="2019-05-01",
        records_to="2019-01-01",
        uploads=[upload("pdf/three_pages.pdf")],
    )

    first = staff_client.post(url, wrong)

    assert first.status_code == 200
    assert "The records cannot end before they begin." in first.content.decode()
    assert kept_bytes() == [PDF]

    right = {**wrong, "records_to": "2019-12-31", "uploads": [], "kept": reference_of(first)}
    response = save(right, url=url)

    assert response.status_code == 302
    release.refresh_from_db()
    assert list(release.documents.values_list("original_name", flat=True)) == ["three_pages.pdf"]
    assert kept_bytes() == []


def test_the_same_form_sent_twice_saves_its_kept_files_once(staff_client, suit_and_request, save):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    fixed = fields(request, kept=reference_of(first))

    assert save(fixed).status_code == 302
    twin = save(fixed)  # a second click on Save, or the page sent again from the history

    assert twin.status_code == 200
    assert upload_errors(twin) == [
        "The files kept from your last try are no longer held for this form (this form may have "
        "been sent twice, or they expired): choose them again if they are still needed."
    ]
    assert Release.objects.count() == 1
    assert Document.objects.count() == 1


# --- removed before saving ------------------------------------------------------------------------


def test_a_kept_file_removed_is_not_ingested(staff_client, suit_and_request, save):
    _, request = suit_and_request
    first = add(
        staff_client,
        with_an_error(request, upload("pdf/three_pages.pdf"), upload("email/msg_40.txt")),
    )
    (text,) = [f for f in form_of(first).kept_brought.files if f.name == "msg_40.txt"]

    response = save(fields(request, kept=reference_of(first), kept_remove=[text.key]))

    assert response.status_code == 302
    release = Release.objects.get()
    assert list(release.documents.values_list("original_name", flat=True)) == ["three_pages.pdf"]
    assert not [
        p for p in Path(staging_root()).parent.rglob("*") if p.is_file() and p.read_bytes() == TEXT
    ]


def test_a_file_removed_on_a_try_that_fails_again_leaves_the_list_at_once(
    staff_client, suit_and_request
):
    _, request = suit_and_request
    first = add(
        staff_client,
        with_an_error(request, upload("pdf/three_pages.pdf"), upload("email/msg_40.txt")),
    )
    (pdf,) = [f for f in form_of(first).kept_brought.files if f.name == "three_pages.pdf"]

    second = add(
        staff_client,
        fields(request, released_on="", kept=reference_of(first), kept_remove=[pdf.key]),
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert "msg_40.txt (197\xa0bytes)" in page
    assert "three_pages.pdf" not in page
    assert kept_bytes() == [TEXT]
    assert "checked" not in page.split("data-kept-uploads")[1].split("</ul>")[0]
    # The list has a new reference; the one the first page carried finds nothing any more.
    assert reference_of(second) != reference_of(first)
    stale = add(staff_client, fields(request, released_on="", kept=reference_of(first)))
    assert "no longer held for this form" in upload_errors(stale)[0]


def test_a_disk_that_cannot_keep_the_files_says_to_choose_them_again(
    staff_client, suit_and_request, monkeypatch
):
    _, request = suit_and_request

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kept_uploads, "stage_files", disk_full)

    response = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))

    assert response.status_code == 200
    assert upload_errors(response) == [
        "The file(s) you chose (three_pages.pdf) could not be kept on the server: choose them "
        "again before saving."
    ]
    assert reference_of(response) == ""
    assert not Release.objects.exists()


# --- references that cannot be used ---------------------------------------------------------------


def _altered(reference: str) -> str:
    payload, rest = reference.split(":", 1)
    return ("B" if payload[0] == "A" else "A") + payload[1:] + ":" + rest


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("altered", "is not valid (it was changed)"),
        ("expired", "were kept for 24 hours only"),
        ("another user's", "were kept for another user"),
    ],
)
def test_a_reference_altered_expired_or_another_user_s_is_refused_and_nothing_saved(
    how, says, staff_client, suit_and_request, save
):
    _, request = suit_and_request
    with time_machine.travel(FROZEN, tick=False):
        first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    reference, client, at = reference_of(first), staff_client, FROZEN + HOUR
    if how == "altered":
        reference = _altered(reference)
    elif how == "expired":
        at = FROZEN + 24 * HOUR + datetime.timedelta(seconds=1)
    else:
        client = Client()
        client.force_login(UserFactory(username="other-paralegal", roles=["staff"]))

    with time_machine.travel(at, tick=False):
        response = save(
            fields(request, kept=reference, uploads=[upload("email/msg_40.txt")]), client=client
        )

    assert response.status_code == 200
    (error,) = upload_errors(response)
    assert says in error
    assert not Release.objects.exists()
    assert not Document.objects.exists()
    # The file chosen with it is kept for this user, under a reference of its own; the batch
    # the refused reference named is as it was.
    assert [f.name for f in form_of(response).kept_brought.files] == ["msg_40.txt"]
    with time_machine.travel(at, tick=False):
        mine = kept_uploads_open(
            reference=reference_of(response), user_id=response.wsgi_request.user.pk
        )
    assert mine.files == form_of(response).kept_brought.files
    # (the expired batch went with the sweep that this keep ran)
    assert kept_bytes() == ([TEXT] if how == "expired" else sorted([PDF, TEXT]))
    if how != "expired":
        with time_machine.travel(at, tick=False):
            assert save(fields(request, kept=reference_of(first))).status_code == 302
        assert Document.objects.get().original_name == "three_pages.pdf"


def test_a_signed_reference_naming_a_path_is_refused(staff_user, settings):
    # As if the signing key had leaked: the token is still checked, and no path is ever read.
    forged = signing.dumps(
        {"batch": "../../..", "user": staff_user.pk}, salt="documents.kept_uploads"
    )
    with pytest.raises(KeptUploadsRefused, match="is not valid"):
        kept_uploads_open(reference=forged, user_id=staff_user.pk)


def test_names_in_kept_uploads_never_choose_where_bytes_are_written(staff_user, settings, tmp_path):
    # Called directly: a browser (and the test client) sends only the base name, a hand-made
    # request need not.
    # Everything written under tmp_path is ours; the name climbs from the batch's folder
    # (media/staging/kept/<token>) out of the media root, to tmp_path/outside.
    settings.MEDIA_ROOT = tmp_path / "outside" / "media"
    evil = SimpleUploadedFile("x.eml", b"Subject: x\n\nbody")
    evil._name = "../../../../escape.eml"  # past the setter, which would strip the path
    assert evil.name == "../../../../escape.eml"

    batch = kept_uploads_keep(user_id=staff_user.pk, kept=None, files=[evil])

    (kept,) = batch.files
    assert kept.name == "escape.eml"
    media = Path(settings.MEDIA_ROOT).resolve()
    written = [p.resolve() for p in tmp_path.rglob("*") if p.is_file()]
    assert written
    assert all(media in p.parents for p in written)
    assert [p.read_bytes() for p in written if p.name.isdigit()] == [b"Subject: x\n\nbody"]


# --- the sweep ------------------------------------------------------------------------------------


def test_the_sweep_deletes_kept_files_once_expired_and_not_newer_ones(
    staff_client, suit_and_request
):
    _, request = suit_and_request
    with time_machine.travel(FROZEN, tick=False):
        old = form_of(add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf"))))
    with time_machine.travel(FROZEN + 20 * HOUR, tick=False):
        # Each keep sweeps first: the first batch, 20 hours old, stays.
        new = form_of(add(staff_client, with_an_error(request, upload("email/msg_40.txt"))))
    assert old.kept_brought.folder.is_dir()
    assert new.kept_brought.folder.is_dir()

    with time_machine.travel(FROZEN + 24 * HOUR + datetime.timedelta(seconds=1), tick=False):
        out = _command_output("sweep_kept_uploads")
    assert out == "Deleted 1 batch(es) of kept uploads older than 24 hour(s).\n"
    assert not old.kept_brought.folder.exists()
    assert kept_bytes() == [TEXT]

    with time_machine.travel(FROZEN + 44 * HOUR, tick=False):
        assert tasks.kept_uploads_sweep() == 0  # the task beat runs: 24 hours to the second
    with time_machine.travel(FROZEN + 44 * HOUR + datetime.timedelta(seconds=1), tick=False):
        assert tasks.kept_uploads_sweep() == 1
    assert kept_bytes() == []
    assert list(kept_root().iterdir()) == []


def test_a_batch_kept_again_lives_from_its_last_keep(staff_client, suit_and_request, save):
    _, request = suit_and_request
    with time_machine.travel(FROZEN, tick=False):
        first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    with time_machine.travel(FROZEN + 20 * HOUR, tick=False):
        second = add(staff_client, fields(request, released_on="", kept=reference_of(first)))

    with time_machine.travel(FROZEN + 30 * HOUR, tick=False):
        assert kept_uploads_sweep() == 0
        response = save(fields(request, kept=reference_of(second)))

    assert response.status_code == 302
    assert Document.objects.get().original_name == "three_pages.pdf"


def test_the_sweep_and_a_save_never_both_have_a_batch(staff_user):
    files = [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")]
    with time_machine.travel(FROZEN, tick=False):
        swept = kept_uploads_keep(user_id=staff_user.pk, kept=None, files=files[:1])
        claimed = kept_uploads_keep(user_id=staff_user.pk, kept=None, files=files[1:])
    # Claimed for a save an instant before expiry: its time is refreshed, so the sweep leaves
    # it; the batch the sweep took first cannot be claimed any more.
    with time_machine.travel(FROZEN + 24 * HOUR - datetime.timedelta(seconds=1), tick=False):
        taken = kept_uploads_claim(kept=claimed)
    with time_machine.travel(FROZEN + 24 * HOUR + datetime.timedelta(seconds=1), tick=False):
        assert kept_uploads_sweep() == 1
        with pytest.raises(KeptUploadsRefused, match="no longer held for this form"):
            kept_uploads_claim(kept=swept)
    assert taken.folder.is_dir()
    assert kept_bytes() == [b"b"]


def _command_output(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


# --- limits ---------------------------------------------------------------------------------------


def test_a_file_over_the_per_file_limit_is_not_kept(staff_client, suit_and_request, settings):
    _, request = suit_and_request
    settings.UPLOAD_MAX_FILE_BYTES = 100

    response = add(
        staff_client,
        with_an_error(
            request,
            SimpleUploadedFile("small.txt", b"x" * 100),
            SimpleUploadedFile("large.txt", b"y" * 101),
        ),
    )

    assert upload_errors(response) == [
        "large.txt is 101 bytes, over the limit of 100 bytes per file."
    ]
    assert [f.name for f in form_of(response).kept_brought.files] == ["small.txt"]
    assert kept_bytes() == [b"x" * 100]


def test_an_empty_file_is_refused_by_name_and_the_others_are_kept(staff_client, suit_and_request):
    _, request = suit_and_request

    response = add(
        staff_client,
        fields(
            request,
            uploads=[upload("pdf/three_pages.pdf"), SimpleUploadedFile("blank.txt", b"")],
        ),
    )

    assert upload_errors(response) == ["blank.txt: The submitted file is empty."]
    assert not Release.objects.exists()
    assert [f.name for f in form_of(response).kept_brought.files] == ["three_pages.pdf"]


def test_kept_files_count_towards_the_upload_limit_with_the_files_chosen_next(
    staff_client, suit_and_request, settings, save
):
    _, request = suit_and_request
    settings.UPLOAD_MAX_FILE_BYTES = 100
    settings.UPLOAD_MAX_REQUEST_BYTES = 150
    first = add(staff_client, with_an_error(request, SimpleUploadedFile("one.txt", b"1" * 80)))

    refused = save(
        fields(
            request, kept=reference_of(first), uploads=[SimpleUploadedFile("two.txt", b"2" * 80)]
        )
    )

    assert refused.status_code == 200
    assert upload_errors(refused) == [
        "These files come to 160 bytes with the 1 kept from your last try, over the limit of 150 "
        "bytes per upload: upload them in parts."
    ]
    assert not Release.objects.exists()
    assert kept_bytes() == [b"1" * 80]  # the new file was not kept: it would not fit either
    assert save(fields(request, kept=reference_of(refused))).status_code == 302
    assert Document.objects.get().original_name == "one.txt"


def test_a_kept_file_over_a_limit_lowered_since_must_be_removed(
    staff_client, suit_and_request, settings, save
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, SimpleUploadedFile("one.txt", b"1" * 80)))
    (one,) = form_of(first).kept_brought.files
    settings.UPLOAD_MAX_FILE_BYTES = 50

    refused = save(fields(request, kept=reference_of(first)))

    assert upload_errors(refused) == [
        "one.txt (kept from your last try) is 80 bytes, over the limit of 50 bytes per file: "
        "remove it."
    ]
    assert not Release.objects.exists()
    response = save(
        fields(
            request,
            kept=reference_of(refused),
            kept_remove=[one.key],
            uploads=[SimpleUploadedFile("two.txt", b"2" * 10)],
        )
    )
    assert response.status_code == 302
    assert Document.objects.get().original_name == "two.txt"


def test_kept_files_count_towards_the_files_one_upload_may_carry(
    staff_client, suit_and_request, settings
):
    _, request = suit_and_request
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    first = add(
        staff_client,
        with_an_error(
            request, SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")
        ),
    )

    refused = add(
        staff_client,
        fields(request, kept=reference_of(first), uploads=[SimpleUploadedFile("c.txt", b"c")]),
    )

    assert upload_errors(refused) == [
        "These are 3 files with the 2 kept from your last try, over the limit of 2 files per "
        "upload: upload them in parts."
    ]
    assert not Release.objects.exists()
    assert kept_bytes() == [b"a", b"b"]


# --- a disk that fails --------------------------------------------------------------------------


def _disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")


def test_a_disk_full_while_saving_saves_nothing_and_keeps_every_file_for_the_next_try(
    staff_client, suit_and_request, save, monkeypatch
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    # The disk fills while the save writes the files chosen now into the release's folder.
    monkeypatch.setattr(services, "stage_files", _disk_full)

    response = save(fields(request, kept=reference_of(first), uploads=[upload("email/msg_40.txt")]))

    assert response.status_code == 200
    assert upload_errors(response) == [
        "The release was not saved: the file(s) (msg_40.txt, three_pages.pdf) could not be "
        "written on the server (its disk is full or cannot be written). Try saving again in a "
        "moment."
    ]
    assert not Release.objects.exists()
    # Nothing is left in a release's folder; both files are kept, listed, for the next try.
    assert [p.name for p in staging_root().iterdir()] == ["kept"]
    assert [f.name for f in form_of(response).kept_brought.files] == [
        "three_pages.pdf",
        "msg_40.txt",
    ]
    assert kept_bytes() == sorted([PDF, TEXT])

    monkeypatch.undo()
    assert save(fields(request, kept=reference_of(response))).status_code == 302
    assert sorted(Document.objects.values_list("original_name", flat=True)) == [
        "msg_40.txt",
        "three_pages.pdf",
    ]
    assert kept_bytes() == []


def test_a_save_rolled_back_after_the_hand_over_leaves_files_only_until_the_sweep(
    staff_client, suit_and_request, save, monkeypatch
):
    _, request = suit_and_request
    with time_machine.travel(FROZEN, tick=False):
        first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))

    def broken(*args, **kwargs):
        raise RuntimeError("a failure after the files were staged")

    monkeypatch.setattr(admin_module.ReleaseAdmin, "message_user", broken)
    with time_machine.travel(FROZEN + HOUR, tick=False), pytest.raises(RuntimeError):
        save(fields(request, kept=reference_of(first), uploads=[upload("email/msg_40.txt")]))

    assert not Release.objects.exists()  # rolled back: its staging folder is an orphan
    (orphan,) = [p for p in staging_root().iterdir() if p.name != "kept"]
    assert sorted(p.read_bytes() for p in orphan.rglob("*") if p.name.isdigit()) == sorted(
        [PDF, TEXT]
    )
    os.utime(orphan, (FROZEN.timestamp() + 3600, FROZEN.timestamp() + 3600))
    with time_machine.travel(FROZEN + 25 * HOUR - datetime.timedelta(seconds=1), tick=False):
        tasks.kept_uploads_sweep()
    assert orphan.is_dir()  # a save could still be under way: never touched that early
    with time_machine.travel(FROZEN + 25 * HOUR + datetime.timedelta(seconds=1), tick=False):
        tasks.kept_uploads_sweep()
    assert not orphan.exists()


def test_the_sweep_leaves_the_staging_folders_of_releases_that_exist(suit_and_request):
    release = services.release_create(
        request=suit_and_request[1], released_on=datetime.date(2020, 6, 17)
    )
    folder = staging_root() / str(release.pk) / "batch"
    folder.mkdir(parents=True)
    (folder / "0000").write_bytes(b"waiting for its run")
    os.utime(staging_root() / str(release.pk), (FROZEN.timestamp(), FROZEN.timestamp()))
    with time_machine.travel(FROZEN + 48 * HOUR, tick=False):
        tasks.kept_uploads_sweep()
    assert (folder / "0000").read_bytes() == b"waiting for its run"


def test_a_disk_that_cannot_be_written_when_saving_names_the_kept_files_and_keeps_them(
    staff_client, suit_and_request, save, monkeypatch
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    reference = reference_of(first)
    monkeypatch.setattr(kept_uploads, "_record", _disk_full)  # refreshing its time, at claim

    response = save(fields(request, kept=reference, uploads=[upload("email/msg_40.txt")]))

    assert response.status_code == 200
    assert upload_errors(response) == [
        "The files kept from your last try (three_pages.pdf) could not be read or moved on the "
        "server just now (its disk is full or cannot be written): they are still kept for this "
        "form, try saving again in a moment.",
        "The file(s) you chose now (msg_40.txt) were not kept: choose them again.",
    ]
    assert not Release.objects.exists()
    assert reference_of(response) == reference  # not renamed: the reference still holds
    monkeypatch.undo()
    assert save(fields(request, kept=reference)).status_code == 302
    assert Document.objects.get().original_name == "three_pages.pdf"


def test_a_kept_batch_that_cannot_be_read_is_a_form_error(
    staff_client, suit_and_request, save, monkeypatch
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))

    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(kept_uploads, "staged_name", unreadable)
    response = save(fields(request, kept=reference_of(first), uploads=[upload("email/msg_40.txt")]))

    assert response.status_code == 200
    errors = upload_errors(response)
    assert errors[0].startswith("The files kept from your last try could not be read")
    assert errors[1] == "The file(s) you chose now (msg_40.txt) were not kept: choose them again."
    assert not Release.objects.exists()
    assert reference_of(response) == reference_of(first)


def test_one_entry_the_sweep_cannot_delete_fails_no_keep_and_no_sweep(staff_user, monkeypatch):
    with time_machine.travel(FROZEN, tick=False):
        expired = kept_uploads_keep(
            user_id=staff_user.pk, kept=None, files=[SimpleUploadedFile("a.txt", b"a")]
        )
    stuck = kept_root() / "stuck"
    stuck.mkdir()
    os.utime(stuck, (FROZEN.timestamp(), FROZEN.timestamp()))
    rename = Path.rename

    def refused_for_stuck(self, target):
        if self.name == "stuck":
            raise PermissionError(13, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refused_for_stuck)
    with time_machine.travel(FROZEN + 25 * HOUR, tick=False):
        assert tasks.kept_uploads_sweep() == 1
        kept = kept_uploads_keep(
            user_id=staff_user.pk, kept=None, files=[SimpleUploadedFile("b.txt", b"b")]
        )
    assert not expired.folder.exists()
    assert stuck.is_dir()
    assert [f.name for f in kept.files] == ["b.txt"]


def test_a_disk_full_when_the_kept_files_join_the_release_saves_nothing_and_keeps_them(
    staff_client, suit_and_request, save, monkeypatch
):
    _, request = suit_and_request
    first = add(staff_client, with_an_error(request, upload("pdf/three_pages.pdf")))
    monkeypatch.setattr(kept_uploads, "kept_uploads_hand_over", _disk_full)

    response = save(fields(request, kept=reference_of(first), uploads=[upload("email/msg_40.txt")]))

    assert response.status_code == 200
    assert upload_errors(response)[0].startswith("The release was not saved")
    assert not Release.objects.exists()
    assert [p.name for p in staging_root().iterdir()] == ["kept"]
    assert kept_bytes() == sorted([PDF, TEXT])
