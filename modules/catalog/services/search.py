"""Searching a vendor's products: PostgreSQL full-text search, a simple fallback elsewhere.

On PostgreSQL the query runs against ``Product.search`` (a tsvector a trigger keeps; GIN index)
as a web-style query (quoted phrases, ``or``, ``-word``), each word also matched as a prefix
so a shopper typing "mu" finds "Mug"; results are ranked, title and SKU above description. On
SQLite (development) every word must appear in the title, SKU or description (icontains).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

from modules.catalog.models import Product

MAX_QUERY = 200
WORD = re.compile(r"[\w-]+", re.UNICODE)


def search_products(products: QuerySet[Product], query: str) -> QuerySet[Product]:
    """``products`` matching ``query``, best matches first; all of them for a blank query."""
    query = (query or "").strip()[:MAX_QUERY]
    words = WORD.findall(query)
    if not words:
        return products
    if connection.vendor == "postgresql":
        terms = [word.strip("-_") for word in words]
        prefix = " & ".join(f"{term}:*" for term in terms if term)
        ts_query = SearchQuery(query, search_type="websearch", config="simple")
        if prefix:
            ts_query |= SearchQuery(prefix, search_type="raw", config="simple")
        return (
            products.filter(search=ts_query)
            .annotate(rank=SearchRank(F("search"), ts_query))
            .order_by("-rank", "title", "pk")
        )
    for word in words:
        products = products.filter(
            Q(title__icontains=word) | Q(sku__icontains=word) | Q(description__icontains=word)
        )
    return products
