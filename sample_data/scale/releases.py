"""Releases and documents: releases for released requests and productions under suits, the
documents spread over them (heavy-tailed) to the exact total: emails (from, to, subject, date,
Message-ID), PDFs and text attachments linked to their email, some redacted or withheld with
exemptions, their text drawn from the sentence pool so that a search's words occur in some
documents and not in all."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from collections.abc import Sequence

from requests_app.workflow import RequestStatus
from sample_data.scale.bulk_load import TableWriter, noon
from sample_data.scale.plans import Ids, RequestPlan
from sample_data.scale.presets import GenerationRefused
from sample_data.scale.vocabulary import PEOPLE, REDACTION_CODES

S = RequestStatus


def ingest_counts(documents: int) -> str:
    """A release's ingestion counts (documents.models.Release.ingest_counts) as one clean upload
    of its documents would leave them."""
    run = {"units": documents, "ingested": documents, "duplicates": 0, "already": 0}
    run |= {"errors": 0, "warnings": 0}
    return json.dumps({"last": run, "total": run})


def plan_documents(plans: Sequence[RequestPlan], rng: random.Random, *, total: int) -> None:
    """Releases per request (by its story) and the documents of each, to the exact total."""
    holders: list[RequestPlan] = []
    for p in plans:
        if p.outcome in (S.PARTIALLY_RELEASED, S.RELEASED_IN_FULL):
            p.releases = rng.choices([1, 2, 3], [70, 20, 10])[0]
        elif p.lawsuit_id is not None and rng.random() < 0.6:
            p.releases = rng.randint(1, 4)
        if p.releases:
            holders.append(p)
    if not holders and total:
        # Tiny scales: give the first filed request a release so the documents have a home.
        first = next((p for p in plans if p.received), None)
        if first is None:
            raise GenerationRefused("Too few requests for any document: raise --requests.")
        first.releases = 1
        holders.append(first)
    weights = [[min(rng.paretovariate(1.3), 200.0) for _ in range(p.releases)] for p in holders]
    flat = sum(sum(w) for w in weights)
    assigned = 0
    for p, ws in zip(holders, weights, strict=True):
        p.documents = [int(total * w / flat) for w in ws]
        assigned += sum(p.documents)
    # The remainder, one each, round-robin: the total is exact.
    k = 0
    while assigned < total:
        p = holders[k % len(holders)]
        p.documents[k // len(holders) % p.releases] += 1
        assigned += 1
        k += 1


class ReleaseWriter:
    """Adds the rows of a release and of its documents."""

    def __init__(
        self,
        *,
        writers: dict[str, TableWriter],
        ids: Ids,
        as_of: datetime.date,
        pool: list[str],
        exemptions: dict[str, int],
    ) -> None:
        self.writers = writers
        self.ids = ids
        self.as_of = as_of
        self.pool = pool
        self.exemptions = exemptions

    def release(
        self, p: RequestPlan, r: int, count: int, rng: random.Random
    ) -> tuple[datetime.date, int]:
        """Production `r` of the request with its `count` documents; returns the day it was
        released and its pages (for the timeline's event)."""
        w = self.writers
        start = p.determined or p.sued_on or p.received
        assert start is not None
        released = min(self.as_of, start + datetime.timedelta(days=r * 60 + rng.randint(0, 30)))
        received = min(self.as_of, released + datetime.timedelta(days=rng.randint(0, 5)))
        release_id = self.ids.next("release")
        records_from = datetime.date(released.year - 3, 1, 1)
        records_to = released - datetime.timedelta(days=rng.randint(30, 300))
        under_suit = p.lawsuit_id if p.sued_on and released >= p.sued_on else None
        pages = count * rng.randint(1, 6)
        bates_start = 1 + r * 10_000
        w["release"].add(
            release_id,
            p.id,
            under_suit,
            released,
            received,
            records_from,
            records_to,
            f"Production {r + 1}" + (" under the lawsuit" if under_suit else ""),
            pages,
            rng.randint(0, count),
            rng.randint(0, count),
            "CLU",
            bates_start,
            bates_start + max(pages, 1) - 1,
            "done",
            count,
            count,
            "[]",
            ingest_counts(count),
            "[]",
            noon(received),
        )
        if count:
            for code in rng.sample(REDACTION_CODES, k=rng.randint(0, 2)):
                if code in self.exemptions:
                    w["release_exemptions"].add(
                        self.ids.next("release_exemptions"), release_id, self.exemptions[code]
                    )
        span = max(1, (records_to - records_from).days)
        parent: int | None = None
        for n in range(count):
            doc_id = self.ids.next("document")
            kind = rng.choices(("email", "pdf", "text"), (70, 22, 8))[0]
            if kind != "email" and parent is not None and rng.random() < 0.5:
                parent_id: int | None = parent
            else:
                parent_id = None
            sender = rng.choice(PEOPLE)
            recipients = ", ".join(f"{a} <{b}>" for a, b in rng.sample(PEOPLE, k=2))
            subject = rng.choice(self.pool)[:80] if kind == "email" else ""
            text = " ".join(rng.choices(self.pool, k=rng.randint(3, 12)))
            sent = noon(records_from + datetime.timedelta(days=rng.randint(0, span)))
            withheld = rng.random() < 0.02
            redacted = not withheld and rng.random() < 0.2
            sha = "" if withheld else hashlib.sha256(f"{doc_id}\n{text}".encode()).hexdigest()
            name = f"{doc_id:08d}.{'eml' if kind == 'email' else kind if kind == 'pdf' else 'txt'}"
            w["document"].add(
                doc_id,
                release_id,
                p.id,
                parent_id,
                "",
                name,
                f"production-{r + 1}.zip/{name}",
                0 if withheld else len(text) + 400,
                sha,
                {"email": "message/rfc822", "pdf": "application/pdf", "text": "text/plain"}[kind],
                kind,
                rng.randint(1, 12) if kind == "pdf" else None,
                "" if withheld else text,
                f"{sender[0]} <{sender[1]}>" if kind == "email" else "",
                recipients if kind == "email" else "",
                "",
                sent if kind == "email" else None,
                subject,
                f"<{doc_id}.{release_id}@generated.invalid>" if kind == "email" else "",
                "",
                f"CLU{bates_start + n:06d}",
                redacted,
                withheld,
                rng.randint(1, 3) if withheld else 0,
                "[]",
                noon(received),
            )
            if kind == "email":
                parent = doc_id
            if redacted or withheld:
                code = rng.choice(REDACTION_CODES)
                if code in self.exemptions:
                    w["document_exemptions"].add(
                        self.ids.next("document_exemptions"), doc_id, self.exemptions[code]
                    )
        return released, pages
