"""Dashboard pages over released documents: full-text search with filters and highlighted
snippets, and each document's metadata and text. Read-only; editing is in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.paging import search_last_page, search_too_deep
from dashboard.views import dashboard_page
from documents import originals, selectors
from documents.models import Document, Exemption, Release
from requests_app.models import Lawsuit, RecordsRequest

PAGE_SIZE = 25


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Words to find",
        required=False,
        max_length=500,
        help_text="Words, “quoted phrases”, -excluded words, or “or”.",
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "q-help"}),
    )
    lawsuit = forms.ModelChoiceField(
        queryset=Lawsuit.objects.order_by("caption"), required=False, empty_label="Any lawsuit"
    )
    request = forms.ModelChoiceField(
        label="Records request",
        queryset=RecordsRequest.objects.filter(documents__isnull=False)
        .distinct()
        .order_by("title"),
        required=False,
        empty_label="Any request",
    )
    release = forms.ModelChoiceField(
        label="Production",
        queryset=Release.objects.select_related("request__agency").order_by("-released_on"),
        required=False,
        empty_label="Any production",
    )
    sender = forms.CharField(label="From contains", required=False, max_length=200)
    date_from = forms.DateField(
        label="Dated from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    date_to = forms.DateField(
        label="Dated to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    exemption = forms.ChoiceField(label="Exemption applied", required=False)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=search_last_page(PAGE_SIZE),
        error_messages={"max_value": search_too_deep(search_last_page(PAGE_SIZE))},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One choice per code (the search matches the code in any jurisdiction), named by the
        # federal exemption where there is one: "b7C — ... (5 U.S.C. 552(b)(7)(C))".
        named: dict[str, str] = {}
        for e in Exemption.objects.select_related("jurisdiction").order_by("code", "pk"):
            if e.code not in named or e.jurisdiction.code == "US":
                named[e.code] = f"{e.code} — {e.meaning}"
        exemption = self.fields["exemption"]
        assert isinstance(exemption, forms.ChoiceField)
        exemption.choices = [("", "Any exemption"), *sorted(named.items())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "lawsuit_id": data["lawsuit"].pk if data.get("lawsuit") else None,
            "request_id": data["request"].pk if data.get("request") else None,
            "release_id": data["release"].pk if data.get("release") else None,
            "sender": data.get("sender") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "exemption": data.get("exemption") or "",
        }


@dashboard_page
def document_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits: list[selectors.SearchHit] = []
    searched = bool(request.GET)
    page, has_next = 1, False
    search_ends_here = ""  # the last page a search reaches, while more matches remain
    if searched and form.is_valid():
        page = form.cleaned_data.get("page") or 1
        hits = selectors.document_search(
            query=form.cleaned_data["q"],
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
            **form.filters(),
        )
        more = len(hits) > PAGE_SIZE
        has_next = more and page < search_last_page(PAGE_SIZE)
        if more and not has_next:
            search_ends_here = search_too_deep(page)
        hits = hits[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "hits": hits,
        "searched": searched,
        "page": page,
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "has_next": has_next,
        "search_ends_here": search_ends_here,
        "query_string": query.urlencode(),
        "nav": "documents",
        "document_count": Document.objects.count() if not searched else None,
    }
    return render(
        request,
        "dashboard/document_search.html",
        context,
        status=400 if searched and not form.is_valid() else 200,
    )


@dashboard_page
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.select_related(
            "release__lawsuit", "request__agency__parent", "parent"
        ).prefetch_related("exemptions", "attachments"),
        pk=pk,
    )
    q = request.GET.get("q", "").strip()[:500]
    return render(
        request,
        "dashboard/document.html",
        {
            "d": document,
            "q": q,
            "snippet": selectors.snippet_for(document, q) if q else "",
            "original": originals.original_description(document) if document.has_original else "",
            "nav": "documents",
        },
    )
