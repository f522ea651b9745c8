"""Reads for business acceptance: the orderable products."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.customers.models import Product


def products(*, kind: str | None = None) -> QuerySet[Product]:
    rows = Product.objects.all().order_by("kind", "code")
    return rows.filter(kind=kind) if kind else rows
