"""What every benchmark needs before it measures: a PostgreSQL database whose name says it is for
benchmarks (they empty tables), created and migrated, with Django pointed at it."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import django
import psycopg
from django.core.management import call_command
from django.db import connection
from psycopg import sql


class BenchmarkError(Exception):
    """The benchmark cannot run, or what it measured gave a wrong answer."""


def point_django_at(database_url: str, *, measures: str, empties: str) -> str:
    """Check the URL and set the environment Django reads; returns the database name.

    `measures` says which PostgreSQL path the benchmark times (SQLite takes another), `empties`
    which tables it wipes (why the name must contain "bench").
    """
    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite") or not parts.scheme:
        raise BenchmarkError(
            f"Refusing {database_url!r}: this benchmark measures the PostgreSQL path ({measures}); "
            "SQLite takes another path. Pass --database-url "
            "postgres://user@host:5432/foiatracker_bench."
        )
    if parts.scheme not in ("postgres", "postgresql"):
        raise BenchmarkError(f"Refusing {database_url!r}: only postgres:// URLs are supported.")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise BenchmarkError(
            f"Refusing database {name!r}: the benchmark empties the {empties} tables, so the "
            "database's name must contain 'bench' (e.g. foiatracker_bench)."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "foiatracker.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-server")
    os.environ["DATABASE_URL"] = database_url
    return name


def create_database_if_missing(database_url: str, name: str) -> bool:
    """CREATE DATABASE through the server's `postgres` database; True if it was created."""
    parts = urlsplit(database_url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def setup_django() -> None:
    """django.setup(), refuse anything but PostgreSQL, and migrate."""
    django.setup()
    if connection.vendor != "postgresql":
        raise BenchmarkError(
            f"DATABASE_URL reached a {connection.vendor} database, not PostgreSQL."
        )
    call_command("migrate", verbosity=0, interactive=False)
