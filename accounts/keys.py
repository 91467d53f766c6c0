"""API token keys: made, fingerprinted and shortened for display. Plain Python, no Django.

A key is shown to its holder once and never stored: the database keeps its SHA-256 (hex) and a
short prefix to recognise it by. A fast hash is right here, where a password needs a slow one: a
key is 256 random bits from ``secrets``, not something a person chose, so there is no dictionary
to try and no brute force over 2**256 to slow down; a slow hash would only add its cost to every
API call. GitHub stores its tokens the same way.
"""

from __future__ import annotations

import hashlib
import secrets

#: Every key this tracker makes starts with this, so a key pasted into the wrong place (a
#: repository, a chat) can be recognised as one of ours by people and by secret scanners.
KEY_START = "ft_"
#: How much of a key is kept and shown to recognise it: ``ft_`` and 7 random characters
#: (42 of its 256 bits; what is left is still far beyond guessing).
PREFIX_LENGTH = 10


def key_new() -> str:
    """A fresh key: ``ft_`` and 43 URL-safe characters (32 random bytes)."""
    return KEY_START + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    """What the database keeps of a key, and looks it up by: SHA-256, 64 hex characters."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(key: str) -> str:
    """The start of a key, stored and shown so its holder can tell their tokens apart."""
    return key[:PREFIX_LENGTH]
