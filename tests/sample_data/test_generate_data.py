"""generate_data: deterministic for a seed, the sizes asked for, rows the models accept, and no
writing into a tracker that already holds data. Runs on both databases (COPY on PostgreSQL,
multi-row INSERTs on SQLite)."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from documents.models import Document, Release
from requests_app.models import (
    Agency,
    Appeal,
    CourtSchedule,
    Deadline,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
)
from sample_data.scale import PRESETS, Scale, generate
from tests.factories import RecordsRequestFactory

pytestmark = pytest.mark.django_db
TABLES: tuple[type[models.Model], ...] = (
    RecordsRequest,
    RequestEvent,
    TrackingNumber,
    Appeal,
    Lawsuit,
    CourtSchedule,
    Deadline,
    Release,
    Document,
)


def digest() -> dict[str, str]:
    """Every column of every generated row, per table, hashed."""
    out = {}
    for model in TABLES:
        names = [f.attname for f in model._meta.concrete_fields]
        h = hashlib.sha256()
        for row in model._default_manager.order_by("pk").values_list(*names):
            h.update(repr(row).encode())
        out[model._meta.label] = h.hexdigest()
    return out


def quiet(line: str) -> None:
    pass


def test_same_seed_same_rows_other_seed_other_rows():
    scale = Scale(requests=60, deadlines=600, documents=300)
    generate(scale=scale, seed=7, progress=quiet)
    first = digest()
    generate(scale=scale, seed=7, force=True, progress=quiet)
    assert digest() == first
    generate(scale=scale, seed=8, force=True, progress=quiet)
    assert digest()["requests_app.RecordsRequest"] != first["requests_app.RecordsRequest"]


def test_counts_of_a_scaled_down_preset(capsys):
    call_command("generate_data", "--preset", "small", "--scale", "0.005", "--seed", "3")
    target = PRESETS["small"].scaled(0.005)
    assert RecordsRequest.objects.count() == target.requests == 50
    assert Deadline.objects.count() == target.deadlines == 500
    assert Document.objects.count() == target.documents == 500
    out = capsys.readouterr().out
    assert "50 requests, 500 deadlines, 500 documents" in out
    assert "Done in" in out
    # Agencies come from the real directory, components included.
    assert Agency.objects.filter(source_key__startswith="18f:", parent__isnull=False).exists()


def test_rows_pass_model_validation_and_cover_every_kind():
    generate(scale=Scale(requests=400, deadlines=4_000, documents=800), seed=5, progress=quiet)
    for model in TABLES:
        # Foreign keys are checked by the database when the test ends (Django checks deferred
        # constraints on teardown); everything else here: validators, choices, constraints and
        # each model's clean().
        relations = [f.name for f in model._meta.fields if f.is_relation]
        for row in model._default_manager.order_by("pk"):
            row.full_clean(exclude=relations)

    statuses = Counter(RecordsRequest.objects.values_list("status", flat=True))
    assert {"draft", "processing", "closed", "partially_released", "in_litigation"} <= set(statuses)
    assert set(Deadline.objects.values_list("status", flat=True)) == {
        s.value for s in Deadline.Status
    }
    assert set(Deadline.objects.values_list("source", flat=True)) == {"rule", "court_order"}
    bases = list(Deadline.objects.values_list("basis", flat=True))
    for shape in ("extend", "resume", "every_n_days", "trigger"):
        assert any(shape in basis for basis in bases), shape
    assert Deadline.objects.filter(appeal__isnull=False).exists()
    assert Deadline.objects.filter(lawsuit__isnull=False, schedule__isnull=False).exists()
    assert Deadline.objects.filter(paused_on__isnull=False, days_left__isnull=False).exists()
    superseded = Deadline.objects.filter(status="superseded")
    assert not superseded.filter(superseded_by__isnull=True).exists()
    assert Lawsuit.objects.filter(requests__isnull=False).exists()
    assert Document.objects.filter(parent__isnull=False).exists()
    assert Document.objects.exclude(text="").count() > 700
    # Ids continue after the generated ones.
    request = RecordsRequestFactory()
    assert request.pk == 401


def test_refuses_a_tracker_with_data_unless_forced():
    RecordsRequestFactory()
    with pytest.raises(CommandError, match=r"already holds tracker data.*--force"):
        call_command("generate_data", "--requests", "5", "--deadlines", "10", "--documents", "5")
    assert RecordsRequest.objects.count() == 1
    call_command(
        "generate_data", "--requests", "5", "--deadlines", "10", "--documents", "5", "--force"
    )
    assert RecordsRequest.objects.count() == 5


def test_bad_knobs_are_refused():
    with pytest.raises(CommandError, match="--requests must be at least 1"):
        call_command("generate_data", "--requests", "0")
    with pytest.raises(CommandError, match="--scale must be greater than 0"):
        call_command("generate_data", "--scale", "0")
