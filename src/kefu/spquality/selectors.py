"""Reads of SP-2: the hub's view of who reported (late and missing provinces flagged), the national
figures, and the province's own files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from kefu.federation import peers
from kefu.spquality import services
from kefu.spquality.models import HubFile


@dataclass(frozen=True)
class ProvinceStatus:
    province: str
    status: str  # on_time | late | pending | missing
    received_at: object = None
    rows: int = 0

    @property
    def flagged(self) -> bool:
        return self.status in ("late", "missing")


def hub_report_status(month: date | None = None, *, today: date | None = None) -> dict:
    """For ``month`` (default: last month): every province peer's status and the due date."""
    today = today or timezone.localdate()
    month = month or services.previous_month(today)
    due = services.due_date(month)
    files = {f.province: f for f in HubFile.objects.filter(month=month, current=True)}
    expected = sorted({p.code for p in peers.of_role("province")} | set(files))
    rows = []
    for code in expected:
        file = files.get(code)
        if file is not None:
            rows.append(ProvinceStatus(code, "late" if file.late else "on_time", file.received_at, file.rows))
        else:
            rows.append(ProvinceStatus(code, "missing" if today > due else "pending"))
    return {"month": month, "due": due, "provinces": rows, "flagged": sum(r.flagged for r in rows)}
