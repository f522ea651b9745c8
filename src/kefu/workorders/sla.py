"""The SLA sweep (WO-5, TIER-1): flag orders close to and past their deadline, urge automatically
and escalate to the supervisor.

Run periodically (Celery beat, ``workorders.sla_sweep`` every minute — in production and in the
embedded default alike — or ``kefu wo_sweep`` by hand). It is idempotent and safe on several workers
at once: every write claims its flag (``warned_at``, ``step_overdue_at``, ``overdue_at``) with a
conditional UPDATE, so only one worker acts on an order, and a second run finds nothing to do.
Orders whose clock is paused are left alone.

The same pass resumes the lines whose suspension period has ended (WO-9,
``services.order_line_resume``): once per order (``resumed_at``), a billing refusal recorded and
retried at the next pass.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kefu.workorders import services
from kefu.workorders.choices import WorkOrderState
from kefu.workorders.models import WorkOrder

logger = logging.getLogger("kefu.workorders.sla")


def warn_window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_WORKORDER_WARN_MINUTES", 120)))


@dataclass
class SweepResult:
    warned: int = 0
    step_overdue: int = 0
    overdue: int = 0
    resumed: int = 0
    resume_refused: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _run(ids, write, now, result: SweepResult, field: str) -> None:
    for order_id in ids:
        try:
            if write(order_id=order_id, now=now):
                setattr(result, field, getattr(result, field) + 1)
        except Exception:  # one broken order must not stop the sweep of the others
            logger.exception("sla sweep failed", extra={"order_id": order_id, "step": field})
            result.failed += 1


def sla_sweep(*, now: datetime | None = None, batch: int = 1000) -> SweepResult:
    """One pass: past the order deadline → flag, urge, escalate; past a step deadline → urge;
    close to the order deadline → warn. Each at most ``batch`` orders per pass, oldest first."""
    now = now or timezone.now()
    result = SweepResult()
    live = WorkOrder.objects.filter(state__in=WorkOrderState.OPEN, paused_at__isnull=True)
    overdue = live.filter(overdue_at__isnull=True, order_due_at__lte=now).order_by("order_due_at")
    _run(
        list(overdue.values_list("id", flat=True)[:batch]), services.order_sla_overdue, now, result, "overdue"
    )
    steps = live.filter(step_overdue_at__isnull=True, step_due_at__lte=now).order_by("step_due_at")
    _run(
        list(steps.values_list("id", flat=True)[:batch]),
        services.order_sla_step_overdue,
        now,
        result,
        "step_overdue",
    )
    near = live.filter(
        warned_at__isnull=True, overdue_at__isnull=True, order_due_at__lte=now + warn_window()
    ).order_by("order_due_at")
    _run(list(near.values_list("id", flat=True)[:batch]), services.order_sla_warn, now, result, "warned")
    _resume_lines(now, result, batch)
    return result


def _resume_lines(now: datetime, result: SweepResult, batch: int) -> None:
    """WO-9: resume the lines whose suspension period has ended, oldest period first."""
    ended = services.suspensions_ended(timezone.localdate(now)).order_by("period_end", "id")
    for order_id in list(ended.values_list("order_id", flat=True)[:batch]):
        try:
            outcome = services.order_line_resume(order_id=order_id, now=now)
        except Exception:  # one broken order must not stop the sweep of the others
            logger.exception("line resume failed", extra={"order_id": order_id})
            result.failed += 1
            continue
        if outcome == "resumed":
            result.resumed += 1
        elif outcome == "refused":
            result.resume_refused += 1
