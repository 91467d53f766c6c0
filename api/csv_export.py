"""CSV for every list and report: ``?format=csv`` or ``Accept: text/csv``, streamed.

Rows are written as they are read (``StreamingHttpResponse``), so a large export never sits in
memory. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return) is prefixed with an apostrophe, as in the documents' Vaughn index (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: lists joined with "; ", objects as JSON, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        value = json.dumps(value, default=str, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        if all(not isinstance(item, (Mapping, list, tuple)) for item in value):
            value = "; ".join(str(csv_cell(item)) for item in value)
        else:
            value = json.dumps(value, default=str, ensure_ascii=False)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(list(columns))
    for row in rows:
        yield writer.writerow([csv_cell(row.get(column)) for column in columns])


def csv_response(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CSVRenderer(BaseRenderer):
    """Lets content negotiation pick CSV; lists and reports stream their own rows, this renders
    what is left (a single record) as a one-row CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        columns: list[str] = list(rows[0]) if rows and isinstance(rows[0], Mapping) else []
        return "".join(csv_lines(columns, rows)).encode()
