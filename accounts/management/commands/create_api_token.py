"""Issue an API token for a user from the command line: the key is printed once."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import api_token_create


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--expires {text!r} is not a date: give the last day the token works as "
            "YYYY-MM-DD, e.g. 2026-12-31"
        ) from None


class Command(BaseCommand):
    help = (
        "Issue an API token for a user (`Authorization: Token <key>`) and print its key, once: "
        "only a hash of it is kept. The key alone goes to standard output (for a script to "
        "capture), what it is to standard error. Exits 1, creating nothing, on a wrong username, "
        "a name already in use, or an expiry day that has passed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user the token acts as, with their roles")
        parser.add_argument(
            "--name", required=True, help="what will use it, e.g. 'Quarterly report script'"
        )
        parser.add_argument(
            "--expires",
            metavar="YYYY-MM-DD",
            help="the last day it works (to midnight in TIME_ZONE); default: never expires",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        last_day = _day(options["expires"]) if options["expires"] else None
        users = get_user_model().objects
        try:
            user = users.get(**{users.model.USERNAME_FIELD: options["username"]})
        except users.model.DoesNotExist:
            raise CommandError(f"No user is named {options['username']!r}.") from None
        try:
            issued = api_token_create(user=user, name=options["name"], last_day=last_day)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        until = (
            f", working until the end of {issued.token.last_day:%Y-%m-%d}"
            if issued.token.last_day
            else ", not expiring"
        )
        self.stderr.write(
            f"Token “{issued.token.name}” ({issued.token.prefix}…) issued for {user}{until}. "
            "Copy the key below now: it is not stored and will not be shown again."
        )
        self.stdout.write(issued.key)
