"""Q-3: the progress of a subscriber's orders — business acceptances (kefu.acceptance) and work orders
(kefu.workorders: complaints, suggestions, fault repairs).
Both apps are installed on every node (docs/architecture.md, "Roles and installed apps").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.acceptance.models import Acceptance
from kefu.queries.choices import OrderKind
from kefu.workorders.models import WorkOrder

LIMIT = 50


@dataclass(frozen=True)
class OrderProgress:
    kind: str  # OrderKind
    kind_display: str
    type: str  # e.g. complaint / fault_report / order / change / cancel
    type_display: str
    number: str
    title: str
    state: str
    state_display: str
    created_at: datetime
    closed_at: datetime | None
    repair_status: str = ""  # fault reports: how far the repair is (WO-8)
    repair_status_display: str = ""


def _acceptances(subscriber) -> list[OrderProgress]:
    rows = Acceptance.objects.filter(subscriber=subscriber).select_related("product").order_by("-id")[:LIMIT]
    return [
        OrderProgress(
            kind=OrderKind.BUSINESS_ACCEPTANCE,
            kind_display=str(OrderKind.label(OrderKind.BUSINESS_ACCEPTANCE)),
            type=a.action,
            type_display=a.get_action_display(),
            number=a.order_number,
            title=a.product.name,
            state=a.state,
            state_display=a.get_state_display(),
            created_at=a.created_at,
            closed_at=a.created_at,
        )
        for a in rows
    ]


def _work_orders(subscriber) -> list[OrderProgress]:
    """Work orders of the subscriber (complaints, suggestions, fault repairs, with the repair's
    progress)."""
    rows = WorkOrder.objects.filter(subscriber=subscriber).order_by("-id")[:LIMIT]
    return [
        OrderProgress(
            kind=OrderKind.WORK_ORDER,
            kind_display=str(OrderKind.label(OrderKind.WORK_ORDER)),
            type=w.kind,
            type_display=w.get_kind_display(),
            number=w.number,
            title=w.title,
            state=w.state,
            state_display=w.get_state_display(),
            created_at=w.accepted_at,
            closed_at=w.closed_at,
            repair_status=w.repair_status,
            repair_status_display=w.get_repair_status_display() if w.repair_status else "",
        )
        for w in rows
    ]


def order_progress(subscriber) -> list[OrderProgress]:
    """All orders of the subscriber, newest first."""
    rows = _acceptances(subscriber) + _work_orders(subscriber)
    return sorted(rows, key=lambda r: r.created_at, reverse=True)[:LIMIT]
