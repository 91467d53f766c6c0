"""What every list endpoint shares: strict pagination and ordering, filters, and CSV.

- Pages: ``?page=N&page_size=M`` (default 50, at most 100); a page size or page that is not a
  positive whole number, a page size over 100 or a page over ``api.bounds.MAX_KEY``, is a 400
  naming it; a page past the end is 404. A search (``?search=``) pages no deeper than its
  first ``core.paging.SEARCH_MAX_RESULTS`` matches: a page past them is a 400 naming ``page``.
- Order: ``?ordering=field,-other`` from the view's ``ordering_fields``; an unknown field is a 400
  naming ``ordering``. The primary key always breaks ties, so pages never overlap or skip.
- Filters: django-filter FilterSets (``api.filters``); an invalid value is a 400 naming the
  parameter. Unknown parameters are ignored (clients add cache-busters), invalid known ones never.
  Only the filters a query names are built and validated (``NamedFilterBackend``).
- CSV: ``?format=csv`` or ``Accept: text/csv`` streams every row that matches the filters, without
  pagination, one request's worth of queries per chunk of rows.
- Plain rows: a list whose view names a ``row_selector`` builds its page from ``.values()`` in that
  selector instead of model instances and the serializer, which costs several times the SQL on a
  large page. The serializer stays the source of truth: it gives the schema, retrieve and CSV, and
  ``tests/api/test_api_plain_rows.py`` checks that both give the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api.bounds import MAX_KEY, integer_schema, parse_whole_number
from api.csv_export import csv_response
from api.negotiation import StrictContentNegotiation
from core.paging import search_last_page, search_too_deep

MAX_PAGE_SIZE = 100
CSV_CHUNK = 500


def _positive_int(request: Request, name: str, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_whole_number(raw, minimum=1, maximum=maximum)
    except ValueError as exc:
        raise exceptions.ValidationError({name: [str(exc)]}) from None


def _searching(request: Request, view: Any) -> bool:
    """Whether the list is a search (``?search=``), which pages no deeper than core.paging."""
    param = StrictSearchFilter.search_param
    return bool(getattr(view, "search_fields", None)) and bool(
        request.query_params.get(param, "").strip()
    )


class CountSparingPaginator(Paginator):
    """Django's paginator, except that a first page holding fewer rows than a page can is the
    whole list: its length is the count, and no COUNT query is sent. Small lists and narrow
    filters (most calls) read one query fewer; a full first page is counted as before."""

    def page(self, number: Any) -> Page:
        if (
            str(number) != "1"
            or self.orphans
            or not self.allow_empty_first_page
            or "count" in self.__dict__
        ):
            return super().page(number)
        rows = self.object_list[: self.per_page]
        if isinstance(rows, QuerySet):
            rows = list(rows)
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # the cached_property's slot
        return self._get_page(rows, 1, self)  # type: ignore[attr-defined]


class ApiPagination(PageNumberPagination):
    django_paginator_class = CountSparingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return _positive_int(request, "page_size", MAX_PAGE_SIZE) or self.page_size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        page = _positive_int(request, "page", MAX_KEY)
        if page is not None and _searching(request, view):
            last = search_last_page(self.get_page_size(request))
            if page > last:
                raise exceptions.ValidationError({"page": [search_too_deep(last)]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {"page": MAX_KEY, "page_size": MAX_PAGE_SIZE}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in bounds:
                parameter["schema"] = integer_schema(1, bounds[parameter["name"]])
        return parameters


class NamedFilterBackend(DjangoFilterBackend):
    """django-filter, with only the filters the query names. A filter the query leaves out gets
    an empty value, which every filter here skips and none requires, so building, copying and
    validating it (a form field each, on every request) changes nothing; a query naming none
    skips the FilterSet. The schema and the browsable form still see the whole FilterSet."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = _named_filters(request, filterset_class)
        if not named:
            return queryset
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = _narrowed(filterset_class, named)(**kwargs)
        if not filterset.is_valid() and self.raise_exception:
            # Each message as the form formats it. django-filter's translate_validation applies
            # ``%`` to every message, params or not, so a value with a percent sign quoted in
            # its message (``?overdue=%``) crashed it.
            raise exceptions.ValidationError(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        return filterset.qs


def _named_filters(request: Request, filterset_class: Any) -> tuple[str, ...]:
    """The filters the query names, in the FilterSet's order (that of its error messages)."""
    filters = filterset_class.base_filters
    if any(f.extra.get("required") for f in filters.values()):
        return tuple(filters)  # an absent required filter is a 400, which only the form gives
    # A filter with several widgets reads name_suffix parameters (name_min, name_after, …).
    params = list(request.query_params)
    return tuple(
        name
        for name in filters
        if any(param == name or param.startswith(f"{name}_") for param in params)
    )


@functools.lru_cache(maxsize=512)
def _narrowed(filterset_class: Any, names: tuple[str, ...]) -> Any:
    if names == tuple(filterset_class.base_filters):
        return filterset_class
    narrowed: Any = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.base_filters = {name: filterset_class.base_filters[name] for name in names}
    return narrowed


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is an error, and the primary key breaks ties."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return list(self.get_default_ordering(view) or [])
        fields = [term.strip() for term in raw.split(",") if term.strip()]
        valid = {
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        }
        bad = [term for term in fields if term.lstrip("-") not in valid]
        if bad or not fields:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(b) for b in bad) or 'nothing'}; "
                        f"choose from {', '.join(sorted(valid))} (prefix - for descending)."
                    ]
                }
            )
        return fields

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = [*ordering, "pk"]
        return queryset.order_by(*ordering)


class StrictSearchFilter(SearchFilter):
    """DRF's search: every term must match one of the view's ``search_fields``; a term it
    refuses (a NUL character) is a 400 naming ``search``.

    A field across a to-many relation (a request's tracking numbers) is matched as "the keys of
    the rows whose related value matches", a subquery the database computes once, instead of
    DRF's join of the whole table to itself inside EXISTS: at 200,000 requests that join made a
    search take 1.2 s, the page alone 0.8 s. Nothing is repeated, so no DISTINCT is needed. On
    PostgreSQL each search field of the large tables has a trigram index (requests_app 0009,
    documents 0006-0007) that serves the substring match.

    Each term is matched on its own: "ALPHA BETA" finds a request with tracking numbers ALPHA-1
    and BETA-2 (DRF's single join would need both words in one tracking number). Search fields
    are model fields or lookups across relations, not annotations: the keys are read from the
    model's table, not from the view's queryset."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return list(super().get_search_terms(request))
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({self.search_param: exc.detail}) from exc

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        fields = self.get_search_fields(view, request)
        terms = self.get_search_terms(request)
        if not fields or not terms:
            return queryset
        model = queryset.model
        lookups = [self.construct_search(str(field), queryset) for field in fields]
        own = [lookup for lookup in lookups if not lookup_spawns_duplicates(model._meta, lookup)]
        across = [lookup for lookup in lookups if lookup not in own]
        rows = model._default_manager
        for term in terms:
            matches = Q()
            for lookup in own:
                matches |= Q(**{lookup: term})
            if not across:
                queryset = queryset.filter(matches)
                continue
            # The keys matching on the row's own fields, and those matching across each to-many
            # relation, as one UNION: an OR with a subquery in it would keep PostgreSQL from
            # combining the fields' trigram indexes.
            keys = [rows.filter(**{lookup: term}).values("pk") for lookup in across]
            if own:
                keys.insert(0, rows.filter(matches).values("pk"))
            queryset = queryset.filter(pk__in=keys[0].union(*keys[1:]))
        return queryset


#: A selector turning a page of the filtered, ordered queryset into its rows as plain data.
RowSelector = Callable[[QuerySet[Any]], list[dict[str, Any]]]


class PlainRows:
    """The filtered, ordered queryset as the paginator sees it (count it, slice it), where a slice
    comes back as the rows its selector builds: the same queries as for instances (the count,
    then the page and its related rows), without a model instance per row."""

    def __init__(self, queryset: QuerySet[Any], row_selector: RowSelector) -> None:
        self.queryset = queryset
        self.row_selector = row_selector
        self.ordered = queryset.ordered  # the paginator warns about unordered pages

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return self.row_selector(self.queryset[window])


class ListApiMixin(GenericAPIView):
    """Pagination, filters, search, ordering and streamed CSV for a list endpoint."""

    pagination_class = ApiPagination
    filter_backends = [NamedFilterBackend, StrictSearchFilter, StrictOrderingFilter]
    content_negotiation_class = StrictContentNegotiation
    #: Columns of the CSV export; the serializer's fields when empty.
    csv_columns: tuple[str, ...] = ()
    csv_filename = "export"
    #: Builds a page's rows without the serializer (see the module's docstring); each row must
    #: equal the serializer's representation of that object.
    row_selector: ClassVar[staticmethod[[QuerySet[Any]], list[dict[str, Any]]] | None] = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return self.list_csv()
        row_selector = type(self).row_selector
        if row_selector is not None:
            queryset = self.filter_queryset(self.get_queryset())
            return paged(self, PlainRows(queryset, row_selector))
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    def list_csv(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class: Any = self.get_serializer_class()
        context = self.get_serializer_context()
        columns = self.csv_columns or tuple(serializer_class().fields)

        def rows() -> Any:
            for item in queryset.iterator(chunk_size=CSV_CHUNK):
                yield serializer_class(item, context=context).data

        return csv_response(columns, rows(), self.csv_filename)


def paged(view: Any, rows: list[Any] | PlainRows) -> Response:
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(page)
