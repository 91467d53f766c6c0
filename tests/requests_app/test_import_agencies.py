"""`manage.py import_agencies`: the real 18F federal directory (116 agencies, 424 components) and a
FOIA.gov agency component, idempotent re-imports, and malformed files rejected whole."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from requests_app.directory.importer import DirectoryPathError, directory_import
from requests_app.directory.parser import (
    AgencyRecord,
    DirectoryFormatError,
    FoiaGovComponentRecord,
    email_problem,
    normalise_url,
    read_18f_agency,
    read_directory_file,
    read_foiagov_component,
)
from requests_app.models import Agency, Jurisdiction

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DIRECTORY = DATA / "agency-directory-18f-2017"
OIP = DATA / "foiagov-agency-component" / "oip.json"
OIP_ID = "8216158f-8089-431d-b866-dc334e8d4758"


@pytest.fixture
def directory() -> Path:
    if not (DIRECTORY / "DOJ.json").is_file():
        pytest.skip(f"the 18F agency directory is not at {DIRECTORY} (see shared/data/README.md)")
    return DIRECTORY


@pytest.fixture
def oip() -> Path:
    if not OIP.is_file():
        pytest.skip(f"the FOIA.gov agency component is not at {OIP} (see shared/data/README.md)")
    return OIP


def copy_files(directory: Path, target: Path, *names: str) -> Path:
    target.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(directory / name, target / name)
    return target


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def doj_department(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in data["departments"] if d["name"] == name)


# --- the pure parser: no database -----------------------------------------------------------


def test_directory_is_116_agencies_with_424_components(directory):
    files = sorted(directory.glob("*.json"))
    records = [read_18f_agency(path).record for path in files]

    assert len(records) == 116
    assert sum(len(record.components) for record in records) == 424
    # 18F's `top_level` marks components FOIA.gov listed on their own; they stay components.
    listed = [c for r in records for c in r.components if c.listed_separately]
    assert len(listed) == 60
    # The keys, the agency names and the component names within an agency are all unique.
    keys = [r.source_key for r in records] + [c.source_key for r in records for c in r.components]
    assert len(set(keys)) == 116 + 424
    assert len({r.name for r in records}) == 116
    for record in records:
        assert len({c.name for c in record.components}) == len(record.components), record.name


def test_doj_file_holds_dea_and_fbi_with_office_contacts(directory):
    record = read_18f_agency(directory / "DOJ.json").record

    assert isinstance(record, AgencyRecord)
    assert (record.source_key, record.name, record.abbreviation) == (
        "18f:DOJ",
        "Department of Justice",
        "DOJ",
    )
    assert len(record.components) == 38
    components = {c.name: c for c in record.components}
    dea = components["Drug Enforcement Administration"]
    assert dea.source_key == "18f:DOJ/Drug Enforcement Administration"
    assert (dea.abbreviation, dea.foia_email) == ("DEA", "dea.foia@usdoj.gov")
    assert dea.mailing_address.endswith("8701 Morrissette Drive\nSpringfield, VA 22152")
    fbi = components["Federal Bureau of Investigation"]
    assert fbi.foia_email == "foiparequest@ic.fbi.gov"
    assert fbi.request_url == "https://efoia.fbi.gov"
    assert "Fax: 540-868-4997" in fbi.notes


def test_people_named_as_liaisons_and_contacts_are_not_imported(directory):
    """public_liaison, foia_officer and misc name people; only the address keeps a name, as the
    office's published postal address."""
    for path in sorted(directory.glob("*.json")):
        data = load(path)
        record = read_18f_agency(path).record
        for department, component in zip(data["departments"], record.components, strict=True):
            people = {
                person["name"]
                for key in ("public_liaison", "foia_officer")
                if isinstance(person := department.get(key), dict) and person.get("name")
            }
            people |= {
                person["name"]
                for person in (department.get("misc") or {}).values()
                if isinstance(person, dict) and person.get("name")
            }
            structured = (
                component.name,
                component.abbreviation,
                component.foia_email,
                component.phone,
                component.website,
                component.request_url,
            )
            # FRB's one "misc" contact is named after the office itself.
            for person in people - {component.name}:
                assert not any(person in value for value in structured), (path.name, person)


def test_imperfect_public_values_are_normalised_or_left_out(directory):
    denali = read_18f_agency(directory / "DC.json")
    assert denali.record.components[0].website == "http://denali.gov"

    hud = read_18f_agency(directory / "HUD.json")
    # "christopher d. taylor@hud.gov": not an address; reported without repeating it.
    skipped = [str(value) for value in hud.skipped]
    assert "departments[4].emails: not an email address; left out" in skipped
    assert not any("taylor" in value for value in skipped)
    assert hud.record.components[4].foia_email == ""

    eeoc = read_18f_agency(directory / "EEOC.json")
    # ["mailto", "INDIFOIA@eeoc.gov"]: the first is junk, the second is the office's.
    assert eeoc.record.components[7].foia_email == "INDIFOIA@eeoc.gov"

    fca = read_18f_agency(directory / "FCA.json")  # request_form: null
    assert fca.record.components[0].request_url == ""
    mcc = read_18f_agency(directory / "MCC.json")  # request_form: "N/A"
    assert mcc.record.components[0].request_url == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://efoia.fbi.gov", "https://efoia.fbi.gov"),
        ("www.eac.gov", "http://www.eac.gov"),
        ("denali.gov", "http://denali.gov"),
        ("www.usich.gov/foia", "http://www.usich.gov/foia"),
        ("N/A", None),
        ("yes", None),
        ("?foiarequest@restorethegulf.gov", None),
        ("http://USDA APHIS | FOIA", None),
        ("ftp://example.gov/file", None),
    ],
)
def test_normalise_url(value, expected):
    assert normalise_url(value) == expected


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        ("dea.foia@usdoj.gov", True),
        ("gpayton@imls", False),
        ("dorothy.riehle.rl.doe.gov", False),
        ("patricia.a. campbell@hud.gov", False),
        ("someone@gmail.com", False),
    ],
)
def test_email_problem(value, usable):
    assert (email_problem(value) is None) is usable


def test_foiagov_component_names_its_agency_and_drops_a_personal_address(oip):
    parsed = read_foiagov_component(oip)
    record = parsed.record

    assert isinstance(record, FoiaGovComponentRecord)
    assert record.source_key == f"foiagov:{OIP_ID}"
    assert record.name == "Office of Information Policy"
    assert record.parent is not None
    assert (record.parent.abbreviation, record.parent.name) == ("DOJ", "Department of Justice")
    # submission_email is a developer's gmail address on FOIA.gov's dev API: not the office's.
    assert record.foia_email == ""
    assert [value.field for value in parsed.skipped] == ["data.attributes.submission_email"]
    assert record.request_url == "http://www.justice.gov/oip/oip-request.html"
    assert record.website == "http://www.justice.gov/oip/oip-foia"
    assert record.mailing_address.endswith("1425 New York Avenue, NW\nWashington, DC 20530-0001")
    assert "Carmen" not in repr(record)  # the included foia_personnel are not read


def test_invalid_json_names_the_file_and_position(tmp_path):
    path = tmp_path / "DOJ.json"
    path.write_text('{"name": "Department of Justice",', encoding="utf-8")

    with pytest.raises(DirectoryFormatError) as caught:
        read_directory_file(path)

    assert str(caught.value).startswith("DOJ.json: line 1 column ")
    assert "not valid JSON" in str(caught.value)


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            lambda data: data["departments"][3].pop("name"),
            "DOJ.json: departments[3].name: expected a non-empty string",
        ),
        (
            lambda data: data["departments"][3].update(name="  "),
            "DOJ.json: departments[3].name: expected a non-empty string",
        ),
        (
            lambda data: data["departments"][9].update(emails="dea.foia@usdoj.gov"),
            "DOJ.json: departments[9].emails: expected a list of strings",
        ),
        (
            lambda data: data["departments"][9]["address"].update(city=["Springfield"]),
            "DOJ.json: departments[9].address.city: expected a string",
        ),
        (
            lambda data: data["departments"][9].update(top_level="yes"),
            "DOJ.json: departments[9].top_level: expected true or false",
        ),
        (
            lambda data: data["departments"].__setitem__(2, "Office of the AAG"),
            "DOJ.json: departments[2]: expected an object",
        ),
        (lambda data: data.pop("name"), "DOJ.json: name: expected a non-empty string"),
        (
            lambda data: data.update(departments={}),
            "DOJ.json: departments: expected a list of departments",
        ),
    ],
)
def test_malformed_18f_file_names_the_file_and_field(directory, tmp_path, break_it, message):
    data = load(directory / "DOJ.json")
    break_it(data)
    dump(tmp_path / "DOJ.json", data)

    with pytest.raises(DirectoryFormatError) as caught:
        read_directory_file(tmp_path / "DOJ.json")

    assert str(caught.value) == message


def test_malformed_foiagov_file_names_the_field(oip, tmp_path):
    data = load(oip)
    data["data"]["attributes"]["title"] = None
    dump(tmp_path / "oip.json", data)

    with pytest.raises(DirectoryFormatError) as caught:
        read_directory_file(tmp_path / "oip.json")

    assert str(caught.value) == "oip.json: data.attributes.title: expected a non-empty string"


def test_a_file_of_neither_format_is_refused(tmp_path):
    dump(tmp_path / "other.json", {"agencies": []})

    with pytest.raises(DirectoryFormatError, match=r"^other\.json: neither an 18F agency file"):
        read_directory_file(tmp_path / "other.json")


# --- the import: against the database -------------------------------------------------------


@pytest.fixture
def imported(db, directory):
    return directory_import(paths=[directory])


def test_import_of_the_real_directory(imported):
    assert not imported.rejected
    assert len(imported.files) == 116  # LICENSE.md and request_time_data.csv are not read
    assert (imported.agencies.created, imported.components.created) == (116, 424)
    us = Jurisdiction.objects.get(code="US")
    assert Agency.objects.filter(parent__isnull=True, jurisdiction=us).count() == 116
    assert Agency.objects.filter(parent__isnull=False, jurisdiction=us).count() == 424
    # Components are one level deep, under an imported agency of the same file.
    assert not Agency.objects.filter(parent__parent__isnull=False).exists()
    assert not Agency.objects.filter(source_key="").exists()

    doj = Agency.objects.get(source_key="18f:DOJ")
    assert (doj.name, doj.abbreviation, doj.parent) == ("Department of Justice", "DOJ", None)
    assert doj.foia_email == "MRUFOIA.Requests@usdoj.gov"
    assert doj.components.count() == 38
    dea = doj.components.get(abbreviation="DEA")
    assert dea.name == "Drug Enforcement Administration"
    assert dea.source_key == "18f:DOJ/Drug Enforcement Administration"
    assert (dea.foia_email, dea.phone) == ("dea.foia@usdoj.gov", "202-307-7596")
    assert dea.website == "http://www.justice.gov/dea/FOIA/FOIA.shtml"
    assert "Springfield, VA 22152" in dea.mailing_address
    fbi = doj.components.get(name="Federal Bureau of Investigation")
    assert (fbi.foia_email, fbi.request_url) == ("foiparequest@ic.fbi.gov", "https://efoia.fbi.gov")
    assert "Winchester, VA 22602-4843" in fbi.mailing_address
    # A public liaison is a person: not in any structured field.
    assert "Scott-Drewery" not in " ".join([dea.notes, dea.mailing_address, dea.phone])

    # The imperfect values: normalised, or left out and reported.
    assert Agency.objects.get(source_key="18f:DC/Denali Commission").website == "http://denali.gov"
    doe = next(f for f in imported.files if f.path.name == "DOE.json")
    assert "departments[5].emails: not an email address; left out" in doe.skipped


def test_second_import_changes_nothing(imported, directory, django_assert_max_num_queries):
    rows = Agency.objects.count()
    history = Agency.history.count()
    before = {a.source_key: a for a in Agency.objects.all()}

    # Bounded queries per file: the rows by key, the agency's components, a savepoint.
    with django_assert_max_num_queries(5 * 116 + 5):
        again = directory_import(paths=[directory])

    assert not again.rejected
    assert (again.agencies.created, again.agencies.updated, again.agencies.unchanged) == (0, 0, 116)
    assert (again.components.created, again.components.updated) == (0, 0)
    assert again.components.unchanged == 424
    assert Agency.objects.count() == rows
    assert Agency.history.count() == history  # nothing was saved
    after = {a.source_key: a for a in Agency.objects.all()}
    assert {k: (a.pk, a.parent_id, a.phone) for k, a in after.items()} == {
        k: (a.pk, a.parent_id, a.phone) for k, a in before.items()
    }


def test_a_changed_value_updates_the_row(imported, directory, tmp_path):
    data = load(directory / "DOJ.json")
    doj_department(data, "Drug Enforcement Administration")["phone"] = "202-555-0100"
    copy = tmp_path / "directory"
    copy.mkdir()
    dump(copy / "DOJ.json", data)
    rows = Agency.objects.count()

    report = directory_import(paths=[copy / "DOJ.json"])

    assert (report.components.created, report.components.updated) == (0, 1)
    assert report.components.unchanged == 37
    assert report.agencies.unchanged == 1
    assert report.files[0].updated == ["Drug Enforcement Administration (DEA) — DOJ"]
    assert Agency.objects.count() == rows
    dea = Agency.objects.get(source_key="18f:DOJ/Drug Enforcement Administration")
    assert dea.phone == "202-555-0100"
    assert dea.history.first().history_change_reason == "import_agencies DOJ.json"


def test_a_value_the_directory_leaves_out_does_not_erase_one_staff_entered(imported, directory):
    fbi = Agency.objects.get(source_key="18f:DOJ/Federal Bureau of Investigation")
    fbi.abbreviation = "FBI"  # the directory publishes none
    fbi.notes = "Staff note: ask for expedited processing."
    fbi.save()

    report = directory_import(paths=[directory / "DOJ.json"])

    assert report.components.updated == 0
    fbi.refresh_from_db()
    assert fbi.abbreviation == "FBI"
    assert fbi.notes == "Staff note: ask for expedited processing."


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(
            lambda path: path.write_text("{not json", encoding="utf-8"), id="invalid-json"
        ),
        pytest.param(
            lambda path: dump(
                path,
                {**load(path), "departments": [*load(path)["departments"][:20], {"phone": "1"}]},
            ),
            id="department-without-name",
        ),
        pytest.param(
            lambda path: dump(path, {**load(path), "emails": "MRUFOIA.Requests@usdoj.gov"}),
            id="wrong-type",
        ),
    ],
)
def test_a_broken_file_is_rejected_whole_and_the_others_import(db, directory, tmp_path, break_it):
    copy = copy_files(directory, tmp_path / "directory", "CIA.json", "DHS.json", "DOJ.json")
    (copy / "LICENSE.md").write_text("CC0", encoding="utf-8")
    break_it(copy / "DOJ.json")

    report = directory_import(paths=[copy])

    [rejected] = report.rejected
    assert rejected.path.name == "DOJ.json"
    assert rejected.error.startswith("DOJ.json: ")
    assert not Agency.objects.filter(source_key__startswith="18f:DOJ").exists()
    assert not Agency.objects.filter(name="Drug Enforcement Administration").exists()
    assert Agency.objects.filter(source_key="18f:DHS").exists()
    assert Agency.objects.get(source_key="18f:DHS").components.count() == 15
    assert Agency.objects.filter(source_key="18f:CIA").exists()
    assert (report.agencies.created, report.components.created) == (2, 16)


def test_a_file_failing_model_validation_rolls_back_its_earlier_rows(imported, directory, tmp_path):
    """The 30th department is too long a name for the model: the DEA change before it is undone."""
    data = load(directory / "DOJ.json")
    doj_department(data, "Drug Enforcement Administration")["phone"] = "202-555-0100"
    data["departments"][30]["name"] = "Office of " + "Public Affairs " * 30
    dump(tmp_path / "DOJ.json", data)
    rows = Agency.objects.count()

    report = directory_import(paths=[tmp_path / "DOJ.json"])

    [rejected] = report.rejected
    assert rejected.error.startswith(
        "DOJ.json: departments[30].name: Ensure this value has at most"
    )
    assert (report.components.created, report.components.updated) == (0, 0)
    assert Agency.objects.count() == rows
    dea = Agency.objects.get(source_key="18f:DOJ/Drug Enforcement Administration")
    assert dea.phone == "202-307-7596"


def test_import_updates_demo_and_hand_entered_rows_instead_of_duplicating(db, directory):
    us = Jurisdiction.objects.get(code="US")
    doj = Agency.objects.create(name="Department of Justice", abbreviation="DOJ", jurisdiction=us)
    fbi = Agency.objects.create(
        source_key="18f:DOJ/Federal Bureau of Investigation",  # as the demo data keys it
        name="Federal Bureau of Investigation",
        abbreviation="FBI",
        parent=doj,
        jurisdiction=us,
    )

    report = directory_import(paths=[directory / "DOJ.json"])

    assert not report.rejected
    assert report.agencies.updated == 1
    assert (report.components.created, report.components.updated) == (37, 1)
    doj.refresh_from_db()
    fbi.refresh_from_db()
    assert doj.source_key == "18f:DOJ"  # the hand-entered agency is now the imported one
    assert Agency.objects.filter(name="Department of Justice").count() == 1
    assert (fbi.parent_id, fbi.abbreviation) == (doj.pk, "FBI")
    assert fbi.foia_email == "foiparequest@ic.fbi.gov"


def test_foiagov_component_links_to_doj_and_fills_the_18f_office(imported, oip):
    """18F and FOIA.gov describe the same Office of Information Policy: one row, owned by 18F,
    whose empty fields FOIA.gov fills."""
    doj = Agency.objects.get(source_key="18f:DOJ")
    office = doj.components.get(name="Office of Information Policy")
    address = office.mailing_address
    Agency.objects.filter(pk=office.pk).update(phone="")

    report = directory_import(paths=[oip])

    assert not report.rejected
    assert (report.components.created, report.components.updated) == (0, 1)
    assert "matched by name to 18f:DOJ/Office of Information Policy" in report.files[0].notes[0]
    assert doj.components.count() == 38  # not a second one
    office.refresh_from_db()
    assert office.source_key == "18f:DOJ/Office of Information Policy"
    assert office.phone == "202-514-3642"
    assert office.mailing_address == address  # 18F's, not overwritten
    assert office.foia_email == ""  # FOIA.gov's is a personal gmail address
    again = directory_import(paths=[oip])
    assert (again.components.updated, again.components.unchanged) == (0, 1)


def test_importing_both_directories_again_changes_nothing(imported, directory, oip):
    directory_import(paths=[directory, oip])
    history = Agency.history.count()

    again = directory_import(paths=[oip, directory])

    assert (again.agencies.updated, again.components.updated) == (0, 0)
    assert (again.agencies.created, again.components.created) == (0, 0)
    assert Agency.history.count() == history


def test_foiagov_component_is_created_under_doj_when_doj_lacks_it(db, oip):
    us = Jurisdiction.objects.get(code="US")
    doj = Agency.objects.create(name="Department of Justice", abbreviation="DOJ", jurisdiction=us)

    report = directory_import(paths=[oip])

    assert report.components.created == 1
    office = Agency.objects.get(source_key=f"foiagov:{OIP_ID}")
    assert office.parent == doj
    assert office.phone == "202-514-3642"
    assert office.foia_email == ""
    again = directory_import(paths=[oip])
    assert (again.components.created, again.components.unchanged) == (0, 1)


def test_foiagov_component_without_its_agency_stays_top_level_until_linked(db, oip):
    report = directory_import(paths=[oip])

    office = Agency.objects.get(source_key=f"foiagov:{OIP_ID}")
    assert office.parent is None
    assert report.agencies.created == 1
    assert "not in the tracker" in report.files[0].notes[0]

    us = Jurisdiction.objects.get(code="US")
    doj = Agency.objects.create(name="Department of Justice", abbreviation="DOJ", jurisdiction=us)
    again = directory_import(paths=[oip])

    office.refresh_from_db()
    assert office.parent == doj
    assert again.components.updated == 1


def test_agency_files_import_before_foiagov_components(db, directory, oip, tmp_path):
    copy_files(directory, tmp_path, "DOJ.json")
    shutil.copy(oip, tmp_path / "aaa-oip.json")  # sorts first; still linked to DOJ

    report = directory_import(paths=[tmp_path])

    assert [f.path.name for f in report.files] == ["DOJ.json", "aaa-oip.json"]
    assert not report.rejected
    office = Agency.objects.select_related("parent").get(name="Office of Information Policy")
    assert office.parent is not None
    assert office.parent.abbreviation == "DOJ"


def test_missing_path_is_refused_before_anything_is_imported(db, directory, tmp_path):
    with pytest.raises(DirectoryPathError, match="no such file or directory"):
        directory_import(paths=[directory / "DOJ.json", tmp_path / "missing"])

    assert not Agency.objects.exists()


# --- the command ----------------------------------------------------------------------------


def test_command_prints_what_it_did(db, directory, tmp_path):
    copy_files(directory, tmp_path, "DOJ.json", "HUD.json")
    out, err = StringIO(), StringIO()

    call_command("import_agencies", str(tmp_path), stdout=out, stderr=err)

    assert err.getvalue() == ""
    output = out.getvalue()
    assert "DOJ.json: agencies 1 created, 0 updated, 0 unchanged; components 38 created" in output
    assert "skipped HUD.json: departments[4].emails: not an email address; left out" in output
    assert (
        "Agencies: 2 created, 0 updated, 0 unchanged; "
        "components: 49 created, 0 updated, 0 unchanged; files rejected: 0"
    ) in output

    out = StringIO()
    call_command("import_agencies", str(tmp_path), stdout=out, stderr=err)
    assert (
        "Agencies: 0 created, 0 updated, 2 unchanged; "
        "components: 0 created, 0 updated, 49 unchanged; files rejected: 0"
    ) in out.getvalue()


def test_command_defaults_to_the_configured_directory(db, directory, tmp_path, settings):
    copy_files(directory, tmp_path, "CIA.json")
    settings.AGENCY_DIRECTORY_DIR = tmp_path
    out = StringIO()

    call_command("import_agencies", stdout=out)

    assert Agency.objects.filter(source_key="18f:CIA").exists()
    assert "files rejected: 0" in out.getvalue()


def test_command_reports_a_rejected_file_and_fails_after_importing_the_others(
    db, directory, tmp_path
):
    copy_files(directory, tmp_path, "CIA.json", "DOJ.json")
    data = load(tmp_path / "DOJ.json")
    del data["departments"][3]["name"]
    dump(tmp_path / "DOJ.json", data)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"1 file\(s\) rejected"):
        call_command("import_agencies", str(tmp_path), stdout=out, stderr=err)

    assert "DOJ.json: departments[3].name: expected a non-empty string" in err.getvalue()
    assert "files rejected: 1" in out.getvalue()
    assert Agency.objects.filter(source_key="18f:CIA").exists()
    assert not Agency.objects.filter(source_key__startswith="18f:DOJ").exists()


def test_command_refuses_a_missing_path(db, tmp_path):
    with pytest.raises(CommandError, match=r"missing: no such file or directory"):
        call_command("import_agencies", str(tmp_path / "missing"), stdout=StringIO())
