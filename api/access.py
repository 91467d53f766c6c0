"""Who may call the API: personal tokens (rate-limited on failure) or a session, and roles.

Every endpoint under /api/ needs an authenticated user holding one of the roles in
``core.roles`` (a superuser holds them all): anonymous callers get 401, a login without a
role 403. Reading is open to every role; a view lists the roles that may write through its
``write_roles`` (e.g. staff for requests, lawyers for lawsuits). The README's permission matrix
is this, written out; ``tests/api/test_api_permissions.py`` walks every endpoint.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.selectors import api_token_match
from accounts.services import api_token_mark_used
from core.links import absolute_url
from core.roles import ROLES

log = logging.getLogger(__name__)

# Where failures are counted while the shared cache (Redis) cannot be reached: this process's
# memory. Fail open, not to the database: a valid token is checked against the database anyway,
# so it is never refused because Redis is down; guessing stays bounded (the limit times the web
# processes) without turning each guess into a database write; and the counters' own short
# window makes forgetting them when Redis comes back harmless.
_counted_here = LocMemCache("api-token-failures", {})


def client_ip(request: Any) -> str:
    """The caller's address as the server sees it. Behind a reverse proxy, have the proxy set the
    real client address (e.g. gunicorn's ``--forwarded-allow-ips``); a client-supplied
    X-Forwarded-For is never trusted here, or an attacker could pick a fresh one per attempt."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _failure_key(ip: str) -> str:
    return f"api-token-failures:{ip}"


def _with_counters[Answer](operation: Callable[[BaseCache], Answer]) -> Answer:
    """`operation` on the shared counters, or on this process's when the cache fails."""
    try:
        return operation(cache)
    except Exception as exc:  # whatever the cache backend raises: refused, timed out, auth…
        log.warning(
            "token-failure counters: the cache is unreachable (%s: %s); counting in this "
            "process until it is back",
            type(exc).__name__,
            exc,
        )
        return operation(_counted_here)


def token_failures(ip: str) -> int:
    return int(_with_counters(lambda counters: counters.get(_failure_key(ip), 0)))


def token_failures_reset(ip: str) -> None:
    """Forget an address's failures, wherever they were counted."""
    _counted_here.delete(_failure_key(ip))
    _with_counters(lambda counters: counters.delete(_failure_key(ip)))


def _count_failure(ip: str) -> None:
    _with_counters(lambda counters: _count_in(counters, _failure_key(ip)))


def _count_in(counters: BaseCache, key: str) -> None:
    # The window starts at the first failure: add() only sets a missing key.
    counters.add(key, 0, timeout=settings.API_TOKEN_FAILURE_WINDOW)
    try:
        counters.incr(key)
    except ValueError:  # expired between add() and incr()
        counters.set(key, 1, timeout=settings.API_TOKEN_FAILURE_WINDOW)


class ThrottledTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, the key one of the person's API tokens (``accounts``),
    looked up by its SHA-256. After ``API_TOKEN_FAILURE_LIMIT`` failed attempts from one client
    IP within ``API_TOKEN_FAILURE_WINDOW`` seconds, every token attempt from that IP gets 429
    until the window ends, so keys cannot be guessed by brute force. An unknown, expired or
    revoked token, or one whose holder is inactive, is a 401 and counts as a failure.

    Still a subclass of DRF's class: the OpenAPI schema describes the scheme from it."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token offered: session auth, or anonymous
        ip = client_ip(request)
        if token_failures(ip) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=settings.API_TOKEN_FAILURE_WINDOW,
                detail="Too many failed token attempts from this address; try again later.",
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            _count_failure(ip)
            raise

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = token_holder(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        now = timezone.now()
        refusal = token_refusal(token, now)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        api_token_mark_used(token=token, now=now)
        return (token.user, token)


def token_refusal(token: ApiToken, now: datetime.datetime) -> str | None:
    """Why a known token no longer opens the API, in words its holder can act on; None if it
    does."""
    status = token.status(now)
    if status == ApiToken.Status.ACTIVE:
        return None
    where = absolute_url(reverse("accounts:tokens"))
    if status == ApiToken.Status.REVOKED:
        assert token.revoked_at is not None
        when = f"was revoked on {timezone.localdate(token.revoked_at):%Y-%m-%d}"
    else:
        when = f"expired at the end of {token.last_day:%Y-%m-%d}"
    return f"This token ({token.prefix}…) {when}. Create a new one at {where}"


def token_holder(key: str) -> ApiToken | None:
    """The token with this key, its user loaded with the roles they hold, in one query (every
    API call asks: a second query for the groups cost as much as the rest of a small list's
    work)."""
    match = api_token_match(key)
    if match is None:
        return None
    _remember_roles(match.token.user, match.group_names)
    return match.token


def _remember_roles(user: Any, group_names: Iterable[str | None]) -> frozenset[str]:
    """The roles among a user's group names, kept on the user for the rest of the request."""
    roles = frozenset(ROLES).intersection(group_names)
    user._api_roles = roles
    return roles


def user_roles(user: Any) -> frozenset[str]:
    """The roles a user holds (every role for a superuser), read once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(ROLES)
    cached = getattr(user, "_api_roles", None)
    if cached is None:
        # Every group's name, then the roles among them: cheaper to build than a name__in query.
        cached = _remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def roles_allowed(view: Any, method: str) -> tuple[str, ...]:
    """The roles that may call ``method`` on ``view``."""
    if method in SAFE_METHODS:
        return tuple(getattr(view, "read_roles", ROLES))
    by_action = getattr(view, "action_write_roles", {})
    action = getattr(view, "action", None)
    if action in by_action:
        return tuple(by_action[action])
    return tuple(getattr(view, "write_roles", ()))


class RolePermission(BasePermission):
    """Authenticated, and holding a role allowed for this method on this view."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return False  # DRF answers 401 (the token scheme is announced)
        held = user_roles(user)
        if not held:
            self.message = (
                "Your account holds no API role (staff, lawyer or reporting); ask an admin."
            )
            return False
        allowed = roles_allowed(view, request.method or "GET")
        if not held & set(allowed):
            if allowed:
                self.message = (
                    f"Only {' or '.join(allowed)} may {request.method} here; "
                    f"you hold {', '.join(sorted(held))}."
                )
            else:
                self.message = f"{request.method} is not allowed here for any role."
            return False
        return True
