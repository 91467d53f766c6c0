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


def test_the_services_and_the_backup_one_off():
    services = compose()["services"]
    running = {name for name, service in services.items() if "profiles" not in service}
    assert running == {"web", "worker", "worker-ingestion", "beat", "postgres", "redis"}
    # `docker compose up` never starts it; `docker compose run --rm backup` does.
    assert services["backup"]["profiles"] == ["backup"]


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


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of each Dockerfile line, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def dockerfile_args() -> dict[str, str]:
    return dict(
        arguments.split("=", 1) for verb, arguments in dockerfile_instructions() if verb == "ARG"
    )


def expanded(text: str) -> str:
    """A RUN or USER line with the ARG values put in and the shell's double quotes dropped."""
    for name, value in dockerfile_args().items():
        text = text.replace("${" + name + "}", value)
    return text.replace('"', "")


def test_the_image_runs_as_a_fixed_non_root_user_owning_the_data_folders():
    instructions = dockerfile_instructions()
    users = [expanded(arguments) for verb, arguments in instructions if verb == "USER"]
    assert users == ["10001:10001"]  # the last USER is the one the image runs as
    run = " && ".join(expanded(arguments) for verb, arguments in instructions if verb == "RUN")
    assert "groupadd --system --gid 10001 foiatracker" in run
    assert "useradd --system --uid 10001 --gid 10001" in run
    assert "mkdir -p /data/media /data/backups" in run
    assert "chown -R 10001:10001 /data/media /data/backups" in run
    # The owner is set after the last command run as root that could create /data/media
    # (collectstatic loads the settings, which create MEDIA_ROOT).
    last_run = [arguments for verb, arguments in instructions if verb == "RUN"][-1]
    assert last_run.index("collectstatic") < last_run.index("chown -R")
    assert [verb for verb, _ in instructions].index("USER") > max(
        i for i, (verb, _) in enumerate(instructions) if verb == "RUN"
    )


def test_compose_mounts_the_media_volume_where_the_image_gives_it_to_its_user():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "backup"):
        assert "media:/data/media" in services[name]["volumes"]
        assert services[name]["environment"]["MEDIA_ROOT"] == "/data/media"
    assert any(volume.endswith(":/data/backups") for volume in services["backup"]["volumes"])


def test_the_image_has_the_postgresql_client_of_the_compose_server():
    server_major = compose()["services"]["postgres"]["image"].split(":")[1].split(".")[0]
    assert dockerfile_args()["PG_MAJOR"] == server_major
    run = " ".join(
        expanded(arguments) for verb, arguments in dockerfile_instructions() if verb == "RUN"
    )
    assert f"postgresql-client-{server_major}" in run


def test_the_backup_one_off_runs_the_backup_command_on_the_compose_database():
    backup = compose()["services"]["backup"]
    command_line = command(backup)
    assert command_line.startswith("python manage.py backup /data/backups")
    assert (ROOT / "core" / "management" / "commands" / "backup.py").is_file()
    assert "@postgres:5432/" in backup["environment"]["DATABASE_URL"]
    assert set(backup["depends_on"]) == {"postgres"}
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "backups/" in ignored  # backups written beside compose never go into an image
