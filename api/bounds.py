"""The range of every whole number the API reads from a query or a path, defined once.

A key (a row's id) is a 64-bit signed integer on every database: ``MAX_KEY``. A value outside its
range names no row, and handing it to the database is an error there (SQLite cannot bind an
integer past 64 bits at all), so each parameter checks it first and answers a 400 naming the
parameter; a path id outside it is a 404 like any id that names nothing. The schema declares each
range (``minimum``/``maximum``), which is also what schemathesis' coverage phase probes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: The largest key a row can have (a 64-bit signed integer), and the largest page number.
MAX_KEY = 2**63 - 1


def out_of_range(raw: Any, minimum: int, maximum: int, what: str = "a whole number") -> str:
    return f"Expected {what} from {minimum} to {maximum}; got {str(raw)!r}."


def parse_whole_number(
    raw: Any, *, minimum: int, maximum: int, what: str = "a whole number"
) -> int:
    """``raw`` as an int in [minimum, maximum], or ValueError with the sentence to answer."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ValueError(out_of_range(raw, minimum, maximum, what))
    return value


def is_key(raw: Any) -> bool:
    """Whether ``raw`` could be a row's id at all (a whole number from 1 to ``MAX_KEY``)."""
    try:
        parse_whole_number(raw, minimum=1, maximum=MAX_KEY)
    except ValueError:
        return False
    return True


def integer_schema(minimum: int, maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


KEY_SCHEMA = integer_schema(1, MAX_KEY)


class KeyChoiceField(forms.ModelChoiceField):
    """A row chosen by its id: an id outside the keys' range is refused before any query."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            key = parse_whole_number(value, minimum=1, maximum=MAX_KEY, what="an id")
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_choice") from None
        return super().to_python(key)


class CodeRelatedField(serializers.SlugRelatedField):
    """A row by a text key (a jurisdiction's code, a topic's name). A NUL character is refused
    before any query, a 400 naming the field as for any other text: PostgreSQL cannot hold one
    in text (SQLite can), so the database would answer an error instead of "no such row"."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "null_characters": "Null characters are not allowed.",
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


def key_number(**kwargs: Any) -> serializers.IntegerField:
    """An id taken as a number (no lookup), refused outside the keys' range like the others."""
    message = f"Expected an id from 1 to {MAX_KEY}."
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_KEY,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        **kwargs,
    )


@extend_schema_field(KEY_SCHEMA)
class KeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A serializer's row by id, with the same range check as ``KeyChoiceField``."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not is_key(data):
            self.fail("out_of_range", value=str(data)[:40])
        return super().to_internal_value(data)

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "out_of_range": f"Expected an id from 1 to {MAX_KEY}; got '{{value}}'.",
    }
