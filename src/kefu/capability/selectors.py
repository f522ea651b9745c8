"""Reads of the capability app: the catalog the province's dynamic form is built from (CAP-3)."""

from __future__ import annotations

from kefu.capability import definitions as defs


def capability_catalog() -> list[dict]:
    """Businesses open for capability queries (the catalog's ``capability_queries`` flag, online),
    each with its query types and their conditions and result columns."""
    from kefu.catalog.models import Business

    open_codes = dict(
        Business.objects.filter(capability_queries=True, status="online").values_list("code", "name")
    )
    return [
        {"code": b.code, "name": open_codes[b.code], "queries": [q.as_dict() for q in b.queries]}
        for b in defs.BUSINESSES
        if b.code in open_codes
    ]
