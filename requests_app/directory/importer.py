"""Import the public federal FOIA directories into agencies and their components.

`directory_import` reads 18F agency files and FOIA.gov agency-component documents (parsed by
`requests_app.directory.parser`) and upserts `Agency` rows in jurisdiction US, each file in its own
transaction: a file that is malformed, or whose data fails the model's validation, is rolled back
whole and reported naming the file and the field, and the other files still import.

How a record finds its row, so that re-importing updates and never duplicates:

1. by `Agency.source_key` — ``18f:DOJ`` for an agency, ``18f:DOJ/Drug Enforcement Administration``
   for a component, ``foiagov:<component id>`` for a FOIA.gov component (the demo data uses the
   same 18F keys, so importing after the demo updates its rows);
2. failing that, by name where the model allows only one row of that name (a top-level agency of
   jurisdiction US; a component of the same agency), provided that row was entered by hand (no
   key: it gets ours) or came from the other directory (it keeps its key). Both directories
   describe the same offices; the model cannot hold two DOJ components named "Office of
   Information Policy", and staff may have entered DOJ by hand before the first import.

What an update writes, to a row that carries this record's key (or none): name, parent and
jurisdiction; every contact field (email, request form, mailing address, phone, website) and the
abbreviation when the directory publishes a value (a value it leaves out never erases one that
staff filled in); notes only while they are empty (the directory's notes seed them, staff own them
after). A row that carries the *other* directory's key belongs to that directory: this one only
fills its empty fields, so importing both, in either order and repeatedly, settles instead of
flipping a field back and forth. Nothing is ever deleted: an office that disappears from the
directory stays, as requests may point to it. A row is saved only when a value changes, so a
second run writes nothing (and adds no history).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction

from requests_app.directory.parser import (
    SOURCE_18F,
    SOURCE_FOIAGOV,
    AgencyRecord,
    AnyDirectoryFile,
    DirectoryFormatError,
    FoiaGovComponentRecord,
    OfficeRecord,
    read_directory_file,
)
from requests_app.models import Agency, Jurisdiction

JURISDICTION = "US"

# The fields a directory publishes: written when the directory has a value.
CONTACT_FIELDS = (
    "abbreviation",
    "foia_email",
    "request_url",
    "mailing_address",
    "phone",
    "website",
)


class DirectoryPathError(Exception):
    """A path given to the import that does not exist or holds nothing to import."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class FileReport:
    """What one file did: counts, the rows it created and updated, and what it left out."""

    path: Path
    agencies: Counts = field(default_factory=Counts)
    components: Counts = field(default_factory=Counts)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.error)

    def reset(self) -> None:
        """Forget what a rolled-back file did: nothing of it is in the database."""
        self.agencies, self.components = Counts(), Counts()
        self.created, self.updated, self.notes = [], [], []


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def agencies(self) -> Counts:
        total = Counts()
        for report in self.files:
            total.add(report.agencies)
        return total

    @property
    def components(self) -> Counts:
        total = Counts()
        for report in self.files:
            total.add(report.components)
        return total

    @property
    def rejected(self) -> list[FileReport]:
        return [report for report in self.files if report.rejected]


def directory_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file given, and every ``*.json`` in each directory given, sorted
    (so LICENSE.md and request_time_data.csv beside the agency files are ignored)."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
            if not files:
                raise DirectoryPathError(f"{path}: no .json files to import in this directory")
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            raise DirectoryPathError(f"{path}: no such file or directory")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def directory_import(*, paths: Sequence[Path]) -> ImportReport:
    """Import the directory files at `paths` (files or directories); see the module docstring.

    All paths are checked before anything is imported (`DirectoryPathError`). 18F agency files are
    imported before FOIA.gov components, whatever the order given, so that a component can be
    linked to an agency imported in the same run.
    """
    files = directory_files(paths)
    jurisdiction = Jurisdiction.objects.get(code=JURISDICTION)
    reports = {path: FileReport(path) for path in files}
    parsed: list[AnyDirectoryFile] = []
    for path in files:
        try:
            parsed.append(read_directory_file(path))
        except DirectoryFormatError as exc:
            reports[path].error = str(exc)
    parsed.sort(key=lambda f: isinstance(f.record, FoiaGovComponentRecord))
    for directory_file in parsed:
        report = reports[directory_file.path]
        report.skipped.extend(str(value) for value in directory_file.skipped)
        try:
            with transaction.atomic():
                _Upsert(directory_file, jurisdiction, report).run()
        except DirectoryFormatError as exc:
            report.reset()
            report.error = str(exc)
        except IntegrityError as exc:  # a race with another writer; validation ran first
            report.reset()
            report.error = f"{directory_file.path.name}: rejected by the database ({exc})"
    return ImportReport(files=[reports[path] for path in files])


_VALIDATORS: dict[str, Callable[[str], None]] = {
    "foia_email": EmailValidator(),
    "request_url": URLValidator(),
    "website": URLValidator(),
}


class _Upsert:
    """Writes one parsed file. Raises DirectoryFormatError to roll the whole file back."""

    def __init__(self, parsed: AnyDirectoryFile, jurisdiction: Jurisdiction, report: FileReport):
        self.parsed = parsed
        self.path = parsed.path
        self.jurisdiction = jurisdiction
        self.report = report

    def run(self) -> None:
        record = self.parsed.record
        if isinstance(record, AgencyRecord):
            self.agency_file(record)
        else:
            self.foiagov_component(record)

    def agency_file(self, record: AgencyRecord) -> None:
        keys = [record.source_key, *(c.source_key for c in record.components)]
        # One query for every row this file has imported before.
        by_key = {a.source_key: a for a in Agency.objects.filter(source_key__in=keys)}
        existing = by_key.get(record.source_key) or self.top_level_by_name(record, SOURCE_18F)
        agency = self.write(record, existing, parent=None, counts=self.report.agencies)

        # One query for the agency's components, for those found by name.
        by_name = {c.name: c for c in Agency.objects.filter(parent=agency)} if existing else {}
        for component in record.components:
            row = by_key.get(component.source_key)
            if row is None:
                row = self.adoptable(by_name.get(component.name), component, SOURCE_18F)
            self.write(component, row, parent=agency, counts=self.report.components)

    def foiagov_component(self, record: FoiaGovComponentRecord) -> None:
        parent = self.parent_agency(record)
        row = Agency.objects.filter(source_key=record.source_key).first()
        if row is None:
            if parent is not None:
                candidate = Agency.objects.filter(parent=parent, name=record.name).first()
                row = self.adoptable(candidate, record, SOURCE_FOIAGOV)
            else:
                row = self.top_level_by_name(record, SOURCE_FOIAGOV)
        if parent is None and row is not None and row.parent_id:
            parent = row.parent  # an unresolved link never detaches a component
        counts = self.report.components if parent is not None else self.report.agencies
        self.write(record, row, parent=parent, counts=counts)

    def parent_agency(self, record: FoiaGovComponentRecord) -> Agency | None:
        """The top-level US agency the component's `relationships.agency` names, if there is one."""
        link = record.parent
        if link is None:
            return None
        top_level = Agency.objects.filter(jurisdiction=self.jurisdiction, parent__isnull=True)
        for lookup in (
            {"abbreviation__iexact": link.abbreviation} if link.abbreviation else None,
            {"name": link.name} if link.name else None,
        ):
            if lookup is None:
                continue
            matches = list(top_level.filter(**lookup)[:2])
            if len(matches) == 1:
                return matches[0]
        self.report.notes.append(
            f"{record.name}: FOIA.gov lists it under {link}, which is not in the tracker; "
            "imported as a top-level agency (import that agency and re-run to link it)"
        )
        return None

    def top_level_by_name(self, record: OfficeRecord, source: str) -> Agency | None:
        candidate = Agency.objects.filter(
            jurisdiction=self.jurisdiction, parent__isnull=True, name=record.name
        ).first()
        return self.adoptable(candidate, record, source)

    def adoptable(self, row: Agency | None, record: OfficeRecord, source: str) -> Agency | None:
        """The same-named row, if it is one this record may take over (see the module docstring).

        A row keyed by another file of the same directory is left alone: creating the record
        then fails validation on the name, and the file is rejected saying so.
        """
        if row is None:
            return None
        if not row.source_key:
            self.report.notes.append(f"{record.name}: matched to the agency entered by hand")
            return row
        if not row.source_key.startswith(f"{source}:"):
            self.report.notes.append(
                f"{record.name}: matched by name to {row.source_key}; only its empty fields "
                "are filled from this file"
            )
            return row
        return None

    def write(
        self, record: OfficeRecord, row: Agency | None, *, parent: Agency | None, counts: Counts
    ) -> Agency:
        values = self.values(record)
        if row is None:
            row = Agency(
                source_key=record.source_key,
                jurisdiction=self.jurisdiction,
                parent=parent,
                **values,
            )
            self.save(record, row)
            counts.created += 1
            self.report.created.append(str(row))
            return row

        # A row keyed by the other directory belongs to it: this one only fills its blanks, so
        # that importing both directories, in any order and as often as you like, settles.
        owned = row.source_key in ("", record.source_key)
        changed = False
        if owned:
            if not row.source_key:
                row.source_key = record.source_key
                changed = True
            if row.jurisdiction_id != self.jurisdiction.pk:
                row.jurisdiction = self.jurisdiction
                changed = True
            if row.parent_id != (parent.pk if parent else None):
                row.parent = parent
                changed = True
        for name, value in values.items():
            current = getattr(row, name)
            if not value or value == current:
                continue  # a value the directory leaves out never erases one staff entered
            if not current or (owned and name != "notes"):
                setattr(row, name, value)
                changed = True
        if changed:
            self.save(record, row)
            counts.updated += 1
            self.report.updated.append(str(row))
        else:
            counts.unchanged += 1
        return row

    def values(self, record: OfficeRecord) -> dict[str, str]:
        """The model's values for the record; a contact value Django would refuse is left out
        (the parser's checks should have caught it already)."""
        values = {"name": record.name, "notes": record.notes}
        for name in CONTACT_FIELDS:
            value = getattr(record, name)
            validator = _VALIDATORS.get(name)
            if value and validator is not None:
                try:
                    validator(value)
                except ValidationError:
                    self.report.skipped.append(
                        f"{record.source_field(name)}: not accepted by the model; left out"
                    )
                    value = ""
            values[name] = value
        return values

    def save(self, record: OfficeRecord, row: Agency) -> None:
        try:
            row.full_clean()
        except ValidationError as exc:
            field_name, messages = next(iter(exc.message_dict.items()))
            # The model's constraints that span fields all concern the name.
            where = record.source_field("name" if field_name == NON_FIELD_ERRORS else field_name)
            message = " ".join(messages)
            name = record.name if len(record.name) <= 60 else record.name[:59] + "…"
            raise DirectoryFormatError(self.path, where, f"{message} ({name})") from exc
        row._change_reason = f"import_agencies {self.path.name}"  # type: ignore[attr-defined]
        row.save()
