"""Housekeeping of the transactional outbox (``OutboxMessage``).

Every work-order action writes an outbox row, federation messages and TMF notifications are outbox
rows too; without housekeeping the table only grows (a province at 100,000 orders a day adds some
600,000 rows a day). A row may go once it has done its work and is older than
``KEFU_OUTBOX_RETENTION_DAYS`` (default 30):

* a **delivered** row (federation message acknowledged by its peer, work-order event relayed,
  TMF notification accepted by its listener) — ``delivered_at`` older than the retention;
* a **work-order event nobody delivers** (a province without peers never relays them) —
  ``created_at`` older than the retention;

and never while a reader still needs it: each reader of the outbox registers a *hold* with
:func:`register_hold` — for a topic prefix, the smallest id it has not consumed yet (the TMF listeners'
cursors, the relay's first pending row); rows from that id on stay. Dead letters stay until an
operator replays or looks at them; undelivered federation messages stay (they are being retried).

The per-order sequence state of the federation lives in its own table, not in these rows, and
inbox rows (the receivers' de-duplication) are not touched here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.core import audit
from kefu.core.models import OutboxMessage

WORK_ORDER_EVENTS = "workorder."

# topic prefix -> first outbox id a reader still needs (None: it needs nothing now)
Hold = Callable[[], dict[str, int | None]]
_holds: list[Hold] = []


def register_hold(hold: Hold) -> Hold:
    """Register a reader's hold (called from an app's ``ready()``); returns it, usable as a decorator."""
    if hold not in _holds:
        _holds.append(hold)
    return hold


@dataclass
class PurgeReport:
    cutoff: datetime
    deleted: int
    held: dict[str, int]  # topic prefix -> first id kept for a reader

    def as_dict(self) -> dict:
        return {
            "cutoff": self.cutoff.isoformat(),
            "deleted": self.deleted,
            "held": [f"{prefix}* from id {first}" for prefix, first in sorted(self.held.items())],
        }


def retention_days() -> int:
    return int(getattr(settings, "KEFU_OUTBOX_RETENTION_DAYS", 30))


def _held() -> dict[str, int]:
    firsts: dict[str, int] = {}
    for hold in _holds:
        for prefix, first in hold().items():
            if first is not None:
                firsts[prefix] = min(first, firsts.get(prefix, first))
    return firsts


def _purgeable(cutoff: datetime, held: dict[str, int]):
    rows = OutboxMessage.objects.filter(dead=False).filter(
        Q(delivered_at__lt=cutoff)
        | Q(delivered_at__isnull=True, created_at__lt=cutoff, topic__startswith=WORK_ORDER_EVENTS)
    )
    for prefix, first in held.items():
        rows = rows.exclude(topic__startswith=prefix, id__gte=first)
    return rows


def outbox_purge(
    *, days: int | None = None, now: datetime | None = None, batch: int = 5000, dry_run: bool = False
) -> PurgeReport:
    """Delete the outbox rows that have done their work (see the module), ``batch`` rows per
    transaction so no lock is held long; idempotent, safe beside delivery (a row a reader still
    needs is never a candidate). ``dry_run`` only counts. Audited when it deletes anything."""
    days = retention_days() if days is None else days
    if days < 1:
        raise ValueError("the outbox retention must be at least one day")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    held = _held()
    if dry_run:
        return PurgeReport(cutoff=cutoff, deleted=_purgeable(cutoff, held).count(), held=held)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(_purgeable(cutoff, held).order_by("id").values_list("id", flat=True)[:batch])
            if ids:
                OutboxMessage.objects.filter(id__in=ids).delete()
        deleted += len(ids)
        if len(ids) < batch:
            break
    report = PurgeReport(cutoff=cutoff, deleted=deleted, held=held)
    if deleted:
        audit.record(
            actor=None, action="outbox.purge", object_type="core.outboxmessage", changes=report.as_dict()
        )
    return report
