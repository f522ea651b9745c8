"""Every write on a work order: one service per action (WO-4), each in one transaction that checks
the transition table, writes the order, appends an immutable event, records an outbox message
(``workorder.<past tense>``, for federation and TMF listeners) and an audit row, and tells whoever
must be told after commit.

Signatures are keyword-only with ``actor``; ``order`` is a :class:`WorkOrder` (or its number).
Each returns the order as saved. A forbidden (state, action) pair raises ``invalid_transition``
(409) and changes nothing. The engine never imports federation code: it only writes the outbox.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.catalog.selectors import time_limit_for
from kefu.core import audit, bus, compiled, scope
from kefu.core.choices import DepartmentKind, Role
from kefu.core.errors import NotFoundError, ScopeError
from kefu.core.models import AgentGroup, Department, OutboxMessage, Staff
from kefu.workorders import calendar as bcal
from kefu.workorders import flows, transitions
from kefu.workorders.choices import (
    Action,
    BroadbandFaultClass,
    ContactMethod,
    FaultProduct,
    HolderKind,
    RepairStatus,
    Satisfaction,
    SlaLevel,
    SystemEvent,
    WorkOrderKind,
    WorkOrderState,
)
from kefu.workorders.errors import (
    ActionNotPermitted,
    InvalidTransition,
    WorkOrderError,
    WorkOrderErrorCode,
)
from kefu.workorders.models import (
    FlowDefinition,
    IdempotencyKey,
    OrderNumberCounter,
    WorkOrder,
    WorkOrderEvent,
)

E = WorkOrderErrorCode


# ---------------------------------------------------------------------------------------------
# holders


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


def _set_holder(order: WorkOrder, holder: Holder) -> None:
    order.holder_kind = holder.kind
    order.holder_group = holder.group
    order.holder_department = holder.department
    order.holder_staff = holder.staff


def _set_peer(order: WorkOrder, holder: Holder) -> None:
    order.peer_kind = holder.kind
    order.peer_group = holder.group
    order.peer_department = holder.department
    order.peer_staff = holder.staff


def _swap(order: WorkOrder) -> None:
    """Send the order to the other side (reply, return, reprocess); with no other side it stays."""
    holder, peer = holder_of(order), peer_of(order)
    if not peer.kind:
        return
    _set_holder(order, peer)
    _set_peer(order, holder)


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
        raise WorkOrderError(_("未知的持有方：%(r)s") % {"r": ref}, code=E.UNKNOWN_HOLDER)
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
        raise WorkOrderError(_("未知的持有方：%(r)s") % {"r": spec}, code=E.UNKNOWN_HOLDER)
    return Holder.of_department(found)


# ---------------------------------------------------------------------------------------------
# time limits


def _calendar(order: WorkOrder, at: datetime) -> bcal.Calendar:
    return bcal.calendar_for(
        order.province_id, start=timezone.localdate(at), round_the_clock=order.round_the_clock
    )


def _start_step(order: WorkOrder, now: datetime, hours: int | None) -> None:
    order.step_started_at = now
    order.step_overdue_at = None
    order.step_due_at = bcal.add_business_time(now, hours * 3600, _calendar(order, now)) if hours else None


def _end_step(order: WorkOrder) -> None:
    order.step_started_at = None
    order.step_due_at = None
    order.step_overdue_at = None


def _resume_clock(order: WorkOrder, now: datetime) -> int:
    """Push the deadlines by the business time spent paused; return the paused seconds."""
    calendar = _calendar(order, order.paused_at)
    seconds = bcal.business_seconds_between(order.paused_at, now, calendar)
    if order.order_due_at is not None:
        order.order_due_at = bcal.add_business_time(order.order_due_at, seconds, calendar)
    if order.step_due_at is not None:
        order.step_due_at = bcal.add_business_time(order.step_due_at, seconds, calendar)
    order.paused_seconds += seconds
    order.paused_at = None
    order.pause_reason = ""
    return seconds


# ---------------------------------------------------------------------------------------------
# the engine


@dataclass
class Change:
    """What an action's body reports back to the engine."""

    data: dict = field(default_factory=dict)
    notify: bool = False  # tell the (new) holder after commit


def _check_scope(order: WorkOrder, actor) -> None:
    """The order must lie in the actor's data scope (``scope.admits``: the rule, no query)."""
    if not scope.admits(order, actor):
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": order.number})


# Groups and staff holders load lazily (a null FK costs no query); departments are the usual case.
_LOCKED_READ = compiled.CompiledQuery(
    lambda number: (
        WorkOrder.objects.select_for_update(of=("self",), no_key=True)
        .select_related("holder_department", "peer_department")
        .filter(number=number)
    )
)


def _lock(order: WorkOrder | str) -> WorkOrder:
    # Race: two members of staff act on the same order at once; the row lock serialises them so
    # each sees the state the other left (FOR NO KEY UPDATE: event inserts referencing it still go).
    number = order if isinstance(order, str) else order.number
    found = _LOCKED_READ.fetch(number)
    if not found:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    locked = found[0]
    locked.flow = flows.flow_version(locked.flow_id)
    locked._loaded = {name: getattr(locked, name) for name in _columns()}
    return locked


@cache
def _columns() -> tuple[str, ...]:
    return tuple(f.attname for f in WorkOrder._meta.concrete_fields if not f.primary_key)


def _save(order: WorkOrder) -> None:
    """Write the columns an action changed (the order was read by ``_lock``): a narrower UPDATE is
    cheaper to build and to run than the whole row of some sixty columns."""
    loaded = getattr(order, "_loaded", None)
    if loaded is None:
        order.save()
        return
    changed = [name for name in _columns() if getattr(order, name) != loaded[name] or name == "updated_at"]
    compiled.update(order, changed)
    order._loaded = {name: getattr(order, name) for name in _columns()}


def check_action(order: WorkOrder, action: str, actor, *, system: bool = False) -> transitions.Rule:
    """Raise unless ``actor`` may perform ``action`` on ``order`` now: the table, then the role,
    then the holder, then the flow. Returns the rule. Reads nothing from the database."""
    rule = transitions.rule_for(order.state, action)
    if rule is None:
        raise InvalidTransition(
            _("工单状态为“%(s)s”, 不能执行“%(a)s”")
            % {"s": WorkOrderState.label(order.state), "a": Action.label(action)},
            state=order.state,
            action=action,
        )
    if not system:
        if actor.role not in rule.roles:
            raise ActionNotPermitted(_("您的角色不能执行“%(a)s”") % {"a": Action.label(action)})
        creator = rule.who == transitions.HOLDER_OR_CREATOR and order.created_by_id == actor.pk
        if (
            rule.who != transitions.ANYONE
            and actor.role != Role.SUPERVISOR
            and not creator
            and not order.is_held_by(actor)
        ):
            raise ActionNotPermitted(
                _("工单当前由“%(h)s”处理, 您不能执行“%(a)s”")
                % {"h": order.holder_label, "a": Action.label(action)},
                code=E.NOT_HOLDER,
            )
    if action in Action.STEPS and action not in flows.allowed_step_actions(order.flow.definition):
        raise WorkOrderError(
            _("流程“%(f)s”不包含“%(a)s”环节") % {"f": order.flow.name, "a": Action.label(action)},
            code=E.ACTION_NOT_IN_FLOW,
            status=409,
        )
    return rule


def _actor_ref(actor) -> str:
    return actor.job_number if actor is not None else "system"


def _event(
    order: WorkOrder, *, action: str, actor, now, comment, before_state, before_holder, data, seq=None
):
    if seq is None:
        order.event_seq += 1
    return compiled.insert(
        WorkOrderEvent(
            order=order,
            seq=order.event_seq,
            action=action,
            actor=actor,
            actor_job_number=_actor_ref(actor),
            at=now,
            comment=comment,
            state_before=before_state,
            state_after=order.state,
            holder_before=before_holder,
            holder_after=holder_of(order).ref,
            data=data,
        )
    )


def _outbox(order: WorkOrder, event: WorkOrderEvent, past: str) -> None:
    """The federation carries these: order number, per-order sequence and the event."""
    compiled.insert(
        OutboxMessage(
            topic=f"workorder.{past}",
            payload={
                "node": settings.KEFU_NODE_CODE,
                "number": order.number,
                "seq": event.seq,
                "kind": order.kind,
                "event": {
                    "action": event.action,
                    "at": event.at.isoformat(),
                    "actor": event.actor_job_number,
                    "comment": event.comment,
                    "state_before": event.state_before,
                    "state_after": event.state_after,
                    "holder_before": event.holder_before,
                    "holder_after": event.holder_after,
                    "data": event.data,
                },
            },
        )
    )


def notify_channel(holder: Holder) -> str:
    """Bus channel of a holder: a person's desktop, else the group's or department's order queue."""
    if holder.kind == HolderKind.PERSON:
        return f"agent:{holder.staff.job_number}"
    return f"workorders:{holder.ref}"


def _notify(order: WorkOrder, event: WorkOrderEvent, *, channel: str | None = None) -> None:
    holder = holder_of(order)
    if channel is None and not holder.kind:
        return
    bus.publish_on_commit(
        channel or notify_channel(holder),
        {
            "type": "workorder",
            "event": event.action,
            "number": order.number,
            "state": order.state,
            "holder": holder.ref,
            "title": order.title,
        },
    )


def _store_files(order, event, files, actor):
    if files:
        from kefu.workorders.attachments import attachment_store

        for upload in files:
            attachment_store(order=order, event=event, upload=upload, actor=actor)


def _perform(
    *,
    actor,
    order: WorkOrder | str,
    action: str,
    comment: str = "",
    files: Sequence = (),
    body: Callable[[WorkOrder, datetime], Change | None] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> WorkOrder:
    """The one path every action takes (called inside ``transaction.atomic``)."""
    now = now or timezone.now()
    locked = _lock(order)
    if not system:
        _check_scope(locked, actor)
    rule = check_action(locked, action, actor, system=system)
    before_state, before_holder = locked.state, holder_of(locked).ref
    data: dict = {}
    if locked.is_paused and action in Action.STEPS:
        # WO-5: moving the order on ends the wait for the customer
        data["resumed_seconds"] = _resume_clock(locked, now)
    change = body(locked, now) if body else None
    if change is not None:
        data.update(change.data)
    locked.state = rule.target
    if rule.target in WorkOrderState.TERMINAL:
        locked.closed_at = now
        _end_step(locked)
    if files:
        data["files"] = len(files)
    event = _event(
        locked,
        action=action,
        actor=actor,
        now=now,
        comment=comment,
        before_state=before_state,
        before_holder=before_holder,
        data=data,
    )
    _save(locked)
    _store_files(locked, event, files, actor)
    _outbox(locked, event, Action.PAST[action])
    audit.record(
        actor=actor,
        action=f"workorders.{action}",
        obj=locked,
        changes={
            "state": [before_state, locked.state],
            "holder": [before_holder, event.holder_after],
            "seq": event.seq,
        },
    )
    if change is not None and change.notify:
        _notify(locked, event)
    return locked


def _require(value: str | None, code: str, message: str) -> None:
    if not (value or "").strip():
        raise WorkOrderError(message, code=code)


# ---------------------------------------------------------------------------------------------
# accept (WO-1)


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
    contact_method: str = ""
    contact_address: str = ""
    fault_product: str = ""
    fault_class: str = ""
    urgent: bool = False
    oa_reference: str = ""
    customer_level: str = ""


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
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE node = %s AND day = %s RETURNING value",
            [node, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


_CURRENT_FLOWS = compiled.CompiledQuery(
    lambda kind: FlowDefinition.objects.filter(is_current=True, kind=kind)
)


def flow_for(*, kind: str, category=None, code: str = "") -> FlowDefinition:
    """The current flow an order follows: the one named, else the kind's flow for its category
    code, else for its business, else the kind's default."""
    current = FlowDefinition.objects.filter(is_current=True)
    if code:
        flow = current.filter(code=code).first()
        if flow is None:
            raise WorkOrderError(_("未知的流程：%(c)s") % {"c": code}, code=E.UNKNOWN_FLOW)
        if flow.kind != kind:
            raise WorkOrderError(_("流程“%(f)s”不适用于该工单类型") % {"f": flow.name}, code=E.UNKNOWN_FLOW)
        return flow
    candidates = _CURRENT_FLOWS.fetch(kind)
    if category is not None:
        for match in (
            lambda f: f.category_code and f.category_code == category.code,
            lambda f: f.business_code and not f.category_code and f.business_code == category.business.code,
        ):
            found = next((f for f in candidates if match(f)), None)
            if found:
                return found
    found = next((f for f in candidates if f.is_default), None)
    if found is None:
        raise WorkOrderError(_("工单类型没有可用的流程"), code=E.UNKNOWN_FLOW)
    return found


def _validate_input(data: OrderInput, flow: FlowDefinition) -> None:
    if data.kind not in WorkOrderKind:
        raise WorkOrderError(_("未知的工单类型：%(k)s") % {"k": data.kind}, code="validation_failed")
    request_type = WorkOrderKind.REQUEST_TYPE[data.kind]
    if data.category is None and data.kind == WorkOrderKind.COMPLAINT:
        raise WorkOrderError(_("投诉工单必须选择服务请求分类"), code=E.CATEGORY_REQUIRED)
    if data.category is not None and data.category.request_type != request_type:
        raise WorkOrderError(_("服务请求分类与工单类型不符"), code=E.CATEGORY_MISMATCH)
    definition = flow.definition
    if data.contact_method and data.contact_method not in ContactMethod:
        raise WorkOrderError(_("未知的告知方式"), code="validation_failed")
    if definition.get("contact_method_required") and not data.contact_method:
        raise WorkOrderError(_("预受理必须约定结果告知方式"), code=E.CONTACT_METHOD_REQUIRED)
    if data.contact_method in (ContactMethod.EMAIL, ContactMethod.FAX) and not data.contact_address:
        raise WorkOrderError(_("邮件或传真告知须填写地址"), code=E.CONTACT_METHOD_REQUIRED)
    if data.fault_product and data.fault_product not in FaultProduct:
        raise WorkOrderError(_("未知的障碍产品"), code="validation_failed")
    if data.fault_class and data.fault_class not in BroadbandFaultClass:
        raise WorkOrderError(_("未知的宽带障碍分类"), code="validation_failed")
    if (
        data.kind == WorkOrderKind.FAULT_REPORT
        and data.fault_product == FaultProduct.BROADBAND
        and not data.fault_class
    ):
        raise WorkOrderError(_("宽带障碍须选择五类障碍之一"), code=E.FAULT_CLASS_REQUIRED)
    if data.fault_class and data.fault_product not in ("", FaultProduct.BROADBAND):
        raise WorkOrderError(_("障碍分类只适用于宽带"), code="validation_failed")


def _build(actor, data: OrderInput, flow: FlowDefinition, now: datetime) -> WorkOrder:
    subscriber = data.subscriber
    if subscriber is not None:
        province_id, city_id = subscriber.home_province_id, subscriber.home_city_id
    else:
        province_id, city_id = actor.province_id, actor.city_id
    if province_id is None:
        raise WorkOrderError(_("无法确定工单所属省份"), code=E.SUBSCRIBER_REQUIRED)
    if not scope.may_write_to(actor, province_id=province_id, city_id=city_id):
        raise ScopeError(_("该号码不在您的数据权限范围内"))
    level = data.customer_level or (subscriber.level if subscriber is not None else "")
    order = WorkOrder(
        kind=data.kind,
        flow=flow,
        state=WorkOrderState.ACCEPTED,
        title=data.title or (data.category.name if data.category is not None else ""),
        description=data.description,
        urgent=data.urgent,
        subscriber=subscriber,
        contact_number=data.contact_number or (subscriber.number if subscriber is not None else ""),
        customer_level=level or "ordinary",
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
        data.category, order.customer_level, request_type=WorkOrderKind.REQUEST_TYPE[data.kind]
    )
    definition = flow.definition
    if limit is not None:
        order.time_limit_hours = limit.order_hours
        order.step_limit_hours = limit.step_hours
        order.round_the_clock = limit.round_the_clock
    order.round_the_clock = order.round_the_clock or bool(definition.get("round_the_clock"))
    holder = holder_from_spec(definition.get("accept_holder", "centre"), order=order)
    _set_holder(order, holder)
    if order.time_limit_hours:
        order.order_due_at = bcal.add_business_time(now, order.time_limit_hours * 3600, _calendar(order, now))
    _start_step(order, now, order.step_limit_hours)
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
    try:
        with transaction.atomic():
            order = _accept(actor=actor, data=data, files=files, now=now or timezone.now())
            if idempotency_key:
                compiled.insert(
                    IdempotencyKey(
                        actor=actor, key=idempotency_key, fingerprint=request_fingerprint, order=order
                    )
                )
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
            _("该 Idempotency-Key 已用于另一请求"), code=E.IDEMPOTENCY_KEY_REUSED, status=422
        )
    return AcceptResult(order=seen.order, created=False)


def _accept(*, actor, data: OrderInput, files, now) -> WorkOrder:
    if actor.role not in transitions.TRANSITIONS[(transitions.NEW, Action.ACCEPT)].roles:
        raise ActionNotPermitted(_("您的角色不能受理工单"))
    flow = flow_for(kind=data.kind, category=data.category, code=data.flow_code)
    _validate_input(data, flow)
    order = _build(actor, data, flow, now)
    order.number = next_number(now)
    order.event_seq = 1
    compiled.insert(order)
    event = _event(
        order,
        action=Action.ACCEPT,
        actor=actor,
        now=now,
        comment=data.description,
        before_state=transitions.NEW,
        before_holder="",
        data={"flow": f"{flow.code}@{flow.version}"},
        seq=1,
    )
    _store_files(order, event, files, actor)
    if data.service_request is not None:
        type(data.service_request).objects.filter(pk=data.service_request.pk).update(reference=order.number)
    _outbox(order, event, Action.PAST[Action.ACCEPT])
    audit.record(
        actor=actor, action="workorders.accept", obj=order, changes={"kind": order.kind, "flow": flow.code}
    )
    _notify(order, event)
    return order


# ---------------------------------------------------------------------------------------------
# the actions (WO-4)


@transaction.atomic
def order_dispatch(
    *, actor, order, to: Holder | None = None, comment: str = "", files=(), now=None
) -> WorkOrder:
    """Dispatch (派发) to ``to``, or to the holder the flow names for its dispatch step. From the
    centre (accepted, returned) the dispatcher becomes the peer, so the reply comes back to it;
    forwarding (转派) while processing keeps the original dispatcher as the peer."""

    def body(o: WorkOrder, now):
        target = to
        if target is None:
            spec = flows.dispatch_holder(o.flow.definition)
            target = holder_from_spec(spec, order=o) if spec else None
            if target is None:
                raise WorkOrderError(_("请选择派发对象"), code=E.HOLDER_REQUIRED)
        if o.state != WorkOrderState.PROCESSING:
            _set_peer(o, holder_of(o))
        _set_holder(o, target)
        if o.city_id is None and target.department is not None and target.department.city_id:
            # An order without a city (one that came from another province through the hub) takes
            # the city of the city team it goes to, so that team's own staff can see it (scope).
            o.city_id = target.department.city_id
        o.handler = None
        hours = flows.step_hours(o.flow.definition, Action.DISPATCH) or o.step_limit_hours
        _start_step(o, now, hours)
        return Change(data={"to": target.ref}, notify=True)

    return _perform(
        actor=actor, order=order, action=Action.DISPATCH, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_receive(*, actor, order, comment: str = "", files=(), now=None) -> WorkOrder:
    """Receive (接收): the holder takes the order into work; the actor becomes its handler."""

    def body(o, now):
        o.handler = actor
        return Change(data={"handler": actor.job_number})

    return _perform(
        actor=actor, order=order, action=Action.RECEIVE, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_process(
    *, actor, order, comment: str = "", repair_status: str = "", files=(), now=None
) -> WorkOrder:
    """Process (处理): the centre works on the order itself, or the handler records progress —
    for fault reports the repair status (WO-8)."""

    def body(o, now):
        data = {}
        if o.handler_id is None or o.state != WorkOrderState.PROCESSING:
            o.handler = actor
        if repair_status:
            if repair_status not in RepairStatus:
                raise WorkOrderError(_("未知的修复进度"), code="validation_failed")
            o.repair_status = repair_status
            data["repair_status"] = repair_status
        return Change(data=data)

    return _perform(
        actor=actor, order=order, action=Action.PROCESS, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_reply(*, actor, order, comment: str, files=(), now=None) -> WorkOrder:
    """Reply (回复): the result goes back to the dispatcher (WO-2)."""
    _require(comment, E.COMMENT_REQUIRED, _("请填写处理结果"))

    def body(o, now):
        o.result = comment
        if o.kind == WorkOrderKind.FAULT_REPORT and o.repair_status != RepairStatus.CUSTOMER_NOTIFIED:
            o.repair_status = RepairStatus.REPAIRED
        _swap(o)
        _end_step(o)
        return Change(notify=True)

    return _perform(
        actor=actor, order=order, action=Action.REPLY, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_feedback(
    *, actor, order, satisfaction: str, comment: str = "", method: str = "", files=(), now=None
) -> WorkOrder:
    """Customer feedback (客户反馈): the customer has been told the result — by the centre's
    callback, or directly by the city (which sends the order back to the centre to archive) — and
    their satisfaction is recorded. ``method`` defaults to the agreed one (WO-7)."""
    if satisfaction not in Satisfaction:
        raise WorkOrderError(_("请选择客户满意度"), code=E.SATISFACTION_REQUIRED)
    if method and method not in ContactMethod:
        raise WorkOrderError(_("未知的告知方式"), code="validation_failed")

    def body(o, now):
        direct = o.state == WorkOrderState.PROCESSING
        o.satisfaction = satisfaction
        if direct:
            if comment:
                o.result = comment
            _swap(o)
        if o.kind == WorkOrderKind.FAULT_REPORT:
            o.repair_status = RepairStatus.CUSTOMER_NOTIFIED
        _end_step(o)
        used = method or o.contact_method or ContactMethod.PHONE
        return Change(data={"satisfaction": satisfaction, "method": used, "direct": direct}, notify=direct)

    return _perform(
        actor=actor, order=order, action=Action.FEEDBACK, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_archive(
    *,
    actor,
    order,
    responsibility_cause=None,
    responsible_department=None,
    comment: str = "",
    files=(),
    now=None,
) -> WorkOrder:
    """Archive (归档): close for good. A complaint needs its responsibility cause and responsible
    department (SR-4); a flow with a feedback step needs the customer's feedback first; an order
    the customer is dissatisfied with is reprocessed, unless a supervisor archives it."""

    def body(o, now):
        if o.state == WorkOrderState.REPLIED and Action.FEEDBACK in o.flow.step_actions:
            raise WorkOrderError(_("请先完成客户反馈"), code=E.FEEDBACK_REQUIRED, status=409)
        if o.satisfaction == Satisfaction.DISSATISFIED and actor.role != Role.SUPERVISOR:
            raise WorkOrderError(
                _("客户不满意, 请再处理或由班长归档"), code=E.CUSTOMER_DISSATISFIED, status=409
            )
        if responsibility_cause is not None:
            o.responsibility_cause = responsibility_cause
        if responsible_department is not None:
            if responsible_department.kind != DepartmentKind.RESPONSIBLE:
                raise WorkOrderError(_("只能选择责任部门"), code="validation_failed")
            o.responsible_department = responsible_department
        if (
            o.responsible_department_id is None
            and o.responsibility_cause_id
            and o.responsibility_cause.default_department_id
        ):
            o.responsible_department_id = o.responsibility_cause.default_department_id
        if o.needs_archive_data():
            raise WorkOrderError(_("投诉归档须填写责任原因和责任部门"), code=E.ARCHIVE_DATA_REQUIRED)
        return Change(
            data={
                "responsibility_cause": o.responsibility_cause.code if o.responsibility_cause_id else "",
                "responsible_department": o.responsible_department.code
                if o.responsible_department_id
                else "",
            }
        )

    return _perform(
        actor=actor, order=order, action=Action.ARCHIVE, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_reprocess(*, actor, order, reason: str, files=(), now=None) -> WorkOrder:
    """Reprocess (再处理): reject the result and send the order back to whoever replied."""
    _require(reason, E.REASON_REQUIRED, _("请填写再处理原因"))

    def body(o, now):
        _swap(o)
        o.handler = None
        o.satisfaction = ""
        o.rounds += 1
        hours = flows.step_hours(o.flow.definition, Action.DISPATCH) or o.step_limit_hours
        _start_step(o, now, hours)
        return Change(data={"round": o.rounds}, notify=True)

    return _perform(
        actor=actor, order=order, action=Action.REPROCESS, comment=reason, files=files, body=body, now=now
    )


@transaction.atomic
def order_return(*, actor, order, reason: str, files=(), now=None) -> WorkOrder:
    """Return (退回): the receiving side refuses the order (not theirs, incomplete, wrong) with a
    reason; it goes back to the dispatcher."""
    _require(reason, E.REASON_REQUIRED, _("请填写退回原因"))

    def body(o, now):
        _swap(o)
        o.handler = None
        _end_step(o)
        return Change(notify=True)

    return _perform(
        actor=actor, order=order, action=Action.RETURN, comment=reason, files=files, body=body, now=now
    )


@transaction.atomic
def order_query(*, actor, order, comment: str = "", now=None) -> WorkOrder:
    """Query (查询): ask for the order's state; recorded (and carried to the other nodes)."""
    return _perform(actor=actor, order=order, action=Action.QUERY, comment=comment, now=now)


@transaction.atomic
def order_urge(*, actor, order, comment: str = "", now=None, system: bool = False) -> WorkOrder:
    """Urge (催办) the holder of a late or raised order; the sweep urges with ``system=True``."""

    def body(o, now):
        o.urge_count += 1
        o.last_urged_at = now
        return Change(data={"urge_count": o.urge_count, "auto": system}, notify=True)

    return _perform(
        actor=actor, order=order, action=Action.URGE, comment=comment, body=body, now=now, system=system
    )


@transaction.atomic
def order_comment(*, actor, order, comment: str, files=(), now=None) -> WorkOrder:
    """Interim comment (中途意见): either side adds information after dispatch or after reply."""
    _require(comment, E.COMMENT_REQUIRED, _("请填写意见"))

    def body(o, now):
        return Change(notify=True)

    return _perform(
        actor=actor, order=order, action=Action.COMMENT, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_cancel(*, actor, order, reason: str, now=None) -> WorkOrder:
    """Cancel (撤销) an order accepted by mistake or withdrawn by the customer, with a reason."""
    _require(reason, E.REASON_REQUIRED, _("请填写撤销原因"))
    return _perform(actor=actor, order=order, action=Action.CANCEL, comment=reason, now=now)


@transaction.atomic
def order_pause(*, actor, order, reason: str, now=None) -> WorkOrder:
    """Pause the clock while waiting for the customer (WO-5), with an audited reason."""
    _require(reason, E.REASON_REQUIRED, _("请填写暂停计时原因"))

    def body(o, now):
        if o.is_paused:
            raise WorkOrderError(_("计时已暂停"), code=E.CLOCK_ALREADY_PAUSED, status=409)
        o.paused_at = now
        o.pause_reason = reason
        return Change(data={"reason": reason})

    return _perform(actor=actor, order=order, action=Action.PAUSE, comment=reason, body=body, now=now)


@transaction.atomic
def order_resume(*, actor, order, comment: str = "", now=None) -> WorkOrder:
    """Resume the clock; the deadlines move by the business time spent paused."""

    def body(o, now):
        if not o.is_paused:
            raise WorkOrderError(_("计时未暂停"), code=E.CLOCK_NOT_PAUSED, status=409)
        return Change(data={"paused_seconds": _resume_clock(o, now)})

    return _perform(actor=actor, order=order, action=Action.RESUME, comment=comment, body=body, now=now)


@transaction.atomic
def order_attach(*, actor, order, files: Sequence, comment: str = "", now=None) -> WorkOrder:
    """Attach files to an open order (WO-6); they are stored outside the database."""
    if not files:
        raise WorkOrderError(_("请选择文件"), code=E.ATTACHMENT_MISSING)
    return _perform(actor=actor, order=order, action=Action.ATTACH, comment=comment, files=files, now=now)


@transaction.atomic
def order_link_oa(*, actor, order, oa_reference: str, oa_url: str = "", now=None) -> WorkOrder:
    """Link the order to the office (OA) system for supervision across departments (WO-10)."""
    now = now or timezone.now()
    locked = _lock(order)
    _check_scope(locked, actor)
    if actor.role not in (Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise ActionNotPermitted(_("您的角色不能关联OA"))
    before = {"oa_reference": locked.oa_reference, "oa_url": locked.oa_url}
    locked.oa_reference, locked.oa_url = oa_reference, oa_url
    event = _event(
        locked,
        action=SystemEvent.OA_LINK,
        actor=actor,
        now=now,
        comment="",
        before_state=locked.state,
        before_holder=holder_of(locked).ref,
        data={"oa_reference": oa_reference, "oa_url": oa_url},
    )
    _save(locked)
    _outbox(locked, event, SystemEvent.PAST[SystemEvent.OA_LINK])
    audit.record(actor=actor, action="workorders.oa_link", obj=locked, changes={"before": before})
    return locked


# ---------------------------------------------------------------------------------------------
# the sweep's writes (WO-5): each claims its flag with a conditional UPDATE, so two workers running
# the sweep at once never warn, urge or escalate the same order twice.


def _claim(order_id: int, **flags) -> bool:
    field_name = next(iter(flags))
    return bool(WorkOrder.objects.filter(pk=order_id, **{f"{field_name}__isnull": True}).update(**flags))


@transaction.atomic
def order_sla_warn(*, order_id: int, now: datetime) -> bool:
    """Flag an order close to its deadline and tell its holder. False when already flagged."""
    if not _claim(order_id, warned_at=now):
        return False
    order = _lock(WorkOrder.objects.only("number").get(pk=order_id).number)
    if order.overdue_at is None:
        order.sla = SlaLevel.NEAR
    event = _event(
        order,
        action=SystemEvent.WARN,
        actor=None,
        now=now,
        comment="",
        before_state=order.state,
        before_holder=holder_of(order).ref,
        data={"order_due_at": order.order_due_at.isoformat() if order.order_due_at else None},
    )
    order.save(update_fields=["sla", "event_seq", "updated_at"])
    _outbox(order, event, SystemEvent.PAST[SystemEvent.WARN])
    _notify(order, event)
    return True


@transaction.atomic
def order_sla_step_overdue(*, order_id: int, now: datetime) -> bool:
    """A step is past its limit: urge the holder automatically. False when already done."""
    if not _claim(order_id, step_overdue_at=now):
        return False
    order = WorkOrder.objects.only("number", "state").get(pk=order_id)
    if transitions.rule_for(order.state, Action.URGE) is not None:
        order_urge(
            actor=None, order=order.number, comment=str(_("环节超时, 系统自动催办")), now=now, system=True
        )
    return True


@transaction.atomic
def order_sla_overdue(*, order_id: int, now: datetime) -> bool:
    """The order is past its deadline: flag it, urge the holder and escalate to the province's
    supervisors (WO-5). False when already done (idempotent)."""
    if not _claim(order_id, overdue_at=now):
        return False
    number = WorkOrder.objects.only("number").get(pk=order_id).number
    order = _lock(number)
    if transitions.rule_for(order.state, Action.URGE) is not None:
        order_urge(actor=None, order=number, comment=str(_("工单超时, 系统自动催办")), now=now, system=True)
        order = _lock(number)
    supervisors = list(
        Staff.objects.filter(role=Role.SUPERVISOR, province_id=order.province_id, is_active=True).order_by(
            "city_id", "job_number"
        )
    )
    # the order city's own supervisors first, then the province's
    supervisors.sort(key=lambda s: (s.city_id != order.city_id, s.job_number))
    order.sla = SlaLevel.OVERDUE
    order.escalated_at = now
    order.escalated_to = supervisors[0] if supervisors else None
    event = _event(
        order,
        action=SystemEvent.ESCALATE,
        actor=None,
        now=now,
        comment=str(_("工单超时, 升级至班长")),
        before_state=order.state,
        before_holder=holder_of(order).ref,
        data={"to": [s.job_number for s in supervisors]},
    )
    _save(order)
    _outbox(order, event, SystemEvent.PAST[SystemEvent.ESCALATE])
    audit.record(actor=None, action="workorders.escalate", obj=order, changes={"to": event.data["to"]})
    for supervisor in supervisors:
        _notify(order, event, channel=f"agent:{supervisor.job_number}")
    return True


# ---------------------------------------------------------------------------------------------
# flow configuration (SYS-3)


@transaction.atomic
def flow_publish(
    *,
    actor,
    code: str,
    definition: dict,
    name: str = "",
    kind: str = "",
    business_code: str = "",
    category_code: str = "",
    is_default: bool | None = None,
    note: str = "",
) -> FlowDefinition:
    """Publish a flow: validate ``definition`` against the transition table, check the departments
    and groups it names exist, and make it version n+1 of ``code`` (a new code starts at 1; ``name``
    and ``kind`` are then required). Orders already accepted keep the version they were accepted
    under. Administrators only."""
    if actor.role != Role.ADMINISTRATOR:
        raise ActionNotPermitted(_("只有系统管理员可以发布流程"))
    normalised = flows.validate(definition)
    specs = [s["holder"] for s in normalised["steps"] if "holder" in s]
    specs += [normalised["accept_holder"]] if "accept_holder" in normalised else []
    for spec in specs:
        if spec.startswith("department:") and not Department.objects.filter(code=spec[11:]).exists():
            raise WorkOrderError(_("部门 %(c)s 不存在") % {"c": spec[11:]}, code=E.INVALID_FLOW)
        if spec.startswith("group:") and not AgentGroup.objects.filter(code=spec[6:]).exists():
            raise WorkOrderError(_("班组 %(c)s 不存在") % {"c": spec[6:]}, code=E.INVALID_FLOW)
    # Race: two administrators publish the same flow at once; the lock on the current version
    # makes the second one number after the first.
    current = FlowDefinition.objects.select_for_update().filter(code=code, is_current=True).first()
    if current is None and not (name and kind in WorkOrderKind):
        raise WorkOrderError(_("新流程须填写名称和工单类型"), code=E.INVALID_FLOW)
    if current is not None:
        FlowDefinition.objects.filter(pk=current.pk).update(is_current=False)
    kind = kind or current.kind
    make_default = bool(is_default if is_default is not None else (current.is_default if current else False))
    if make_default:
        FlowDefinition.objects.filter(kind=kind, is_current=True, is_default=True).exclude(code=code).update(
            is_default=False
        )
    last = (
        FlowDefinition.objects.filter(code=code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    flow = FlowDefinition.objects.create(
        code=code,
        name=name or current.name,
        kind=kind,
        business_code=business_code if current is None or business_code else current.business_code,
        category_code=category_code if current is None or category_code else current.category_code,
        version=(last or 0) + 1,
        is_current=True,
        is_default=make_default,
        definition=normalised,
        published_by=actor.job_number,
        note=note,
    )
    audit.record(
        actor=actor,
        action="workorders.flow.publish",
        obj=flow,
        changes={"code": code, "version": flow.version},
    )
    return flow
