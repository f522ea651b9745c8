"""Reads for the SP desk: orders, points, duty profiles — always inside the reader's scope (an SP's
staff see their own SP only)."""

from __future__ import annotations

from kefu.core import scope
from kefu.crosslevel.selectors import copy_page
from kefu.sims.models import SpContactChange, SpOrder, SpOrganisation, SpPointEntry


def order_list(*, user, state: str = "", before: int | None = None, limit: int = 100) -> list[SpOrder]:
    """Newest first, keyset on id (``before``), filtered by state(s)."""
    return copy_page(SpOrder, user=user, state=state, before=before, limit=limit)


def sp_list(*, user):
    return scope.restrict(SpOrganisation.objects.all(), user)


def points_history(*, user, sp_code: str = "", limit: int = 200):
    rows = scope.restrict(SpPointEntry.objects.all(), user)
    if sp_code:
        rows = rows.filter(sp_code=sp_code)
    return list(rows.order_by("-at", "-id")[:limit])


def contact_history(*, user, sp: SpOrganisation):
    return scope.restrict(SpContactChange.objects.filter(sp=sp), user)
