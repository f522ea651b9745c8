"""Routing's operations for the API and the desk: classify and offer a call, set an agent's state,
edit a seat, and the CTI events of routed calls. Each calls the router (:func:`client.router`) and
turns its :class:`~kefu.routing.core.RoutingError` into a problem+json error."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError, ScopeError
from kefu.core.models import Staff
from kefu.routing.choices import NotReadyReason
from kefu.routing.client import router
from kefu.routing.config import level_of
from kefu.routing.core import RoutingError
from kefu.routing.errors import RoutingErrorCode as Code
from kefu.routing.models import AgentGroup, AgentStateChange, RoutedCall, RoutingQueue, Seat
from kefu.routing.segments import home_of, national_number
from kefu.telephony import services as telephony
from kefu.telephony.choices import CallEventKind

SUPERVISORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)

_STATUS = {
    Code.CALL_EXISTS: 409,
    Code.UNKNOWN_CALL: 404,
    Code.UNKNOWN_QUEUE: 404,
    Code.UNKNOWN_AGENT: 404,
    Code.AGENT_NOT_LOGGED_IN: 409,
    Code.AGENT_BUSY: 409,
    Code.CALL_NOT_OFFERED: 409,
    Code.CALL_NOT_WAITING: 409,
    Code.NOT_IN_WRAPUP: 409,
    Code.INVALID_STATE: 422,
    Code.ROUTER_UNAVAILABLE: 503,
}


def _messages() -> dict[str, str]:
    return {
        Code.CALL_EXISTS: _("呼叫 %(subject)s 已经路由过"),
        Code.UNKNOWN_CALL: _("呼叫 %(subject)s 不存在"),
        Code.UNKNOWN_QUEUE: _("号码 %(subject)s 没有对应的路由队列"),
        Code.UNKNOWN_AGENT: _("工号 %(subject)s 没有座席"),
        Code.AGENT_NOT_LOGGED_IN: _("座席 %(subject)s 未签入"),
        Code.AGENT_BUSY: _("座席 %(subject)s 正在通话中"),
        Code.CALL_NOT_OFFERED: _("呼叫 %(subject)s 未在该座席振铃"),
        Code.CALL_NOT_WAITING: _("呼叫 %(subject)s 已不在排队或振铃中"),
        Code.NOT_IN_WRAPUP: _("座席 %(subject)s 不在话后处理中"),
        Code.INVALID_STATE: _("无效的座席状态或原因：%(subject)s"),
        Code.ROUTER_UNAVAILABLE: _("路由服务暂时不可用"),
    }


def domain_error(error: RoutingError, subject: str) -> DomainError:
    """The core's error as problem+json: the same code, a zh message naming the call or agent."""
    message = _messages().get(error.code, _("路由失败：%(subject)s")) % {"subject": subject}
    return DomainError(message, code=error.code, status=_STATUS.get(error.code, 409))


def _call(subject: str, command, **arguments):
    try:
        return command(**arguments)
    except RoutingError as error:
        raise domain_error(error, subject)


# --- calls ---------------------------------------------------------------------------------------


def call_offer(*, actor, call_id: str, calling_number: str, called_number: str) -> dict:
    """Classify a new call (queue by the called number, the caller's home city, their customer
    level) and offer it to the router (ORG-4, ORG-6, TIER-1)."""
    from kefu.customers.models import Subscriber

    queue = RoutingQueue.objects.filter(hotline=national_number(called_number)).first()
    if queue is None:
        raise domain_error(RoutingError(Code.UNKNOWN_QUEUE, ""), called_number)
    if not scope.may_write_to(actor, province_id=queue.province_id):
        raise ScopeError(_("该队列不在您的数据权限范围内"))
    home = home_of(calling_number)
    province_code = queue.province.code
    # a caller of another province (or of no known place) is out of area: the public tier first
    city = home[1] if home is not None and home[0] == province_code else None
    level = level_of(
        Subscriber.objects.filter(number=national_number(calling_number))
        .values_list("level", flat=True)
        .first()
    )
    return _call(
        call_id,
        router().offer,
        call_id=call_id,
        queue=queue.code,
        city=city,
        level=level,
        calling_number=calling_number,
        called_number=called_number,
    )


def call_get(*, actor, call_id: str, wait: float = 0) -> dict:
    row = RoutedCall.objects.filter(call_id=call_id).values_list("province_id", flat=True).first()
    if row is None:
        raise domain_error(RoutingError(Code.UNKNOWN_CALL, ""), call_id)
    if not scope.may_write_to(actor, province_id=row):
        raise ScopeError(_("该呼叫不在您的数据权限范围内"))
    if wait > 0:
        return _call(call_id, router().wait_call, call_id=call_id, wait=wait)
    return _call(call_id, router().call, call_id=call_id)


def cti_event(
    *,
    actor,
    kind: str,
    call_id: str,
    calling_number: str,
    called_number: str = "",
    agent_job_number: str = "",
    at: datetime | None = None,
):
    """A CTI event. For a routed call the router applies it first — ``ring`` is checked, ``answer`` →
    talking, ``hangup`` → wrap-up (an abandon while waiting), ``abandon``, ``no_answer`` → back to the
    front of the queue — then telephony records it (screen pop, contact record, seat rules) as for any
    call. A router refusal therefore changes nothing; ``abandon``/``no_answer`` of a call the router
    never saw: 404 ``unknown_call``.

    The router is called outside telephony's transaction on purpose: telephony locks the agent's
    ``Staff`` row, and the router process writes ``AgentStatus`` rows that reference it — waiting for
    the router while holding that lock would deadlock across the two processes."""
    routed = RoutedCall.objects.filter(call_id=call_id).exists()
    if kind in CallEventKind.AGENT_OPTIONAL and not routed:
        raise domain_error(RoutingError(Code.UNKNOWN_CALL, ""), call_id)
    if routed and agent_job_number and kind != CallEventKind.ABANDON:
        # the reporter's right to speak for this agent, checked before the router changes anything
        staff = _staff(agent_job_number)
        if actor.pk != staff.pk and not scope.may_write_to(
            actor, province_id=staff.province_id, city_id=staff.city_id
        ):
            raise ScopeError(_("该座席不在您的数据权限范围内"))
    if routed:
        r = router()
        if kind == CallEventKind.RING:
            _call(call_id, r.ring, call_id=call_id, agent=agent_job_number)
        elif kind == CallEventKind.ANSWER:
            _call(call_id, r.answer, call_id=call_id, agent=agent_job_number)
        elif kind == CallEventKind.HANGUP:
            try:
                r.hangup(call_id=call_id)
            except RoutingError as error:
                if error.code != Code.UNKNOWN_CALL:  # ended already (a repeated hangup): nothing to do
                    raise domain_error(error, call_id)
        elif kind == CallEventKind.ABANDON:
            _call(call_id, r.abandon, call_id=call_id)
        elif kind == CallEventKind.NO_ANSWER:
            _call(call_id, r.no_answer, call_id=call_id, agent=agent_job_number)
    return telephony.cti_event(
        actor=actor,
        kind=kind,
        call_id=call_id,
        calling_number=calling_number,
        called_number=called_number,
        agent_job_number=agent_job_number,
        at=at,
    )


# --- agents --------------------------------------------------------------------------------------


def _staff(job_number: str) -> Staff:
    staff = Staff.objects.filter(job_number=job_number, is_active=True).first()
    if staff is None:
        raise NotFoundError(_("工号 %(j)s 不存在") % {"j": job_number}, code=Code.UNKNOWN_AGENT)
    return staff


def _may_act_for(actor, staff: Staff) -> None:
    """An agent acts for themselves; a supervisor (or administrator) for anyone in their scope."""
    if actor.pk == staff.pk:
        return
    if actor.role not in SUPERVISORS or not scope.may_write_to(
        actor, province_id=staff.province_id, city_id=staff.city_id
    ):
        raise ScopeError(_("只有本人或其班长可以设置座席状态"))


def agent_check(*, actor, job_number: str) -> Staff:
    """The agent exists and the actor may act for them (before a request body is even read)."""
    staff = _staff(job_number)
    _may_act_for(actor, staff)
    return staff


def agent_state_set(*, actor, job_number: str, state: str, reason: str = "") -> dict:
    staff = _staff(job_number)
    _may_act_for(actor, staff)
    if reason and reason not in NotReadyReason:
        raise domain_error(RoutingError(Code.INVALID_STATE, ""), reason)
    answer = _call(job_number, router().set_state, job_number=job_number, state=state, reason=reason,
                   by=actor.job_number)  # fmt: skip
    audit.record(
        actor=actor, action="routing.agent_state", obj=staff, changes={"state": state, "reason": reason}
    )
    return answer


def agent_wrapup_end(*, actor, job_number: str) -> dict:
    staff = _staff(job_number)
    _may_act_for(actor, staff)
    return _call(job_number, router().end_wrapup, job_number=job_number, by=actor.job_number)


def agent_get(*, actor, job_number: str) -> dict:
    """The agent's state now and their changes of today."""
    staff = _staff(job_number)
    _may_act_for(actor, staff)
    answer = _call(job_number, router().agent, job_number=job_number)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    answer["history"] = [
        {"state": s, "reason": r, "at": at.isoformat(), "by": by, "call_id": c}
        for s, r, at, by, c in AgentStateChange.objects.filter(staff=staff, at__gte=today)
        .order_by("at", "id")
        .values_list("state", "reason", "at", "by", "call_id")
    ]
    return answer


# --- seats ---------------------------------------------------------------------------------------


def seat_get(*, actor, job_number: str) -> Seat:
    staff = _staff(job_number)
    seat = Seat.objects.filter(staff=staff).prefetch_related("groups").first()
    if seat is None or not scope.in_scope(seat, actor):
        raise NotFoundError(_("工号 %(j)s 没有座席") % {"j": job_number}, code=Code.UNKNOWN_AGENT)
    return seat


@transaction.atomic
def seat_update(*, actor, job_number: str, groups: list[str] | None = None, skills: dict | None = None,
                contact: str | None = None) -> Seat:  # fmt: skip
    """A supervisor changes a seat's groups, skills (ORG-6) or contact; the router takes it at once."""
    if actor.role not in SUPERVISORS:
        raise ScopeError(_("只有班长可以修改座席的技能和逻辑组"))
    seat = seat_get(actor=actor, job_number=job_number)
    staff = seat.staff
    if not scope.may_write_to(actor, province_id=staff.province_id, city_id=staff.city_id):
        raise ScopeError(_("该座席不在您的数据权限范围内"))
    changes: dict = {}
    if groups is not None:
        found = list(AgentGroup.objects.filter(code__in=groups, province_id=staff.province_id))
        unknown = sorted(set(groups) - {g.code for g in found})
        if unknown:
            raise DomainError(
                _("未知的逻辑组：%(g)s") % {"g": ", ".join(unknown)}, code="validation_failed", status=400
            )
        seat.groups.set(found)
        changes["groups"] = sorted(groups)
    if skills is not None:
        seat.skills = {str(k): int(v) for k, v in skills.items()}
        changes["skills"] = seat.skills
    if contact is not None:
        seat.contact = contact
        changes["contact"] = contact
    seat.save()
    audit.record(actor=actor, action="routing.seat_update", obj=staff, changes=changes)
    _call(job_number, router().upsert_seat, job_number=job_number)
    return seat


# --- queues --------------------------------------------------------------------------------------


def queue_get(*, actor, code: str) -> RoutingQueue:
    queue = scope.restrict(RoutingQueue.objects.select_related("province"), actor).filter(code=code).first()
    if queue is None:
        raise domain_error(RoutingError(Code.UNKNOWN_QUEUE, ""), code)
    return queue


@transaction.atomic
def queue_update(*, actor, queue: RoutingQueue, changes: dict) -> RoutingQueue:
    """A supervisor changes a queue's tiers, strategy, priority or limits; the router takes it at once."""
    if actor.role not in SUPERVISORS or not scope.may_write_to(actor, province_id=queue.province_id):
        raise ScopeError(_("只有班长可以修改路由队列"))
    for name, value in changes.items():
        setattr(queue, name, value)
    queue.save()
    audit.record(
        actor=actor, action="routing.queue_update", obj=queue, changes={k: str(v) for k, v in changes.items()}
    )
    _call(queue.code, router().reload)
    return queue
