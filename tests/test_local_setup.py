"""What a new user runs from a fresh clone, as the README writes it: `make run` stops at once on a
port in use, and the development `.env` that make writes lets every `manage.py` command run
without DEBUG or SECRET_KEY exported by hand."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from foiatracker.settings import env_file_read

ROOT = Path(__file__).resolve().parents[1]
# What a fresh clone does not have: the virtualenv, local data, a developer's .env, caches.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "var", ".env", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    "artifacts",
)  # fmt: skip


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a new user's shell: none of the settings, none of the test suite's."""
    settings = {"DEBUG", "SECRET_KEY", "FOIATRACKER_ENV_FILE", "DATABASE_URL", "REDIS_URL"}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in settings and not k.startswith(("SECURE_", "SESSION_", "CSRF_", "ALLOWED_"))
    }
    return {**env, **extra}


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port some other server is listening on, on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def run_script(*args: str, port: int, var_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "run.sh"), *args],
        env=clean_environment(
            RUN_HOST="127.0.0.1",
            RUN_PORT=str(port),
            PYTHON=sys.executable,
            FOIATRACKER_VAR_DIR=str(var_dir),
        ),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_make_run_stops_at_once_on_a_port_in_use(busy_port, tmp_path):
    done = run_script(port=busy_port, var_dir=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in done.stderr
    assert "e.g. RUN_PORT=8001 make run" in done.stderr
    # Nothing of the setup ran: no migration, no demo, no database.
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_the_port_check_alone_passes_a_free_port_and_refuses_a_wrong_one(busy_port, tmp_path):
    assert run_script("--check-port", port=busy_port, var_dir=tmp_path).returncode == 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    done = run_script("--check-port", port=free, var_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""
    done = run_script("--check-port", port=70000, var_dir=tmp_path)
    assert done.returncode == 1
    assert "RUN_PORT=70000 is not a port number" in done.stderr


def test_make_run_checks_the_port_before_building_anything():
    dry_run = subprocess.run(
        [
            "make",
            "--dry-run",
            "--always-make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "run",
            f"PYTHON={sys.executable}",
        ],
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    commands = [line for line in dry_run.stdout.splitlines() if line.strip()]
    assert "scripts/run.sh --check-port" in commands[0]
    assert any("-m venv" in line for line in commands[1:])


@pytest.fixture
def fresh_clone(tmp_path) -> Path:
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=NOT_IN_A_CLONE)
    return clone


def manage(clone: Path, *args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=clone,
        env=clean_environment(FOIATRACKER_VAR_DIR=str(var_dir)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_readme_commands_work_on_a_fresh_clone_with_the_env_make_writes(fresh_clone, tmp_path):
    var_dir = tmp_path / "var"
    # Without it, a command stops on the missing secret (what a new user used to meet).
    refused = manage(fresh_clone, "check", var_dir=var_dir)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in refused.stderr

    make = [
        "make",
        "--no-print-directory",
        "-C",
        str(fresh_clone),
        ".env",
        f"PYTHON={sys.executable}",
    ]
    written = subprocess.run(make, env=clean_environment(), capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    env_file = fresh_clone / ".env"
    values = env_file_read(env_file)
    assert values["DEBUG"] == "true"
    assert len(values["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600  # a secret: the owner's alone
    # Never overwritten: a second make keeps the key (and whatever the developer added).
    before = env_file.read_text()
    assert subprocess.run(make, env=clean_environment(), capture_output=True).returncode == 0
    assert env_file.read_text() == before

    check = manage(fresh_clone, "check", var_dir=var_dir)
    assert check.returncode == 0, check.stderr
    assert "no issues" in check.stdout
    assert manage(fresh_clone, "migrate", "-v0", var_dir=var_dir).returncode == 0
    sweep = manage(fresh_clone, "send_reminders", var_dir=var_dir)
    assert sweep.returncode == 0, sweep.stderr
    assert "reminders created" in sweep.stdout


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / "settings.env"
    env_file.write_text("DEBUG=true\nSECRET_KEY=from-the-file\nTIME_ZONE=Europe/Paris\n")
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY, s.TIME_ZONE)",
        ],
        cwd=ROOT,
        env=clean_environment(
            FOIATRACKER_ENV_FILE=str(env_file),
            FOIATRACKER_VAR_DIR=str(tmp_path),
            SECRET_KEY="from-the-environment",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "from-the-environment", "Europe/Paris"]


def test_the_env_file_is_read_strictly(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n\nDEBUG=true\nexport TIME_ZONE='Europe/Paris'\n"
        'DEFAULT_FROM_EMAIL="foiatracker <foia@example.org>"\nEMPTY=\n'
    )
    assert env_file_read(env_file) == {
        "DEBUG": "true",
        "TIME_ZONE": "Europe/Paris",
        "DEFAULT_FROM_EMAIL": "foiatracker <foia@example.org>",
        "EMPTY": "",
    }
    env_file.write_text("DEBUG=true\nSECRET_KEY abc\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env, line 2: 'SECRET_KEY abc' is not NAME="):
        env_file_read(env_file)


def test_the_test_suite_reads_no_env_file():
    # pyproject.toml's pytest-env: a developer's DEBUG=true in .env never reaches the suite.
    assert os.environ["FOIATRACKER_ENV_FILE"] == ""


def site_url_under_make_run(tmp_path: Path, env_file: str = "", **run: str) -> str:
    env = clean_environment(FOIATRACKER_ENV_FILE=env_file, PYTHON=sys.executable, **run)
    env.pop("SITE_URL", None)
    env.update({k: v for k, v in run.items() if k == "SITE_URL"})
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run.sh"), "--site-url"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_make_run_links_to_the_address_it_serves_on(tmp_path):
    """Reminder emails and calendar feeds link to SITE_URL: under `make run` it is where the
    server listens, unless SITE_URL is set in the environment or the settings file."""
    assert site_url_under_make_run(tmp_path) == "http://127.0.0.1:8000"
    assert site_url_under_make_run(tmp_path, RUN_PORT="8001") == "http://127.0.0.1:8001"
    assert (
        site_url_under_make_run(tmp_path, RUN_HOST="0.0.0.0", RUN_PORT="9000")
        == "http://localhost:9000"
    )
    assert site_url_under_make_run(tmp_path, RUN_HOST="::1") == "http://[::1]:8000"
    chosen = site_url_under_make_run(tmp_path, RUN_PORT="8001", SITE_URL="https://foia.example.org")
    assert chosen == "https://foia.example.org"
    env_file = tmp_path / "site.env"
    env_file.write_text("DEBUG=true\nSITE_URL=https://foia.example.org\n")
    assert site_url_under_make_run(tmp_path, str(env_file), RUN_PORT="8001") == (
        f"(SITE_URL from {env_file})"
    )
