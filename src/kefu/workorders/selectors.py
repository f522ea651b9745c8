"""Reads on work orders: the back-office list with its filters (WO-6, Q-3), one order with its
history, the actions a user may take now, and the OA export (WO-10).

Every selector takes the reading ``user`` and passes :func:`kefu.core.scope.restrict`.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.errors import DomainError, NotFoundError
from kefu.workorders import flows, transitions
from kefu.workorders.choices import Action, WorkOrderState
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import Attachment, FlowDefinition, WorkOrder, WorkOrderEvent

LIST_RELATED = (
    "province",
    "city",
    "business",
    "category__version",
    "holder_department",
    "holder_group",
    "holder_staff",
)


def _truthy(value) -> bool | None:
    if value in (None, ""):
        return None
    return str(value).lower() in ("1", "true", "yes", "on")


def order_list(
    *,
    user,
    state: str | list[str] = "",
    overdue=None,
    level: str = "",
    business: str = "",
    category: str = "",
    city: str = "",
    holder: str = "",
    kind: str = "",
    subscriber: str = "",
    flow: str = "",
    open_only=None,
) -> QuerySet[WorkOrder]:
    """Orders ``user`` may see, newest first, filtered:

    ``state`` (one or a comma list), ``overdue`` (true: flagged by the sweep or past the order
    deadline; false: neither), ``level`` (customer level), ``business`` (code), ``category`` (node
    code, matching every version), ``city`` (code), ``holder`` (``department:<code>``,
    ``group:<code>``, ``staff:<job number>`` or ``me``), ``kind``, ``subscriber`` (number),
    ``flow`` (code), ``open_only``. Two queries with its related rows: this one and nothing else.
    """
    queryset = scope.restrict(WorkOrder.objects.all(), user).select_related(*LIST_RELATED)
    states = [s for s in (state.split(",") if isinstance(state, str) else state) if s]
    if states:
        queryset = queryset.filter(state__in=states) if len(states) > 1 else queryset.filter(state=states[0])
    if _truthy(open_only):
        queryset = queryset.filter(state__in=WorkOrderState.OPEN)
    flag = _truthy(overdue)
    if flag is not None:
        late = Q(overdue_at__isnull=False) | Q(
            state__in=WorkOrderState.OPEN, order_due_at__lt=timezone.now(), paused_at__isnull=True
        )
        queryset = queryset.filter(late) if flag else queryset.exclude(late)
    if level:
        queryset = queryset.filter(customer_level=level)
    if business:
        queryset = queryset.filter(business__code=business)
    if category:
        queryset = queryset.filter(category__code=category)
    if city:
        queryset = queryset.filter(city__code=city)
    if kind:
        queryset = queryset.filter(kind=kind)
    if subscriber:
        queryset = queryset.filter(subscriber__number=subscriber)
    if flow:
        queryset = queryset.filter(flow__code=flow)
    if holder:
        queryset = queryset.filter(_holder_condition(holder, user))
    return queryset


def _holder_condition(holder: str, user) -> Q:
    if holder == "me":
        mine = Q(holder_staff=user) | Q(handler=user)
        if user.department_id:
            mine |= Q(holder_department_id=user.department_id)
        if user.agent_group_id:
            mine |= Q(holder_group_id=user.agent_group_id)
        return mine
    kind, _sep, code = holder.partition(":")
    if kind == "department":
        return Q(holder_department__code=code)
    if kind == "group":
        return Q(holder_group__code=code)
    if kind == "staff":
        return Q(holder_staff__job_number=code)
    raise WorkOrderError(
        _("holder 的格式为 department:<代码>、group:<代码>、staff:<工号> 或 me"), code="validation_failed"
    )


def order_for(*, user, number: str, for_update: bool = False) -> WorkOrder:
    """One order by number inside ``user``'s scope; 404 (``not_found``) otherwise."""
    order = (
        scope.restrict(WorkOrder.objects.select_related(*LIST_RELATED, "flow"), user)
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


def order_detail(*, user, number: str) -> WorkOrder:
    """One order with its events (oldest first, each with its attachments) and attachments:
    three queries."""
    queryset = scope.restrict(
        WorkOrder.objects.select_related(
            *LIST_RELATED,
            "flow",
            "handler",
            "created_by",
            "responsibility_cause",
            "responsible_department",
            "peer_department",
            "peer_group",
            "peer_staff",
        ),
        user,
    )
    queryset = queryset.prefetch_related(
        Prefetch("events", queryset=WorkOrderEvent.objects.order_by("seq").prefetch_related("attachments")),
    )
    order = queryset.filter(number=number).first()
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


def order_events(order: WorkOrder) -> QuerySet[WorkOrderEvent]:
    return order.events.order_by("seq")


def order_attachments(order: WorkOrder) -> QuerySet[Attachment]:
    return order.attachments.order_by("id")


def available_actions(order: WorkOrder, user) -> list[str]:
    """The actions ``user`` may take on ``order`` now (for buttons): table, role, holder and flow,
    without the guards that depend on input (reasons, archive data)."""
    from kefu.workorders.services import check_action

    result = []
    for action in transitions.actions_from(order.state):
        try:
            check_action(order, action, user)
        except DomainError:
            continue
        if action == Action.PAUSE and order.is_paused or action == Action.RESUME and not order.is_paused:
            continue
        result.append(action)
    return result


def flow_list(*, current_only: bool = True) -> QuerySet[FlowDefinition]:
    queryset = FlowDefinition.objects.all()
    return queryset.filter(is_current=True) if current_only else queryset


def flow_steps(flow: FlowDefinition) -> list[dict]:
    return flow.definition.get("steps", [])


def default_dispatch_target(flow: FlowDefinition) -> str | None:
    return flows.dispatch_holder(flow.definition)


OA_COLUMNS = (
    "number",
    "kind",
    "state",
    "title",
    "province",
    "city",
    "business",
    "category",
    "customer_level",
    "holder",
    "accepted_at",
    "order_due_at",
    "overdue",
    "urge_count",
    "closed_at",
    "oa_reference",
    "oa_url",
)


def oa_export_rows(queryset: QuerySet[WorkOrder], *, limit: int = 10000) -> list[dict]:
    """Rows for the office (OA) system (WO-10): one dict per order with :data:`OA_COLUMNS`."""
    rows = []
    for order in queryset[:limit]:
        rows.append(
            {
                "number": order.number,
                "kind": order.kind,
                "state": order.state,
                "title": order.title,
                "province": order.province.code,
                "city": order.city.code if order.city_id else "",
                "business": order.business.code if order.business_id else "",
                "category": order.category.full_path if order.category_id else "",
                "customer_level": order.customer_level,
                "holder": order.holder_label,
                "accepted_at": order.accepted_at.isoformat(),
                "order_due_at": order.order_due_at.isoformat() if order.order_due_at else "",
                "overdue": order.is_overdue,
                "urge_count": order.urge_count,
                "closed_at": order.closed_at.isoformat() if order.closed_at else "",
                "oa_reference": order.oa_reference,
                "oa_url": order.oa_url,
            }
        )
    return rows
