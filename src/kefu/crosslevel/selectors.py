"""Reads the desks of order copies share (the second lines' desks; the hub keeps its own with more
filters): always inside the reader's scope (:mod:`kefu.core.scope`). An SP reads only its own part of
an order's history (:func:`copy_events`, :func:`hub_answer_for`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from kefu.core import scope
from kefu.core.choices import ScopeKind
from kefu.crosslevel import messages
from kefu.crosslevel.copies import Copy, OrderCopy, OrderCopyEvent

Row = TypeVar("Row")


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


def sp_part(rows: Iterable[Row], *, sp_code: str, action: Callable[[Row], str],
            sp_of: Callable[[Row], str]) -> list[Row]:  # fmt: skip
    """The rows (events, oldest first) that belong to ``sp_code``'s part of an order: from each dispatch
    to that SP until the order is dispatched to another one. A dispatch names its SP (``sp_of``); one
    that names none keeps the SP it had, as SIMS's copy does. What happened before the order reached
    this SP — a dispatch to a wrong SP and its return — is not this SP's to read."""
    visible, current = [], ""
    for row in rows:
        if action(row) == messages.DISPATCH:
            current = (sp_of(row) or current).upper()
        if current and current == sp_code:
            visible.append(row)
    return visible


def _sp_code_of(user) -> str:
    reader = scope.scope_of(user)
    return reader.sp_code if reader.kind == ScopeKind.SP else ""


def copy_events(order: OrderCopy, *, user) -> list[OrderCopyEvent]:
    """``order``'s events ``user`` may read, oldest first: all of them, but for an SP's staff only the
    SP's own part (:func:`sp_part`)."""
    events = list(order.events.order_by("seq"))
    sp_code = _sp_code_of(user)
    if not sp_code:
        return events
    return sp_part(events, sp_code=sp_code, action=lambda e: e.action,
                   sp_of=lambda e: (e.data or {}).get("sp_code", ""))  # fmt: skip


def return_reason_shown(order: OrderCopy, events: list[OrderCopyEvent]) -> str:
    """The copy's return reason when a return is among the events the reader may read; "" otherwise
    (the reason another SP's return gave is not this SP's to read)."""
    return order.return_reason if any(e.action == messages.RETURN for e in events) else ""


def hub_answer_for(answer: dict, *, user) -> dict:
    """The hub's answer to a query (protocol §6.2), as ``user`` may read it: an SP's staff see the
    events of their own part only, and a return reason only when a return is in that part."""
    sp_code = _sp_code_of(user)
    if not sp_code:
        return answer
    rows = sp_part(answer.get("events") or [], sp_code=sp_code, action=lambda r: r.get("action", ""),
                   sp_of=lambda r: r.get("sp_code", ""))  # fmt: skip
    shown = answer | {"events": rows}
    if not any(r.get("action") == messages.RETURN for r in rows):
        shown["return_reason"] = ""
    return shown


def copy_counts(model: type[OrderCopy], *, user) -> dict[str, int]:
    """``model``'s copies in ``user``'s scope, counted per state (a desk's home and list filter)."""
    from django.db.models import Count

    rows = scope.restrict(model.objects.all(), user).values("state").annotate(n=Count("id"))
    return {r["state"]: r["n"] for r in rows}


def copies_due(model: type[Copy], *, user, due: str, states, limit: int = 20) -> list[Copy]:
    """``user``'s copies in ``states`` that have a deadline (the field ``due``), the nearest first —
    overdue ones at the top (a desk's home colours their time left)."""
    rows = scope.restrict(model.objects.filter(state__in=list(states), **{f"{due}__isnull": False}), user)
    return list(rows.order_by(due, "id")[:limit])


def copies_recent(model: type[Copy], *, user, limit: int = 10) -> list[Copy]:
    """``user``'s copies most recently changed."""
    return list(scope.restrict(model.objects.all(), user).order_by("-updated_at", "-id")[:limit])
