"""The run: reference data, then the plan of every request and lawsuit, then the rows, written in
chunks of requests (each chunk in its own transaction) around a bulk load of the big tables."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from sample_data.scale.bulk_load import table_writers
from sample_data.scale.deadlines import DeadlineWriter
from sample_data.scale.lawsuits import LawsuitWriter, plan_lawsuits
from sample_data.scale.people_and_agencies import Reference, reference_data
from sample_data.scale.plans import Ids, LawsuitPlan, RequestPlan
from sample_data.scale.presets import DEFAULT_AS_OF, GenerationRefused, Scale, Summary
from sample_data.scale.records_requests import StoryWriter, plan_requests
from sample_data.scale.releases import ReleaseWriter, plan_documents
from sample_data.scale.tables import (
    drop_secondary_indexes,
    empty_tracker_tables,
    existing_tracker_data,
    recreate_indexes,
    refresh_statistics,
    reset_sequences,
)

CHUNK_REQUESTS = 2_000


class Generator:
    """One seeded run. Every value comes from `rng` and `as_of`, in the order the steps draw
    them: reference data, planning, then writing."""

    reference: Reference
    plans: list[RequestPlan]
    lawsuits: list[LawsuitPlan]

    def __init__(
        self,
        *,
        scale: Scale,
        seed: int,
        as_of: datetime.date = DEFAULT_AS_OF,
        progress: Callable[[str], None] = print,
        directory: Path | None = None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.say = progress
        self.directory = directory or Path(settings.AGENCY_DIRECTORY_DIR)
        self.summary = Summary(seed=seed, as_of=as_of, target=scale)
        self.ids = Ids()
        self.started = time.perf_counter()

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:6.1f} s"

    def note(self, text: str) -> None:
        self.say(f"{self.elapsed()}  {text}")

    def reference_data(self) -> None:
        self.reference = reference_data(rng=self.rng, directory=self.directory, note=self.note)

    def plan(self) -> None:
        rng = self.rng
        reference = self.reference
        plans = plan_requests(
            requests=self.scale.requests, rng=rng, as_of=self.as_of, reference=reference
        )
        self.plans = plans
        self.lawsuits = plan_lawsuits(
            plans,
            rng,
            as_of=self.as_of,
            deadlines=self.scale.deadlines,
            ids=self.ids,
            agency_names=reference.agency_names,
        )
        plan_documents(plans, rng, total=self.scale.documents)
        counts: dict[str, int] = {}
        for plan in plans:
            counts[plan.status] = counts.get(plan.status, 0) + 1
        self.summary.request_statuses = dict(sorted(counts.items()))
        self.note(f"planned {len(plans):,} requests")

    def write(self) -> Summary:
        reference = self.reference
        writers = table_writers()
        deadlines = DeadlineWriter(
            rows=writers["deadline"],
            ids=self.ids,
            as_of=self.as_of,
            jurisdictions=reference.jurisdictions,
        )
        releases = ReleaseWriter(
            writers=writers,
            ids=self.ids,
            as_of=self.as_of,
            pool=reference.pool,
            exemptions=reference.exemptions,
        )
        stories = StoryWriter(
            writers=writers,
            ids=self.ids,
            as_of=self.as_of,
            reference=reference,
            deadlines=deadlines,
            releases=releases,
        )
        suits = LawsuitWriter(
            writers=writers,
            ids=self.ids,
            rng=self.rng,
            as_of=self.as_of,
            lawyers=reference.lawyers,
            us=reference.jurisdictions["US"].pk,
            deadlines=deadlines,
        )
        dropped = drop_secondary_indexes() if connection.vendor == "postgresql" else []
        try:
            with transaction.atomic():
                suits.lawsuits(self.lawsuits)
                self.note(f"lawsuits {len(self.lawsuits):,}")
            chunk: list[RequestPlan] = []
            for p in self.plans:
                chunk.append(p)
                if len(chunk) == CHUNK_REQUESTS:
                    self._write_chunk(chunk, stories)
                    chunk = []
            if chunk:
                self._write_chunk(chunk, stories)
            with transaction.atomic():
                suits.deadlines_of(self.lawsuits, target=self.scale.deadlines)
                self.note(f"lawsuit deadlines written; deadlines {writers['deadline'].written:,}")
        finally:
            if dropped:
                started = time.perf_counter()
                recreate_indexes(dropped)
                self.note(f"rebuilt {len(dropped)} indexes ({time.perf_counter() - started:.1f} s)")
        reset_sequences()
        refresh_statistics()
        self.summary.counts = {name: w.written for name, w in writers.items()}
        self.summary.deadline_statuses = dict(sorted(deadlines.counts.items()))
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def _write_chunk(self, chunk: list[RequestPlan], stories: StoryWriter) -> None:
        for p in chunk:
            stories.request(p, self.rng)
        w = stories.writers
        with transaction.atomic():
            for writer in w.values():
                writer.flush()
        done = chunk[-1].id
        self.note(
            f"requests {done:>9,} / {len(self.plans):,}   "
            f"deadlines {w['deadline'].written:>10,}   documents {w['document'].written:>10,}"
        )


def generate(
    *,
    scale: Scale,
    seed: int,
    as_of: datetime.date = DEFAULT_AS_OF,
    force: bool = False,
    progress: Callable[[str], None] = print,
    directory: Path | None = None,
) -> Summary:
    """Fill the database with a generated data set; refuses one that already holds tracker
    data unless `force`, which empties the tracker tables first (agencies and users stay)."""
    existing = existing_tracker_data()
    if existing and not force:
        shown = ", ".join(f"{n:,} {label}" for label, n in existing.items())
        raise GenerationRefused(
            f"The database already holds tracker data ({shown}). generate_data writes into an "
            "empty tracker only; pass --force to delete all requests, lawsuits, releases and "
            "documents (and what belongs to them) first."
        )
    generator = Generator(
        scale=scale, seed=seed, as_of=as_of, progress=progress, directory=directory
    )
    if existing:
        empty_tracker_tables()
        generator.note("emptied the tracker tables (--force)")
    generator.reference_data()
    generator.plan()
    return generator.write()
