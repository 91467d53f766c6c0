"""Absolute links to this site, for what leaves it: reminder emails, calendar feeds.

A request in hand knows the address it came in on; an email or a feed built by a worker does not,
so they take the public address from ``settings.SITE_URL`` (read once, strictly, in settings). A
page that shows such a link (the calendar feed's) takes it from here too, so a person sees one
link wherever they find it. ``make run`` sets SITE_URL to the address it serves on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

#: The host named in Message-IDs and calendar UIDs when SITE_URL has none (RFC 2606's reserved
#: top-level domain: it can never belong to someone else).
FALLBACK_HOST = "foiatracker.invalid"


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse`` or ``get_admin_url``, starting with "/") on the public site."""
    if not path.startswith("/"):
        raise ValueError(f"{path!r} is not a path from the site's root")
    return settings.SITE_URL.rstrip("/") + path


def site_host() -> str:
    """The public site's host name: the right-hand side of Message-IDs and calendar UIDs, so they
    are unique to this installation."""
    return urlsplit(settings.SITE_URL).hostname or FALLBACK_HOST
