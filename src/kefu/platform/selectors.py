"""Reads of the platform's complaint orders (its desk and API), always inside the reader's scope."""

from __future__ import annotations

from django.db.models import Count

from kefu.core import scope
from kefu.crosslevel.selectors import copy_page
from kefu.platform.models import PlatformOrder


def order_list(*, user, state: str = "", business: str = "", number: str = "", before: int | None = None,
               limit: int = 100) -> list[PlatformOrder]:  # fmt: skip
    """Newest first, keyset on id (``before``), filtered by state(s), business and number."""
    return copy_page(PlatformOrder, user=user, state=state, before=before, limit=limit, business=business,
                     number=number)  # fmt: skip


def counts(*, user) -> dict[str, int]:
    """Orders per state (the list's filter shows them)."""
    rows = scope.restrict(PlatformOrder.objects.all(), user).values("state").annotate(n=Count("id"))
    return {r["state"]: r["n"] for r in rows}
