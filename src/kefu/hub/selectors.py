"""Reads of the hub's order copies (the hub operator's desk and API)."""

from __future__ import annotations

from kefu.core import scope
from kefu.core.errors import NotFoundError
from kefu.hub.models import HubOrder


def order_list(*, user, state: str = "", target: str = "", origin: str = "", number: str = "",
               before: int | None = None, limit: int = 100):  # fmt: skip
    """Newest first, keyset on id (``before``), filtered by state(s), target, origin and number."""
    rows = scope.restrict(HubOrder.objects.all(), user)
    if state:
        rows = rows.filter(state__in=[s for s in state.split(",") if s])
    if target:
        rows = rows.filter(target=target)
    if origin:
        rows = rows.filter(origin=origin)
    if number:
        rows = rows.filter(number=number.strip().upper())
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


def parties(*, user) -> tuple[list[str], list[str]]:
    """The handling parties and the origin provinces the operator's orders have (the list's filters)."""
    rows = scope.restrict(HubOrder.objects.all(), user)
    targets = rows.exclude(target="").values_list("target", flat=True).distinct().order_by("target")
    origins = rows.values_list("origin", flat=True).distinct().order_by("origin")
    return list(targets), list(origins)
