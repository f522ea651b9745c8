"""Reads for the SP desk: orders, points, duty profiles — always inside the reader's scope (an SP's
staff see their own SP only)."""

from __future__ import annotations

from kefu.core import scope
from kefu.crosslevel.selectors import copy_page
from kefu.sims.models import SpContactChange, SpOrder, SpOrganisation, SpPointEntry


def order_list(*, user, state: str = "", number: str = "", before: int | None = None,
               limit: int = 100) -> list[SpOrder]:  # fmt: skip
    """Newest first, keyset on id (``before``), filtered by state(s) and number."""
    return copy_page(SpOrder, user=user, state=state, before=before, limit=limit, number=number)


def sp_list(*, user):
    return scope.restrict(SpOrganisation.objects.all(), user)


def points_history(*, user, sp_code: str = "", limit: int = 200):
    rows = scope.restrict(SpPointEntry.objects.all(), user)
    if sp_code:
        rows = rows.filter(sp_code=sp_code)
    return list(rows.order_by("-at", "-id")[:limit])


def contact_history(*, user, sp: SpOrganisation):
    return scope.restrict(SpContactChange.objects.filter(sp=sp), user)


def sp_names(codes) -> dict[str, str]:
    """The names of the SPs with these codes (reference data on the pages: codes shown as names)."""
    return dict(SpOrganisation.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
