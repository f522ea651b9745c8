"""Reads the desks of order copies share (the second lines' desks; the hub keeps its own with more
filters): always inside the reader's scope (:mod:`kefu.core.scope`)."""

from __future__ import annotations

from kefu.core import scope
from kefu.crosslevel.copies import Copy


def copy_page(model: type[Copy], *, user, state: str = "", before: int | None = None, limit: int = 100,
              **equal: str) -> list[Copy]:  # fmt: skip
    """One page of ``model``'s copies in ``user``'s scope, newest first, keyset on id (``before``);
    ``state`` may name several states (comma-separated); each non-empty ``equal`` field must match."""
    rows = scope.restrict(model.objects.all(), user)
    if state:
        rows = rows.filter(state__in=[s for s in state.split(",") if s])
    if filters := {field: value for field, value in equal.items() if value}:
        rows = rows.filter(**filters)
    if before:
        rows = rows.filter(id__lt=before)
    return list(rows.order_by("-id")[:limit])
