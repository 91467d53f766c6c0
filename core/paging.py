"""How deep a search may be paged, for every door that pages through search results (the
dashboard's document search, the API's lists with ``?search=``).

Paging by OFFSET makes the database find, rank and throw away every match before the page: page
2,000 of a common word read 50,000 ranked documents for 25 (42 s, until the web worker was
killed). Nobody reads that deep; a search that needs to is refined instead.
"""

from __future__ import annotations

#: The deepest match a search pages to: pages stop at the one holding it.
SEARCH_MAX_RESULTS = 1000


def search_last_page(page_size: int) -> int:
    """The last page of ``page_size`` results a search may ask for."""
    return max(1, SEARCH_MAX_RESULTS // page_size)


def search_too_deep(last_page: int) -> str:
    """The sentence for a page past ``last_page``."""
    return (
        f"Search results stop at page {last_page} (the first {SEARCH_MAX_RESULTS:,} matches): "
        "refine your search, with more words, a date range or a filter, to reach the others."
    )
