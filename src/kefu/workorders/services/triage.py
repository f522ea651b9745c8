"""Triage (分拣): an order accepted without a request category — a TMF621 ticket carrying only the
specification's mandatory fields — waits in ``triage`` on a limit of its own
(``KEFU_WORKORDER_TRIAGE_HOURS``) until the back office categorises it. Categorising gives the order
what accepting it with that category would have given it: the category's flow, its time limits
(counted from the acceptance, as for any order), the flow's first holder, and the customer when the
ticket did not name one."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.catalog.selectors import time_limit_for
from kefu.core import scope
from kefu.core.errors import ErrorCode, ScopeError
from kefu.workorders import calendar as business_calendar
from kefu.workorders.choices import Action, SlaLevel, WorkOrderKind
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import WorkOrder
from kefu.workorders.services.accept import flow_for
from kefu.workorders.services.clock import calendar_of, start_step
from kefu.workorders.services.engine import Change, perform
from kefu.workorders.services.holders import holder_from_spec, set_holder


def _set_customer(order: WorkOrder, subscriber, actor) -> None:
    if order.subscriber_id is not None:
        if order.subscriber_id != subscriber.pk:
            raise WorkOrderError(_("工单已有客户，不能更换"), code=ErrorCode.VALIDATION_FAILED)
        return
    if not scope.may_write_to(
        actor, province_id=subscriber.home_province_id, city_id=subscriber.home_city_id
    ):
        raise ScopeError(_("该号码不在您的数据权限范围内"))
    order.subscriber = subscriber
    order.contact_number = order.contact_number or subscriber.number
    order.customer_level = subscriber.level or order.customer_level
    order.province_id, order.city_id = subscriber.home_province_id, subscriber.home_city_id


@transaction.atomic
def order_categorise(*, actor, order, category, subscriber=None, comment: str = "", now=None) -> WorkOrder:
    """Categorise (分拣归类) an order in triage: set its request category (and its customer when
    the ticket named none); the order becomes an accepted order on the category's flow and time
    limits, held by the flow's first holder. A category of another request type than the order's
    kind is ``category_mismatch``; a customer outside the actor's scope is refused."""

    def guard():
        if category is None:
            raise WorkOrderError(_("请选择服务请求分类"), code=WorkOrderErrorCode.CATEGORY_REQUIRED)

    def body(o: WorkOrder, now):
        if category.request_type != WorkOrderKind.REQUEST_TYPE[o.kind]:
            raise WorkOrderError(_("服务请求分类与工单类型不符"), code=WorkOrderErrorCode.CATEGORY_MISMATCH)
        if subscriber is not None:
            _set_customer(o, subscriber, actor)
        flow = flow_for(kind=o.kind, category=category)
        o.flow = flow
        o.category = category
        o.business_id = category.business_id
        o.title = o.title or category.name
        limit = time_limit_for(category, o.customer_level, request_type=WorkOrderKind.REQUEST_TYPE[o.kind])
        o.time_limit_hours = limit.order_hours if limit is not None else None
        o.step_limit_hours = limit.step_hours if limit is not None else None
        o.round_the_clock = bool(limit is not None and limit.round_the_clock) or bool(
            flow.definition.get("round_the_clock")
        )
        # the category's limit counts from the acceptance, like an order accepted with it
        o.order_due_at = None
        if o.time_limit_hours:
            o.order_due_at = business_calendar.add_business_time(
                o.accepted_at, o.time_limit_hours * 3600, calendar_of(o, o.accepted_at)
            )
        # the triage limit's flags give way to the category's limits: the sweep looks afresh
        o.warned_at = o.overdue_at = None
        o.sla = SlaLevel.ON_TIME
        holder = holder_from_spec(flow.definition.get("accept_holder", "centre"), order=o)
        if holder is not None:
            set_holder(o, holder)
        start_step(o, now, o.step_limit_hours)
        data = {"category": category.code, "flow": f"{flow.code}@{flow.version}"}
        if subscriber is not None:
            data["subscriber"] = subscriber.number
        return Change(data=data, notify=True)

    return perform(
        actor=actor,
        order=order,
        action=Action.CATEGORISE,
        comment=comment,
        body=body,
        guard=guard,
        now=now,
    )
