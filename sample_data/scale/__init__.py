"""A realistic, deterministic data set at a chosen scale for benchmarks (`manage.py generate_data`).

What it makes, for a seed and a size (a preset or explicit knobs):

- agencies from the real federal directory (`settings.AGENCY_DIRECTORY_DIR`, components included,
  imported by `directory_import` when the database has none), plus a few offices per state
  jurisdiction (generated, marked so in their notes);
- staff and lawyer users (`gen-staff-NN`, `gen-lawyer-NN`, no usable password) and a few topics;
- records requests with a realistic status mix and dates that agree with it, each with its
  timeline (events), tracking numbers, appeals, and the deadlines the services would have written:
  rule deadlines counted by `rules.evaluate` with the basis shapes documented on
  `Deadline.basis` (plain, extended, tolled and resumed), open / met / missed / waived /
  superseded as the request's story says;
- lawsuits covering some federal requests, with their answer deadlines, court-ordered dates and
  court schedules (every N days, or monthly) expanded into deadlines;
- releases and documents (emails with attachments, PDFs, text) with searchable text.

Rows are written in bulk: COPY on PostgreSQL (psycopg 3), multi-row INSERTs elsewhere, in chunks
of requests, each chunk in its own transaction. Every value comes from `random.Random(seed)` and
a fixed "as of" date, never from the clock, so a seed always gives the same rows (ids included).
No history rows are written for generated records (django-simple-history records edits made
through the admin and services; these rows were never edited).

The modules, in the order a run uses them: `presets` (sizes, the "as of" day, the summary),
`vocabulary` (words and mixes), `people_and_agencies` (what records point at), `plans` (each
request and suit decided before a row is written, and the ids), `records_requests` (requests and
their stories), `deadlines` (agency clocks), `lawsuits` (suits and court schedules), `releases`
(releases and documents), `bulk_load` (COPY or multi-row INSERTs), `tables` (the tracker tables:
emptying, indexes, sequences, statistics) and `generator` (the run, and `generate`).
"""

from sample_data.scale.generator import Generator, generate
from sample_data.scale.presets import (
    DEFAULT_AS_OF,
    PRESETS,
    GenerationRefused,
    Scale,
    Summary,
)
from sample_data.scale.tables import (
    empty_tracker_tables,
    existing_tracker_data,
    loaded_tables,
    tracker_models,
)

__all__ = [
    "DEFAULT_AS_OF",
    "PRESETS",
    "GenerationRefused",
    "Generator",
    "Scale",
    "Summary",
    "empty_tracker_tables",
    "existing_tracker_data",
    "generate",
    "loaded_tables",
    "tracker_models",
]
