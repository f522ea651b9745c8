"""Reads of the hub's order copies (the hub operator's desk and API)."""

from __future__ import annotations

from kefu.core import scope
from kefu.core.errors import NotFoundError
from kefu.hub.models import HubOrder


def order_list(*, user, state: str = "", target: str = "", origin: str = "", before: int | None = None,
               limit: int = 100):  # fmt: skip
    """Newest first, keyset on id (``before``), filtered by state(s), target and origin."""
    rows = scope.restrict(HubOrder.objects.all(), user)
    if state:
        rows = rows.filter(state__in=[s for s in state.split(",") if s])
    if target:
        rows = rows.filter(target=target)
    if origin:
        rows = rows.filter(origin=origin)
    if before:
        rows = rows.filter(id__lt=before)
    return list(rows.order_by("-id")[:limit])


def order_detail(*, user, number: str) -> HubOrder:
    order = scope.restrict(HubOrder.objects.filter(number=number), user).first()
    if order is None:
        raise NotFoundError(f"No hub order {number}.")
    return order


def counts(*, user) -> dict[str, int]:
    from django.db.models import Count

    rows = scope.restrict(HubOrder.objects.all(), user).values("state").annotate(n=Count("id"))
    return {r["state"]: r["n"] for r in rows}
