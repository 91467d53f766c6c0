"""Settings come from the environment, strictly; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from foiatracker.settings import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-" + "x" * 50,
    "ALLOWED_HOSTS": "foia.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://foia.example.org",
    "EMAIL_HOST": "smtp.example.org",  # Django refuses console email in production (mail.E001)
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("SECURE_", "SESSION_", "CSRF_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
        )
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    done = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "FOIATRACKER_VAR_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    env = {**PRODUCTION, "FOIATRACKER_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY")
    done = run_manage("check", env=env)
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_a_typo_in_a_boolean_stops_start_up_with_the_variable_named(tmp_path):
    done = run_manage(
        "check", env={**PRODUCTION, "DEBUG": "ture", "FOIATRACKER_VAR_DIR": str(tmp_path)}
    )
    assert done.returncode != 0
    assert "DEBUG='ture' is not a boolean" in done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REMINDER_UPCOMING_BUSINESS_DAYS": "7,two"}, "REMINDER_UPCOMING_BUSINESS_DAYS: whole"),
        ({"REMINDER_UPCOMING_BUSINESS_DAYS": "7,0"}, "each at least 1"),
        ({"REMINDER_SEND_HOUR": "24"}, "REMINDER_SEND_HOUR: an hour from 0 to 23"),
        (
            {"REMINDER_SENDING_TIMEOUT": "30", "EMAIL_TIMEOUT": "60"},
            "REMINDER_SENDING_TIMEOUT must be longer than EMAIL_TIMEOUT",
        ),
    ],
)
def test_reminder_settings_that_make_no_sense_stop_start_up(tmp_path, env, message):
    done = run_manage("check", env={**PRODUCTION, **env, "FOIATRACKER_VAR_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert message in done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INGEST_MAX_PARTS": "0"}, "INGEST_MAX_PARTS='0' is below its minimum of 1"),
        ({"INGEST_PDF_PAGE_SECONDS": "-5"}, "INGEST_PDF_PAGE_SECONDS='-5' is below its minimum"),
        ({"INGEST_MAX_MEMORY_BYTES": "64MB"}, "INGEST_MAX_MEMORY_BYTES='64MB' is not a whole"),
        (
            {"UPLOAD_MAX_FILE_BYTES": "2000", "UPLOAD_MAX_REQUEST_BYTES": "1000"},
            "UPLOAD_MAX_REQUEST_BYTES must be at least UPLOAD_MAX_FILE_BYTES",
        ),
    ],
)
def test_ingestion_limits_that_make_no_sense_stop_start_up(tmp_path, env, message):
    done = run_manage("check", env={**PRODUCTION, **env, "FOIATRACKER_VAR_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert message in done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ORIGINALS_SENDFILE": "nginx"}, "ORIGINALS_SENDFILE='nginx' is not one of"),
        ({"ORIGINALS_SENDFILE": "x-accel"}, "ORIGINALS_SENDFILE='x-accel' is not one of"),
        ({"ORIGINALS_INTERNAL_LOCATION": "_originals"}, "ORIGINALS_INTERNAL_LOCATION='_origi"),
        ({"ORIGINALS_INTERNAL_LOCATION": "/a b/"}, "is not a path that starts and ends with /"),
        ({"ORIGINALS_INTERNAL_LOCATION": "/../"}, "is not a path that starts and ends with /"),
    ],
)
def test_a_sendfile_setting_that_makes_no_sense_stops_start_up(tmp_path, env, message):
    done = run_manage("check", env={**PRODUCTION, **env, "FOIATRACKER_VAR_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert message in done.stderr


def test_the_sendfile_modes_are_read_as_written(tmp_path):
    for mode in ("", "x-accel-redirect", "X-Sendfile "):
        env = {**PRODUCTION, "ORIGINALS_SENDFILE": mode, "FOIATRACKER_VAR_DIR": str(tmp_path)}
        done = run_manage("check", env=env)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), ("on", True), ("no", False), ("0", False), ("", False)],
)
def test_env_bool_accepts_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_int_and_env_str_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER='twelve' is not a whole number"):
        env_int("SOME_NUMBER", 1)
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_str("SOME_SECRET") == "from-a-file"
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"SOME_SECRET_FILE=.* cannot be read"):
        env_str("SOME_SECRET")


def test_defaults_need_nothing_installed(tmp_path):
    """With nothing set but DEBUG: SQLite under var/, console email, tasks run in-process."""
    script = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.MAILERS['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.DEBUG)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "TIME_ZONE", "SECRET_KEY"}
    }
    env.update(
        {
            "DEBUG": "true",
            "FOIATRACKER_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "foiatracker.settings",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "America/New_York",
        "True",
    ]


def test_site_url_is_read_once_strictly_without_its_trailing_slash(tmp_path):
    env = {**PRODUCTION, "FOIATRACKER_VAR_DIR": str(tmp_path)}
    done = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        env={**env, "SITE_URL": "https://foia.example.org/"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "https://foia.example.org"
    for wrong in ("foia.example.org", "ftp://foia.example.org", "https://"):
        done = run_manage("check", env={**env, "SITE_URL": wrong})
        assert done.returncode != 0
        assert f"SITE_URL={wrong!r} is not an absolute http(s) address" in done.stderr


def test_env_example_lists_every_variable_the_settings_read():

    settings_source = (ROOT / "foiatracker" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_source))
    read.discard("DJANGO_SETTINGS_MODULE")
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()
