"""Writes on API tokens: issue one (its key returned once), revoke, record its use."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.keys import key_digest, key_new, key_prefix
from accounts.models import ApiToken
from core.today import organisation_today

#: How stale ``last_used_at`` may get: a busy client writes it at most once a minute, not on
#: every call (a read-only API call otherwise pays for a write, and rows of a hot token contend).
LAST_USED_PRECISION = datetime.timedelta(minutes=1)

_NAME_TAKEN = "You already have a token named “{name}”: choose another name, or revoke that one."


@dataclass(frozen=True)
class IssuedToken:
    """A token just made and its key: the only moment the key exists outside its holder's
    hands. Show it once; it is not stored and cannot be recovered."""

    token: ApiToken
    key: str


def expiry_from_last_day(last_day: datetime.date) -> datetime.datetime:
    """The moment a token chosen to work "until <day>" stops: the end of that day in the
    organisation's time zone (``TIME_ZONE``), as people read a date."""
    next_day = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(next_day)


def api_token_create(
    *,
    user: Any,
    name: str,
    last_day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> IssuedToken:
    """Issue a token to ``user``; the key is in the answer and nowhere else. ``last_day``: the
    last day it works (today or later), None for no expiry. Raises ``ValidationError`` (by
    field: ``name``, ``last_day``, ``user``) and saves nothing when the input is wrong."""
    now = now or timezone.now()
    name = name.strip()
    errors: dict[str, str] = {}
    if not user.is_active:
        errors["user"] = f"{user} is inactive: a token of theirs would be refused."
    if not name:
        errors["name"] = "Give the token a name: what will use it?"
    elif len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = "Keep the name to 100 characters."
    today = organisation_today(now)
    if last_day is not None and last_day < today:
        errors["last_day"] = (
            f"{last_day:%Y-%m-%d} has passed: choose today ({today:%Y-%m-%d}) or later, "
            "or leave it empty for a token that does not expire."
        )
    if not errors.get("name") and _name_in_use(user=user, name=name):
        errors["name"] = _NAME_TAKEN.format(name=name)
    if errors:
        raise ValidationError(errors)

    key = key_new()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key_prefix(key),
        key_hash=key_digest(key),
        created_at=now,
        expires_at=expiry_from_last_day(last_day) if last_day else None,
    )
    try:
        with transaction.atomic():
            token.save(force_insert=True)
    except IntegrityError:
        # Another request took the name between the check and the insert.
        if _name_in_use(user=user, name=name):
            raise ValidationError({"name": _NAME_TAKEN.format(name=name)}) from None
        raise
    return IssuedToken(token=token, key=key)


def _name_in_use(*, user: Any, name: str) -> bool:
    return ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists()


def api_token_revoke(*, token_ids: Collection[int], now: datetime.datetime | None = None) -> int:
    """Revoke these tokens from ``now`` on; the number revoked (one already revoked keeps its
    first revocation time and is not counted). The caller decides whose tokens these may be."""
    return ApiToken.objects.filter(pk__in=token_ids, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def api_token_mark_used(*, token: ApiToken, now: datetime.datetime) -> bool:
    """Record that ``token`` was used at ``now``, unless a use was recorded less than
    ``LAST_USED_PRECISION`` before (so at most once a minute).

    ``token`` is the row as authentication just read it: when that shows a use within the last
    minute, nothing is written (no query at all). Otherwise one conditional UPDATE, whose WHERE
    decides: of two calls racing past the first check, the second finds the row already moved
    and writes nothing. No read-modify-write, no lock held."""
    stale_before = now - LAST_USED_PRECISION
    if token.last_used_at is not None and token.last_used_at >= stale_before:
        return False
    written = ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before), pk=token.pk
    ).update(last_used_at=now)
    if written:
        token.last_used_at = now
    return bool(written)
