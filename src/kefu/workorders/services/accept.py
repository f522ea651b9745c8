"""Accept (受理, WO-1): number a new order, place it, resolve its flow and time limits and give it
to its first holder — idempotent under an ``Idempotency-Key``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.catalog.selectors import time_limit_for
from kefu.contacts import services as contacts
from kefu.contacts.choices import RequestModule
from kefu.core import compiled, scope
from kefu.core.errors import ErrorCode, ScopeError
from kefu.customers.models import Customer
from kefu.workorders import calendar as business_calendar
from kefu.workorders import flows, transitions
from kefu.workorders.choices import (
    Action,
    BroadbandFaultClass,
    ContactMethod,
    FaultProduct,
    RepairStatus,
    WorkOrderKind,
    WorkOrderState,
)
from kefu.workorders.errors import ActionNotPermitted, WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import FlowDefinition, IdempotencyKey, OrderNumberCounter, WorkOrder
from kefu.workorders.services import coordination, results
from kefu.workorders.services.clock import calendar_of, start_step
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.holders import holder_from_spec, set_holder


@dataclass(frozen=True)
class OrderInput:
    """A new order as the desk, the API and TMF621 describe it."""

    kind: str
    subscriber: object | None = None
    contact_number: str = ""
    category: object | None = None
    title: str = ""
    description: str = ""
    flow_code: str = ""
    service_request: object | None = None
    # CON-1: the contact the order is accepted in (the agent's call in progress, checked by the caller
    # with ``telephony.selectors.current_contact``): without a service request of its own, the order
    # gets one on this contact, so the contact lists the order and the order names its contact
    contact: object | None = None
    contact_method: str = ""
    contact_address: str = ""
    fault_product: str = ""
    fault_class: str = ""
    urgent: bool = False
    oa_reference: str = ""
    customer_level: str = ""
    # WO-9: a coordination flow's own data, by kind ({"install_move": {...}})
    coordination: dict | None = None
    # Without a category, start in triage instead of refusing (TMF621 tickets name no category):
    # the back office categorises the order later (``order_categorise``).
    triage: bool = False


@dataclass(frozen=True)
class AcceptResult:
    order: WorkOrder
    created: bool


def fingerprint(payload) -> str:
    """SHA-256 of a request body in canonical JSON (what an ``Idempotency-Key`` is bound to)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def next_number(now: datetime) -> str:
    """``<node><yyyymmdd><6 digits>``, e.g. ``JS20261122000123``: unique across a federation because
    the node code is. The counter row stays locked until the accepting transaction commits."""
    node = settings.KEFU_NODE_CODE
    day = timezone.localdate(now)
    value = _count(node, day)
    if value is None:
        try:
            with transaction.atomic():
                OrderNumberCounter.objects.create(node=node, day=day, value=1)
                value = 1
        except IntegrityError:  # another accept created today's row first
            value = _count(node, day)
    return f"{node}{day:%Y%m%d}{value:06d}"


def _count(node: str, day) -> int | None:
    """Today's counter plus one, in one statement (PostgreSQL and SQLite both return the row)."""
    connection = connections[router.db_for_write(OrderNumberCounter)]
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE node = %s AND day = %s RETURNING value",
            [node, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# Which versions are current is read on every accept (publishing changes it); the chosen version
# itself, never edited, comes from the per-process cache (flows.flow_version) instead of parsing
# every candidate's definition again.
_CURRENT_FLOWS = compiled.CompiledQuery(
    lambda kind: FlowDefinition.objects.filter(is_current=True, kind=kind).only(
        "id", "category_code", "business_code", "is_default"
    )
)


def flow_for(*, kind: str, category=None, code: str = "") -> FlowDefinition:
    """The current flow an order follows: the one named, else the kind's flow for its category
    code, else for its business, else the kind's default."""
    if code:
        flow = FlowDefinition.objects.filter(is_current=True, code=code).first()
        if flow is None:
            raise WorkOrderError(_("未知的流程：%(c)s") % {"c": code}, code=WorkOrderErrorCode.UNKNOWN_FLOW)
        if flow.kind != kind:
            raise WorkOrderError(
                _("流程“%(f)s”不适用于该工单类型") % {"f": flow.name}, code=WorkOrderErrorCode.UNKNOWN_FLOW
            )
        return flow
    candidates = _CURRENT_FLOWS.fetch(kind)
    if category is not None:
        for match in (
            lambda f: f.category_code and f.category_code == category.code,
            lambda f: f.business_code and not f.category_code and f.business_code == category.business.code,
        ):
            found = next((f for f in candidates if match(f)), None)
            if found:
                return flows.flow_version(found.pk)
    found = next((f for f in candidates if f.is_default), None)
    if found is None:
        raise WorkOrderError(_("工单类型没有可用的流程"), code=WorkOrderErrorCode.UNKNOWN_FLOW)
    return flows.flow_version(found.pk)


def triage_hours() -> int:
    """Business hours an order may wait in triage (``KEFU_WORKORDER_TRIAGE_HOURS``, default 4)."""
    return int(getattr(settings, "KEFU_WORKORDER_TRIAGE_HOURS", 4))


def _triaged(data: OrderInput) -> bool:
    return data.triage and data.category is None


def _validate_input(data: OrderInput, flow: FlowDefinition) -> None:
    if data.kind not in WorkOrderKind:
        raise WorkOrderError(_("未知的工单类型：%(k)s") % {"k": data.kind}, code=ErrorCode.VALIDATION_FAILED)
    request_type = WorkOrderKind.REQUEST_TYPE[data.kind]
    if data.category is None and data.kind == WorkOrderKind.COMPLAINT and not data.triage:
        raise WorkOrderError(_("投诉工单必须选择服务请求分类"), code=WorkOrderErrorCode.CATEGORY_REQUIRED)
    if data.category is not None and data.category.request_type != request_type:
        raise WorkOrderError(_("服务请求分类与工单类型不符"), code=WorkOrderErrorCode.CATEGORY_MISMATCH)
    definition = flow.definition
    if data.contact_method and data.contact_method not in ContactMethod:
        raise WorkOrderError(_("未知的告知方式"), code=ErrorCode.VALIDATION_FAILED)
    if definition.get("contact_method_required") and not data.contact_method:
        raise WorkOrderError(_("预受理必须约定结果告知方式"), code=WorkOrderErrorCode.CONTACT_METHOD_REQUIRED)
    if data.contact_method in (ContactMethod.EMAIL, ContactMethod.FAX) and not data.contact_address:
        raise WorkOrderError(_("邮件或传真告知须填写地址"), code=WorkOrderErrorCode.CONTACT_METHOD_REQUIRED)
    results.agreed_address_check(data.contact_method, data.contact_address)
    if data.fault_product and data.fault_product not in FaultProduct:
        raise WorkOrderError(_("未知的障碍产品"), code=ErrorCode.VALIDATION_FAILED)
    if data.fault_class and data.fault_class not in BroadbandFaultClass:
        raise WorkOrderError(_("未知的宽带障碍分类"), code=ErrorCode.VALIDATION_FAILED)
    if (
        data.kind == WorkOrderKind.FAULT_REPORT
        and data.fault_product == FaultProduct.BROADBAND
        and not data.fault_class
    ):
        raise WorkOrderError(_("宽带障碍须选择五类障碍之一"), code=WorkOrderErrorCode.FAULT_CLASS_REQUIRED)
    if data.fault_class and data.fault_product not in ("", FaultProduct.BROADBAND):
        raise WorkOrderError(_("障碍分类只适用于宽带"), code=ErrorCode.VALIDATION_FAILED)


def _customer_type(subscriber) -> str:
    """The type of the customer owning the line (SVC-2): an enterprise's orders get its own time
    limits and rank. Read from the loaded customer when there is one, else by its key alone."""
    if subscriber is None or not getattr(subscriber, "customer_id", None):
        return ""
    if "customer" in subscriber._state.fields_cache:
        return subscriber.customer.customer_type
    return (
        Customer.objects.filter(pk=subscriber.customer_id).values_list("customer_type", flat=True).first()
        or ""
    )


def _build(actor, data: OrderInput, flow: FlowDefinition, now: datetime) -> WorkOrder:
    subscriber = data.subscriber
    if subscriber is not None:
        province_id, city_id = subscriber.home_province_id, subscriber.home_city_id
    else:
        province_id, city_id = actor.province_id, actor.city_id
    if province_id is None:
        raise WorkOrderError(_("无法确定工单所属省份"), code=WorkOrderErrorCode.SUBSCRIBER_REQUIRED)
    if not scope.may_write_to(actor, province_id=province_id, city_id=city_id):
        raise ScopeError(_("该号码不在您的数据权限范围内"))
    level = data.customer_level or (subscriber.level if subscriber is not None else "")
    customer_type = _customer_type(subscriber)
    order = WorkOrder(
        kind=data.kind,
        flow=flow,
        state=transitions.TRIAGE_START if _triaged(data) else WorkOrderState.ACCEPTED,
        title=data.title or (data.category.name if data.category is not None else ""),
        description=data.description,
        urgent=data.urgent,
        subscriber=subscriber,
        contact_number=data.contact_number or (subscriber.number if subscriber is not None else ""),
        customer_level=level or "ordinary",
        customer_type=customer_type,
        priority=WorkOrder.priority_of(level or "ordinary", customer_type),
        contact_method=data.contact_method,
        contact_address=data.contact_address,
        province_id=province_id,
        city_id=city_id,
        category=data.category,
        business_id=data.category.business_id if data.category is not None else None,
        service_request=data.service_request,
        fault_product=data.fault_product,
        fault_class=data.fault_class,
        repair_status=RepairStatus.REPORTED if data.kind == WorkOrderKind.FAULT_REPORT else "",
        oa_reference=data.oa_reference,
        created_by=actor,
        accepted_at=now,
    )
    limit = time_limit_for(
        data.category,
        order.customer_level,
        request_type=WorkOrderKind.REQUEST_TYPE[data.kind],
        customer_type=customer_type,
    )
    definition = flow.definition
    if _triaged(data):
        # triage has a limit of its own; the category's limits take over when it is categorised
        limit = None
        order.time_limit_hours = triage_hours()
    if limit is not None:
        order.time_limit_hours = limit.order_hours
        order.step_limit_hours = limit.step_hours
        order.round_the_clock = limit.round_the_clock
    order.round_the_clock = order.round_the_clock or bool(definition.get("round_the_clock"))
    holder = holder_from_spec(definition.get("accept_holder", "centre"), order=order)
    set_holder(order, holder)
    if order.time_limit_hours:
        order.order_due_at = business_calendar.add_business_time(
            now, order.time_limit_hours * 3600, calendar_of(order, now)
        )
    start_step(order, now, order.step_limit_hours)
    return order


def order_accept(
    *,
    actor,
    data: OrderInput,
    idempotency_key: str = "",
    request_fingerprint: str = "",
    files: Sequence = (),
    now: datetime | None = None,
) -> AcceptResult:
    """Accept (受理) a new order (WO-1): number it, place it in the subscriber's home province and
    city, resolve its flow and time limits, give it to the flow's first holder (the province centre
    by default), and link the service request it comes from (``reference`` = order number).

    With ``idempotency_key`` the same key and fingerprint return the order made the first time
    (``created=False``); the same key with another body is refused (``idempotency_key_reused``).
    """
    if idempotency_key:
        replay = _replay(actor, idempotency_key, request_fingerprint)
        if replay is not None:
            return replay
    # the key is written with the order's event, in the accepting transaction
    key = (
        IdempotencyKey(actor=actor, key=idempotency_key, fingerprint=request_fingerprint)
        if idempotency_key
        else None
    )
    try:
        with transaction.atomic():
            order = _accept(actor=actor, data=data, files=files, now=now or timezone.now(), key=key)
    except IntegrityError:
        # Race: the same key sent twice at once; the first transaction won, answer with its order.
        replay = _replay(actor, idempotency_key, request_fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay
    return AcceptResult(order=order, created=True)


_IDEMPOTENCY_KEY = compiled.CompiledQuery(
    lambda actor, key: IdempotencyKey.objects.filter(actor_id=actor, key=key).select_related("order")[:1],
    arity=2,
)


def _replay(actor, key: str, request_fingerprint: str) -> AcceptResult | None:
    seen = _IDEMPOTENCY_KEY.first(actor.pk, key)
    if seen is None:
        return None
    if seen.fingerprint != request_fingerprint:
        raise WorkOrderError(
            _("该 Idempotency-Key 已用于另一请求"), code=WorkOrderErrorCode.IDEMPOTENCY_KEY_REUSED, status=422
        )
    return AcceptResult(order=seen.order, created=False)


def _accept(*, actor, data: OrderInput, files, now, key: IdempotencyKey | None = None) -> WorkOrder:
    if actor.role not in transitions.TRANSITIONS[(transitions.NEW, Action.ACCEPT)].roles + transitions.CITY:
        raise ActionNotPermitted(_("您的角色不能受理工单"))
    flow = flow_for(kind=data.kind, category=data.category, code=data.flow_code)
    coordination.check_accept_role(actor, flow)
    _validate_input(data, flow)
    detail = coordination.detail_for(flow=flow, data=data.coordination, subscriber=data.subscriber)
    if data.service_request is None and data.contact is not None:
        data = replace(
            data,
            service_request=contacts.service_request_add(
                actor=actor,
                contact=data.contact,
                request_type=WorkOrderKind.REQUEST_TYPE[data.kind],
                category=data.category,
                description=data.title or data.description[:200],
                module=RequestModule.WORK_ORDER,
            ),
        )
    order = _build(actor, data, flow, now)
    order.number = next_number(now)
    order_event_record(
        order,
        action=Action.ACCEPT,
        actor=actor,
        now=now,
        comment=data.description,
        before_state=transitions.NEW,
        before_holder="",
        data={"flow": f"{flow.code}@{flow.version}"},
        changes={"kind": order.kind, "flow": flow.code},
        files=files,
        notify=True,
        rows=[row for row in (key, detail) if row is not None],
    )
    if data.service_request is not None:
        type(data.service_request).objects.filter(pk=data.service_request.pk).update(reference=order.number)
    return order
