"""docker-compose.yml describes the production shape; there is no Docker engine here, so it is
checked by parsing, and each service's command is checked against the code it names."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml
from celery import Celery

from foiatracker.celery import queue_names

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service: dict) -> str:
    cmd = service["command"]
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_the_five_services():
    assert set(compose()["services"]) == {
        "web",
        "worker",
        "worker-ingestion",
        "beat",
        "postgres",
        "redis",
    }


def test_web_serves_the_wsgi_application_with_gunicorn():
    web = command(compose()["services"]["web"])
    module, _, attribute = re.search(r"gunicorn (\S+)", web).group(1).partition(":")
    assert hasattr(importlib.import_module(module), attribute)
    assert "manage.py migrate" in web


def test_worker_and_beat_run_the_project_celery_app():

    for name, verb in [("worker", "worker"), ("worker-ingestion", "worker"), ("beat", "beat")]:
        cmd = command(compose()["services"][name])
        app_module = re.search(r"celery -A (\S+) " + verb, cmd).group(1)
        app = importlib.import_module(app_module).celery_app
        assert isinstance(app, Celery)
        assert app.main == "foiatracker"


def test_app_services_get_database_and_broker_from_the_data_services():
    services = compose()["services"]
    for name in ("web", "worker", "worker-ingestion", "beat"):
        env = services[name]["environment"]
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_dockerfile_installs_the_lock_file_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.12" in dockerfile
    lock = re.search(r"-r (\S+)", dockerfile).group(1)
    assert (ROOT / lock).is_file()
    assert "--require-hashes" in dockerfile
    assert '"gunicorn", "foiatracker.wsgi:application"' in dockerfile


def test_production_never_runs_with_a_developers_env_file():
    # `make venv` writes a .env with DEBUG=true beside docker-compose.yml, which compose also
    # reads: the image never copies it, and compose's own environment turns DEBUG off.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored
    assert ".venv/" in ignored
    for name in ("web", "worker", "worker-ingestion", "beat"):
        assert compose()["services"][name]["environment"]["DEBUG"] == "false"


def test_the_workers_together_read_every_queue_and_ingestion_has_its_own():
    """Every queue a task can be routed to (foiatracker/celery.py) is read by a worker, and
    release ingestion by a worker of its own, so two slow uploads never stop reminders."""
    services = compose()["services"]
    read = {}
    for name in ("worker", "worker-ingestion"):
        queues = re.search(r" -Q (\S+)", command(services[name])).group(1).split(",")
        read[name] = set(queues)
    assert read["worker"] | read["worker-ingestion"] == set(queue_names())
    assert read["worker-ingestion"] == {"ingestion"}
