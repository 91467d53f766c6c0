"""Reads of API tokens: the token a key opens (with its holder and their groups, in one query)
and a person's own tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from accounts.keys import key_digest
from accounts.models import ApiToken


@dataclass(frozen=True)
class TokenMatch:
    """The token a key opened, its ``user`` loaded, and the names of the user's groups."""

    token: ApiToken
    group_names: frozenset[str]


def api_token_match(key: str) -> TokenMatch | None:
    """The token whose key this is, whatever its state (the caller says why it is refused), in
    one query: the token, its user and the user's groups (every API call asks; a second query
    for the groups would cost as much as the rest of a small list's work)."""
    rows = list(
        ApiToken.objects.filter(key_hash=key_digest(key))
        .select_related("user")
        .annotate(group_name=F("user__groups__name"))  # a LEFT JOIN: one row per group, or one
        .order_by()  # no sort for a handful of rows
    )
    if not rows:
        return None
    return TokenMatch(
        token=rows[0],
        group_names=frozenset(row.group_name for row in rows if row.group_name is not None),
    )


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked ones included (they show when and what)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
