"""The order's row as an action reads and writes it: one locked read, and an UPDATE of only the
columns the action changed — both compiled once per connection (``kefu.core.compiled``; the
figures are in docs/benchmarks.md)."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext as _

from kefu.core import compiled
from kefu.core.errors import NotFoundError
from kefu.workorders import flows
from kefu.workorders.models import WorkOrder

# Groups and staff holders load lazily (a null FK costs no query); departments are the usual case.
LOCKED_READ = compiled.CompiledQuery(
    lambda number: (
        WorkOrder.objects.select_for_update(of=("self",), no_key=True)
        .select_related("holder_department", "peer_department")
        .filter(number=number)
    )
)


def lock(order: WorkOrder | str) -> WorkOrder:
    """The order (or the order of that number) read again under a row lock, with its flow version."""
    # Race: two members of staff act on the same order at once; the row lock serialises them so
    # each sees the state the other left (FOR NO KEY UPDATE: event inserts referencing it still go).
    number = order if isinstance(order, str) else order.number
    found = LOCKED_READ.fetch(number)
    if not found:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    locked = found[0]
    locked.flow = flows.flow_version(locked.flow_id)
    locked._loaded = {name: getattr(locked, name) for name in _columns()}
    return locked


@cache
def _columns() -> tuple[str, ...]:
    return tuple(f.attname for f in WorkOrder._meta.concrete_fields if not f.primary_key)


def save(order: WorkOrder) -> None:
    """Write the columns an action changed (the order was read by :func:`lock`): a narrower UPDATE
    is cheaper to build and to run than the whole row of some sixty columns."""
    loaded = getattr(order, "_loaded", None)
    if loaded is None:
        order.save()
        return
    changed = [name for name in _columns() if getattr(order, name) != loaded[name] or name == "updated_at"]
    compiled.update(order, changed)
    order._loaded = {name: getattr(order, name) for name in _columns()}
