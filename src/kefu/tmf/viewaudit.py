"""SYS-2 for the TMF reads that show a named person's data (TMF629 Customer, TMF683 PartyInteraction):
one audit row per request — the resources shown, the subject asked about, the attributes returned —
committed before the response is built (``core.audit.record_view``; 503 if it cannot be written)."""

from __future__ import annotations

from kefu.core import audit


class Shown:
    """Wraps a resource renderer and remembers the ids of the objects it rendered."""

    def __init__(self, render):
        self._render = render
        self.ids: list[int] = []

    def __call__(self, obj) -> dict:
        self.ids.append(obj.pk)
        return self._render(obj)


def _sections(request) -> list[str]:
    fields = request.query_params.get("fields")
    return sorted({f.strip() for f in fields.split(",") if f.strip()}) if fields else ["all"]


def audit_list(request, *, object_type: str, subject: str, shown: Shown) -> None:
    """One row for one page of a list: the subject filtered on (a number, a customer) and the ids shown."""
    audit.record_view(
        actor=request.user,
        object_type=object_type,
        object_id=subject,
        sections=_sections(request),
        details={"ids": shown.ids},
    )


def audit_one(request, *, object_type: str, obj) -> None:
    """One row for one resource read."""
    audit.record_view(
        actor=request.user,
        obj=obj,
        object_type=object_type,
        object_id=str(obj.pk),
        sections=_sections(request),
    )
