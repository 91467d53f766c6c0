"""Content negotiation for every API view (REST_FRAMEWORK's DEFAULT_CONTENT_NEGOTIATION_CLASS),
and for a document's original, which is its own format.

A module of its own, importing no DRF view: DRF imports it while loading its settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class StrictContentNegotiation(DefaultContentNegotiation):
    """``?format=`` names a format we have (json, csv) or is a 400 naming it (DRF says 404).

    A format suffix in the path (``/requests/1.json/``) that names no format is a path that names
    nothing (``/appeals/0.5/``): 404, as for any other unmatched path."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        if format_suffix and not any(r.format == format_suffix for r in renderers):
            raise exceptions.NotFound()
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[Any]:
        matched = [renderer for renderer in renderers if renderer.format == format]
        if not matched:
            known = ", ".join(sorted({r.format for r in renderers}))
            raise exceptions.ValidationError(
                {"format": [f"Unknown format {format!r}; choose one of {known}."]}
            )
        return matched


class OriginalNegotiation(BaseContentNegotiation):
    """For a document's original: the file is its own format whatever the Accept header asks (a
    client may well ask for application/pdf), so nothing is refused with 406, and an error about
    it is JSON (the view's only renderer). A format suffix (``/original.json``) names nothing:
    404, as for any other path that names no endpoint."""

    def select_parser(self, request: Request, parsers: Iterable[Any]) -> Any:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        if format_suffix:
            raise exceptions.NotFound()
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
