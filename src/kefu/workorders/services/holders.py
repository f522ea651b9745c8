"""Holders (WO-2): who holds an order and who is on the other side, in the text form the API and
the flows use (``department:<code>``, ``group:<code>``, ``staff:<job number>``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.core import compiled
from kefu.core.choices import DepartmentKind
from kefu.core.models import AgentGroup, Department, Staff
from kefu.workorders.choices import HolderKind
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import WorkOrder


@dataclass(frozen=True)
class Holder:
    """Who holds (or is to hold) an order: exactly one of group, department or staff is set."""

    kind: str
    group: AgentGroup | None = None
    department: Department | None = None
    staff: Staff | None = None

    @classmethod
    def of_department(cls, department: Department) -> Holder:
        kind = HolderKind.CITY_TEAM if department.kind == DepartmentKind.CITY_TEAM else HolderKind.DEPARTMENT
        return cls(kind=kind, department=department)

    @property
    def ref(self) -> str:
        """Stable text form: ``department:CITY-3201``, ``group:GRP-3201``, ``staff:JS0001``."""
        if self.kind == HolderKind.PERSON:
            return f"staff:{self.staff.job_number}" if self.staff else ""
        if self.kind == HolderKind.GROUP:
            return f"group:{self.group.code}" if self.group else ""
        return f"department:{self.department.code}" if self.department else ""


NOBODY = Holder(kind="")


def holder_of(order: WorkOrder) -> Holder:
    return Holder(order.holder_kind, order.holder_group, order.holder_department, order.holder_staff)


def peer_of(order: WorkOrder) -> Holder:
    return Holder(order.peer_kind, order.peer_group, order.peer_department, order.peer_staff)


def set_holder(order: WorkOrder, holder: Holder) -> None:
    order.holder_kind = holder.kind
    order.holder_group = holder.group
    order.holder_department = holder.department
    order.holder_staff = holder.staff


def set_peer(order: WorkOrder, holder: Holder) -> None:
    order.peer_kind = holder.kind
    order.peer_group = holder.group
    order.peer_department = holder.department
    order.peer_staff = holder.staff


def swap(order: WorkOrder) -> None:
    """Send the order to the other side (reply, return, reprocess); with no other side it stays."""
    holder, peer = holder_of(order), peer_of(order)
    if not peer.kind:
        return
    set_holder(order, peer)
    set_peer(order, holder)


def holder_parse(ref: str) -> Holder:
    """``department:<code>`` | ``group:<code>`` | ``staff:<job number>`` → :class:`Holder`."""
    kind, _sep, code = (ref or "").partition(":")
    found: Holder | None = None
    if kind == "department":
        department = Department.objects.filter(code=code, active=True).first()
        found = Holder.of_department(department) if department else None
    elif kind == "group":
        group = AgentGroup.objects.filter(code=code).first()
        found = Holder(HolderKind.GROUP, group=group) if group else None
    elif kind == "staff":
        staff = Staff.objects.filter(job_number=code, is_active=True).first()
        found = Holder(HolderKind.PERSON, staff=staff) if staff else None
    if found is None:
        raise WorkOrderError(_("未知的持有方：%(r)s") % {"r": ref}, code=WorkOrderErrorCode.UNKNOWN_HOLDER)
    return found


_CITY_TEAM = compiled.CompiledQuery(
    lambda city: Department.objects.filter(active=True, kind=DepartmentKind.CITY_TEAM, city_id=city).order_by(
        "pk"
    )[:1]
)
_CENTRE = compiled.CompiledQuery(
    lambda province: Department.objects.filter(
        active=True, kind=DepartmentKind.CENTRE, province_id=province
    ).order_by("pk")[:1]
)


def holder_from_spec(spec: str, *, order: WorkOrder) -> Holder | None:
    """Resolve a flow's holder spec for ``order``; None for ``person``/``account_manager``."""
    if spec in ("person", "account_manager"):
        return None
    if spec.startswith(("department:", "group:")):
        return holder_parse(spec)
    found = None
    if spec == "city_team" and order.city_id is not None:
        found = _CITY_TEAM.first(order.city_id)
    if found is None:  # the centre, or the centre keeps an order without a city team
        found = _CENTRE.first(order.province_id)
    if found is None:
        raise WorkOrderError(_("未知的持有方：%(r)s") % {"r": spec}, code=WorkOrderErrorCode.UNKNOWN_HOLDER)
    return Holder.of_department(found)


def notify_channel(holder: Holder) -> str:
    """Bus channel of a holder: a person's desktop, else the group's or department's order queue."""
    if holder.kind == HolderKind.PERSON:
        return f"agent:{holder.staff.job_number}"
    return f"workorders:{holder.ref}"
