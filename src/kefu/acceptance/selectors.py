"""Reads for business acceptance: the orderable products, and the catalog as one line sees it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from kefu.acceptance.choices import AcceptanceAction
from kefu.customers.choices import ProductKind
from kefu.customers.eligibility import Line, Verdict, eligibility
from kefu.customers.models import Product, Subscriber
from kefu.ports.billing import get_billing


def products(*, kind: str | None = None) -> QuerySet[Product]:
    rows = Product.objects.all().order_by("kind", "code")
    return rows.filter(kind=kind) if kind else rows


def line_of(subscriber: Subscriber) -> Line:
    """The line as the eligibility rule sees it: network, brand, pay method (its account's) and the
    products it holds (billing says which, the catalog their rules)."""
    codes = [row.product_code for row in get_billing().subscriptions(subscriber.number, active_only=True)]
    held = Product.objects.filter(code__in=codes) if codes else []
    return Line.of(subscriber, pay_method=subscriber.account.pay_method, held=held)


@dataclass(frozen=True)
class LineProduct:
    """One product of the catalog for one line: how it would be accepted (an order, or for a plan
    when the line has one, a change replacing the current plan) and whether the line may have it."""

    product: Product
    action: str
    replaces: str | None
    verdict: Verdict


def line_products(*, line: Line, kind: str | None = None) -> list[LineProduct]:
    """Every product (of ``kind``) with its verdict for ``line``, eligible ones first; one query.
    The same rule refuses the acceptance (``services.require_eligible``)."""
    rows = list(products(kind=kind))
    names = {p.code: p.name for p in rows}
    if any(code not in names for p in rows for code in p.requires or ()):
        names = dict(Product.objects.values_list("code", "name"))
    plan = line.plan
    listed = []
    for product in rows:
        replaces = plan.code if plan is not None and product.kind == ProductKind.PLAN else None
        listed.append(
            LineProduct(
                product=product,
                action=AcceptanceAction.CHANGE if replaces else AcceptanceAction.ORDER,
                replaces=replaces,
                verdict=eligibility(product, line, replaces=replaces, names=names),
            )
        )
    return sorted(listed, key=lambda row: not row.verdict.eligible)
