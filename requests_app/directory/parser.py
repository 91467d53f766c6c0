"""Read the public federal FOIA agency directories into plain records (no Django here).

Two formats are read:

* **18F directory** (GitHub 18F/2015-foia, ``contacts/data/*.json``, refreshed July 2017): one file
  per agency, keyed by abbreviation (``DOJ.json``). The file's top level is the agency; every entry
  of its ``departments`` list is one FOIA component of it. A department's ``top_level: true`` does
  *not* mean it is the agency itself: 18F set it on components that FOIA.gov listed on their own
  (DEA and FBI in ``DOJ.json``, CBP in ``DHS.json``), and single-office agencies (``CIA.json``)
  have their one department with ``top_level: false``. Read that way the 2017 directory is exactly
  116 agencies (one per file) and 424 components (every department), which is what its README
  states; counting ``top_level`` departments as agencies would give neither number.
* **FOIA.gov agency component** (the JSON:API document the live ``/api/agency_components/{id}``
  endpoint returns): ``data.attributes`` holds the office, ``relationships.agency`` the department
  it belongs to, whose abbreviation and name come from the ``included`` list when present.

Both directories name individual staff in their official roles. Only office-level contact data goes
into a record's fields: the FOIA office's email, phone, mailing address, website and request form.
Names of public liaisons, FOIA officers and the ``misc`` contacts are never read. Mailing addresses
are kept as published even when a line names the person to whom mail is addressed ("Laurie Day,
Chief, Initial Request Staff"), because that is the office's postal address.

Structure is checked strictly: a file that is not JSON, lacks a name, or has a value of the wrong
type raises :class:`DirectoryFormatError` naming the file and the field, and nothing of that file
should be imported. Public data that is well-formed but imperfect is not a reason to reject a file:
a web address without a scheme gets ``http://``; an email address or URL that is not one
("N/A", "yes", "gpayton@imls", an address at a personal mail provider) is left out and reported as a
:class:`SkippedValue`, without repeating the value (it may be a person's name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, NoReturn
from urllib.parse import urlsplit

SOURCE_18F = "18f"
SOURCE_FOIAGOV = "foiagov"

# Where the published contact details come from, said once on each imported agency.
NOTE_18F = "Contact details as published in the 18F federal FOIA directory (as of July 2017)."
NOTE_FOIAGOV = "Contact details as published by FOIA.gov (agency component {id})."

# Free mail providers: an address there is somebody's own mailbox, not a FOIA office's. (FOIA.gov's
# development API publishes a developer's gmail address as the Office of Information Policy's.)
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "msn.com",
        "outlook.com",
        "protonmail.com",
        "yahoo.com",
    }
)

# Placeholders the directory uses for "none".
_PLACEHOLDERS = frozenset({"n/a", "na", "none", "-", "yes", "no"})

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


class DirectoryFormatError(Exception):
    """A directory file that cannot be imported; its text names the file and the field."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path = Path(path)
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.field:
            return f"{self.path.name}: {self.field}: {self.message}"
        return f"{self.path.name}: {self.message}"


@dataclass(frozen=True)
class SkippedValue:
    """A published value that was left out, and why (the value itself is not repeated)."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class OfficeRecord:
    """An agency or component as published: office-level contact data only.

    Empty strings mean "not published". ``location`` is where the record sits in its file
    ("departments[9]"; empty for the top level), so an error about one of its values can name the
    field as the file spells it.
    """

    source_key: str
    name: str
    abbreviation: str = ""
    foia_email: str = ""
    request_url: str = ""
    mailing_address: str = ""
    phone: str = ""
    website: str = ""
    notes: str = ""
    location: str = ""

    # The source's name for each of the record's fields, for error messages.
    source_fields: ClassVar[Mapping[str, str]] = {}

    def source_field(self, record_field: str) -> str:
        name = self.source_fields.get(record_field, record_field)
        return f"{self.location}.{name}" if self.location else name


_FIELDS_18F = {
    "foia_email": "emails",
    "request_url": "request_form",
    "mailing_address": "address",
}


@dataclass(frozen=True, kw_only=True)
class ComponentRecord(OfficeRecord):
    """One department of an 18F agency file: a FOIA component of that agency."""

    # 18F's `top_level`: FOIA.gov listed the component on its own. It stays a component.
    listed_separately: bool = False

    source_fields: ClassVar[Mapping[str, str]] = _FIELDS_18F


@dataclass(frozen=True, kw_only=True)
class AgencyRecord(OfficeRecord):
    """One 18F agency file: the agency and its components."""

    components: tuple[ComponentRecord, ...] = ()

    source_fields: ClassVar[Mapping[str, str]] = _FIELDS_18F


@dataclass(frozen=True)
class ParentAgency:
    """The agency a FOIA.gov component belongs to, as the document names it."""

    id: str
    abbreviation: str = ""
    name: str = ""

    def __str__(self) -> str:
        if self.abbreviation and self.name:
            return f"{self.abbreviation} ({self.name})"
        return self.abbreviation or self.name or f"agency {self.id}"


@dataclass(frozen=True, kw_only=True)
class FoiaGovComponentRecord(OfficeRecord):
    """One FOIA.gov agency component, with the agency it belongs to (if the document says)."""

    parent: ParentAgency | None = None

    source_fields: ClassVar[Mapping[str, str]] = {
        "name": "title",
        "foia_email": "submission_email",
        "request_url": "submission_web.uri",
        "mailing_address": "submission_address",
        "phone": "telephone",
        "website": "website.uri",
    }


@dataclass(frozen=True)
class DirectoryFile[R: OfficeRecord]:
    """One parsed file: its record and the published values that were left out."""

    path: Path
    record: R
    skipped: tuple[SkippedValue, ...] = ()


type AnyDirectoryFile = DirectoryFile[AgencyRecord] | DirectoryFile[FoiaGovComponentRecord]


def read_directory_file(path: Path) -> AnyDirectoryFile:
    """Read one file of either format, telling them apart by their shape."""
    data = _load_json(path)
    if isinstance(data, dict) and "departments" in data:
        return _Reader18F(path).read(data)
    if isinstance(data, dict) and "data" in data:
        return _ReaderFoiaGov(path).read(data)
    raise DirectoryFormatError(
        path,
        "",
        "neither an 18F agency file (an object with `departments`) nor a FOIA.gov agency "
        "component (an object with `data`)",
    )


def read_18f_agency(path: Path) -> DirectoryFile[AgencyRecord]:
    """Read one 18F agency file (``DOJ.json``)."""
    return _Reader18F(path).read(_load_json(path))


def read_foiagov_component(path: Path) -> DirectoryFile[FoiaGovComponentRecord]:
    """Read one FOIA.gov agency-component document (``oip.json``)."""
    return _ReaderFoiaGov(path).read(_load_json(path))


def normalise_url(value: str) -> str | None:
    """The URL, with ``http://`` added to a bare host name; None if it is not a web address.

    "www.eac.gov" and "denali.gov" become "http://www.eac.gov" and "http://denali.gov"; "N/A",
    "yes", "?foiarequest@restorethegulf.gov" and "http://USDA APHIS | FOIA" are not URLs.
    """
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        return None
    parts = urlsplit(value)
    if not parts.scheme:
        host = value.split("/", 1)[0]
        if not _HOST.match(host):
            return None
        value = f"http://{value}"
        parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if not _HOST.match(parts.hostname) or parts.username or parts.password:
        return None
    return value


def email_problem(value: str) -> str | None:
    """Why the value cannot be an office's FOIA email address, or None if it can."""
    if not _EMAIL.match(value):
        return "not an email address; left out"
    if value.rsplit("@", 1)[1].lower() in PERSONAL_MAIL_DOMAINS:
        return "an address at a personal mail provider, not an office's; left out"
    return None


def _load_json(path: Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DirectoryFormatError(path, "", f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise DirectoryFormatError(path, "", f"cannot be read ({exc.strerror})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DirectoryFormatError(
            path, f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from exc


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _clean_text(value: str) -> str:
    """Strip the value, and treat the directory's placeholders ("N/A") as not published."""
    value = value.strip()
    return "" if value.lower() in _PLACEHOLDERS else value


class _Reader:
    """Typed access to one file's JSON that fails naming the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.skipped: list[SkippedValue] = []

    def fail(self, where: str, message: str) -> NoReturn:
        raise DirectoryFormatError(self.path, where, message)

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(SkippedValue(where, reason))

    def object(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "expected an object")
        return value

    def optional_object(self, obj: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = obj.get(key)
        return {} if value is None else self.object(value, _join(where, key))

    def required_str(self, obj: Mapping[str, Any], key: str, where: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(where, key), "expected a non-empty string")
        return value.strip()

    def optional_str(self, obj: Mapping[str, Any], key: str, where: str) -> str:
        """A string, or "" when absent or null; anything else is malformed."""
        value = obj.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(_join(where, key), "expected a string")
        return value.strip()

    def optional_bool(self, obj: Mapping[str, Any], key: str, where: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.fail(_join(where, key), "expected true or false")
        return value

    def str_list(self, obj: Mapping[str, Any], key: str, where: str) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(_join(where, key), "expected a list of strings")
        return [item.strip() for item in value]

    def url(self, value: str, where: str) -> str:
        if not _clean_text(value):
            return ""
        url = normalise_url(value)
        if url is None:
            self.skip(where, "not a web address; left out")
            return ""
        return url

    def emails(self, values: list[str], where: str) -> list[str]:
        """The usable addresses among ``values``, in order; the others are reported as skipped."""
        usable = []
        for index, raw in enumerate(values):
            value = raw.removeprefix("mailto:").strip()
            if not value:
                continue
            problem = email_problem(value)
            if problem:
                self.skip(f"{where}[{index}]" if len(values) > 1 else where, problem)
            elif value not in usable:
                usable.append(value)
        return usable


class _Reader18F(_Reader):
    def read(self, data: Any) -> DirectoryFile[AgencyRecord]:
        top = self.object(data, "")
        self.required_str(top, "name", "")
        abbreviation = self.optional_str(top, "abbreviation", "") or self.path.stem
        self.optional_bool(top, "top_level", "")
        agency_key = f"{SOURCE_18F}:{abbreviation}"
        departments = top.get("departments")
        if not isinstance(departments, list):
            self.fail("departments", "expected a list of departments")

        components: list[ComponentRecord] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(departments):
            where = f"departments[{index}]"
            department = self.object(raw, where)
            office = self.office(department, where)
            listed_separately = self.optional_bool(department, "top_level", where)
            # The model keeps one component of a name per agency, and the name is the key: a
            # second department of the same name is the same office listed twice; keep the first.
            if office["name"] in seen:
                self.skip(where, f"same name as departments[{seen[office['name']]}]; left out")
                continue
            seen[office["name"]] = index
            components.append(
                ComponentRecord(
                    source_key=f"{agency_key}/{office['name']}",
                    listed_separately=listed_separately,
                    **office,
                )
            )

        office = self.office(top, "")
        office["abbreviation"] = abbreviation
        record = AgencyRecord(source_key=agency_key, components=tuple(components), **office)
        return DirectoryFile(self.path, record, tuple(self.skipped))

    def office(self, obj: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The office-level fields of an agency or department (public_liaison, misc and
        foia_officer name people and are not read)."""
        name = self.required_str(obj, "name", where)
        emails = self.emails(self.str_list(obj, "emails", where), _join(where, "emails"))
        address = self.address(obj, where)
        notes = [
            text
            for text in (
                _clean_text(self.optional_str(obj, "description", where)),
                _clean_text(self.optional_str(obj, "notes", where)),
            )
            if text
        ]
        if len(emails) > 1:
            notes.append("Other FOIA email: " + ", ".join(emails[1:]))
        fax = _clean_text(self.optional_str(obj, "fax", where))
        if fax:
            notes.append(f"Fax: {fax}")
        if not where:
            notes.append(NOTE_18F)
        return {
            "name": name,
            "abbreviation": self.optional_str(obj, "abbreviation", where),
            "foia_email": emails[0] if emails else "",
            "request_url": self.url(
                self.optional_str(obj, "request_form", where), _join(where, "request_form")
            ),
            "mailing_address": address,
            "phone": _clean_text(self.optional_str(obj, "phone", where)),
            "website": self.url(self.optional_str(obj, "website", where), _join(where, "website")),
            "notes": "\n\n".join(notes),
            "location": where,
        }

    def address(self, obj: Mapping[str, Any], where: str) -> str:
        address = self.optional_object(obj, "address", where)
        where = _join(where, "address")
        lines = self.str_list(address, "address_lines", where)
        street = self.optional_str(address, "street", where)
        city = self.optional_str(address, "city", where)
        state = self.optional_str(address, "state", where)
        postcode = self.optional_str(address, "zip", where)
        return _address_text([*lines, street], city, state, postcode)


class _ReaderFoiaGov(_Reader):
    def read(self, data: Any) -> DirectoryFile[FoiaGovComponentRecord]:
        top = self.object(data, "")
        item = self.object(top.get("data"), "data")
        kind = self.optional_str(item, "type", "data")
        if kind and kind != "agency_component":
            self.fail("data.type", f"expected 'agency_component', not {kind!r}")
        ident = self.optional_str(item, "id", "data")
        where = "data.attributes"
        attributes = self.object(item.get("attributes"), where)
        title = self.required_str(attributes, "title", where)
        abbreviation = _clean_text(self.optional_str(attributes, "abbreviation", where))

        emails = self.emails(
            [
                value
                for value in (
                    self.optional_str(attributes, "submission_email", where),
                    self.optional_str(attributes, "email", where),
                )
                if value
            ],
            _join(where, "submission_email"),
        )
        notes = []
        description = attributes.get("description")
        if isinstance(description, dict):
            description = self.optional_str(description, "value", _join(where, "description"))
        elif description is not None and not isinstance(description, str):
            self.fail(_join(where, "description"), "expected a string or a rich-text object")
        if description and _clean_text(description):
            notes.append(description.strip())
        fax = _clean_text(self.optional_str(attributes, "submission_fax", where))
        if fax:
            notes.append(f"Fax: {fax}")
        notes.append(NOTE_FOIAGOV.format(id=ident or title))

        record = FoiaGovComponentRecord(
            source_key=f"{SOURCE_FOIAGOV}:{ident or abbreviation or title}",
            name=title,
            abbreviation=abbreviation,
            foia_email=emails[0] if emails else "",
            request_url=self.link(attributes, "submission_web", where),
            mailing_address=self.address(attributes, where),
            phone=_clean_text(self.optional_str(attributes, "telephone", where)),
            website=self.link(attributes, "website", where),
            notes="\n\n".join(notes),
            location=where,
            parent=self.parent(top, item),
        )
        return DirectoryFile(self.path, record, tuple(self.skipped))

    def link(self, obj: Mapping[str, Any], key: str, where: str) -> str:
        """A FOIA.gov link field: ``{"uri": ...}``, a plain string, or null."""
        value = obj.get(key)
        where = _join(where, key)
        if isinstance(value, dict):
            return self.url(self.optional_str(value, "uri", where), _join(where, "uri"))
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(where, "expected a link object or a string")
        return self.url(value, where)

    def address(self, attributes: Mapping[str, Any], where: str) -> str:
        # given_name, family_name and additional_name name a person: not read.
        address = self.optional_object(attributes, "submission_address", where)
        where = _join(where, "submission_address")
        lines = [
            self.optional_str(address, key, where)
            for key in ("organization", "address_line1", "address_line2")
        ]
        text = _address_text(
            lines,
            self.optional_str(address, "locality", where),
            self.optional_str(address, "administrative_area", where),
            self.optional_str(address, "postal_code", where),
        )
        country = self.optional_str(address, "country_code", where)
        if text and country and country.upper() != "US":
            text = f"{text}\n{country}"
        return text

    def parent(self, top: Mapping[str, Any], item: Mapping[str, Any]) -> ParentAgency | None:
        relationships = self.optional_object(item, "relationships", "data")
        agency = self.optional_object(relationships, "agency", "data.relationships")
        where = "data.relationships.agency.data"
        link = agency.get("data")
        if link is None:
            return None
        link = self.object(link, where)
        ident = self.required_str(link, "id", where)
        included = top.get("included", [])
        if not isinstance(included, list):
            self.fail("included", "expected a list")
        for index, raw in enumerate(included):
            entry = self.object(raw, f"included[{index}]")
            if entry.get("type") == "agency" and entry.get("id") == ident:
                at = f"included[{index}].attributes"
                attributes = self.object(entry.get("attributes", {}), at)
                return ParentAgency(
                    id=ident,
                    abbreviation=self.optional_str(attributes, "abbreviation", at),
                    name=self.optional_str(attributes, "name", at),
                )
        return ParentAgency(id=ident)


def _address_text(lines: list[str], city: str, state: str, postcode: str) -> str:
    place = ", ".join(part for part in (city, f"{state} {postcode}".strip()) if part)
    return "\n".join(line for line in (*lines, place) if line)
