"""CTI events (VIEW-1): ring, answer, hangup and resume. On answer the caller's view pops on the
agent's desktop (pushed over the bus to whichever web process holds the agent's event stream) and a
contact record opens; on hangup the contact closes with its duration.

A seat holds at most ``KEFU_CALLS_PER_SEAT`` calls (answered or on hold; default 1):

- ring or answer on a full seat: 409 ``seat_busy``, nothing recorded (the ACD routes elsewhere);
- answer with room left: the call in progress goes on hold (state ``held``) and the new one pops;
- resume of a held call: it is answered again (its view pops again) and the call in progress, if
  any, goes on hold; the seconds on hold are added to the call and to its contact record;
- hangup of any call, held or not, ends it and closes its contact record: nothing stays open.

Events are idempotent per (call, kind): a PBX that repeats an event changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts import services as contacts
from kefu.contacts.choices import Channel, ContactStatus, Direction
from kefu.contacts.models import ContactRecord
from kefu.core import audit, scope
from kefu.core.bus import publish_on_commit
from kefu.core.errors import DomainError, ErrorCode, NotFoundError, ScopeError
from kefu.core.models import Staff
from kefu.telephony.choices import CallEventKind, CallState
from kefu.telephony.errors import TelephonyErrorCode
from kefu.telephony.models import Call


def agent_channel(job_number: str) -> str:
    return f"agent:{job_number}"


def _agent(job_number: str) -> Staff:
    agent = Staff.objects.filter(job_number=job_number, is_active=True).first()
    if agent is None:
        raise NotFoundError(_("工号 %(j)s 不存在") % {"j": job_number}, code=TelephonyErrorCode.UNKNOWN_AGENT)
    return agent


def _subscriber_for(agent: Staff, number: str):
    from kefu.customers.models import Subscriber

    return scope.restrict(Subscriber.objects.all(), agent).filter(number=number).first()


def calls_per_seat() -> int:
    return max(1, int(getattr(settings, "KEFU_CALLS_PER_SEAT", 1)))


def _on_seat(agent: Staff, *, besides: Call):
    """The agent's other calls that occupy the seat (answered or on hold), oldest first."""
    return (
        Call.objects.select_for_update()
        .filter(agent=agent, state__in=CallState.ON_SEAT)
        .exclude(pk=besides.pk)
        .order_by("answered_at", "id")
    )


def _refuse_if_full(agent: Staff, others: list[Call]) -> None:
    if len(others) >= calls_per_seat():
        raise DomainError(
            _("座席 %(j)s 正在通话中，请先挂机再接听新来电") % {"j": agent.job_number},
            code=TelephonyErrorCode.SEAT_BUSY,
            status=409,
            calls=[c.call_id for c in others],
        )


def _held_since(call: Call, at: datetime) -> int:
    return max(0, int((at - call.held_at).total_seconds())) if call.held_at else 0


def _hold(*, actor, call: Call, at: datetime) -> None:
    call.state, call.held_at = CallState.HELD, at
    call.save(update_fields=["state", "held_at"])
    audit.record(actor=actor, action="call.hold", obj=call)


def _end_hold(call: Call, at: datetime) -> None:
    """Count the time a held call spent on hold (into the call and its contact record)."""
    seconds = _held_since(call, at)
    call.held_at = None
    if not seconds:
        return
    call.held_seconds += seconds
    if call.contact_id:
        ContactRecord.objects.filter(pk=call.contact_id).update(
            held_seconds=models.F("held_seconds") + seconds
        )


def _held_list(agent: Staff, *, besides: Call | None = None) -> list[dict]:
    """The agent's calls on hold, as the desk shows them next to the call in progress."""
    rows = Call.objects.filter(agent=agent, state=CallState.HELD).order_by("held_at", "id")
    if besides is not None:
        rows = rows.exclude(pk=besides.pk)
    return [
        {"call_id": c.call_id, "number": c.calling_number, "contact_id": c.contact_id}
        for c in rows.only("call_id", "calling_number", "contact_id")
    ]


def _pop(agent: Staff, call: Call, subscriber, *, resumed: bool = False) -> None:
    publish_on_commit(
        agent_channel(agent.job_number),
        {
            "type": "screen_pop",
            "call_id": call.call_id,
            "number": call.calling_number,
            "known": subscriber is not None,
            "contact_id": call.contact_id,
            "view_url": f"/desk/customers/{call.calling_number}/" if subscriber is not None else "",
            # an unknown caller: the finder with the number, so the previous customer's view closes
            "find_url": ""
            if subscriber is not None
            else f"/desk/customers/?{urlencode({'q': call.calling_number})}",
            "held": _held_list(agent, besides=call),
            "resumed": resumed,
        },
    )


@transaction.atomic
def cti_event(
    *,
    actor,
    kind: str,
    call_id: str,
    calling_number: str,
    called_number: str = "",
    agent_job_number: str = "",
    at: datetime | None = None,
) -> Call | None:
    """Apply one CTI event to its call (the rules of the seat: see the module's docstring). An
    ``abandon`` or ``no_answer`` concerns a call that was never answered: the ringing stops on the
    agent's desk; without a call rung here there is nothing to record (None)."""
    if kind not in CallEventKind:
        raise DomainError(_("未知事件类型：%(k)s") % {"k": kind}, code=ErrorCode.VALIDATION_FAILED)
    at = at or timezone.now()
    if kind in CallEventKind.AGENT_OPTIONAL:
        return _ring_end(actor=actor, kind=kind, call_id=call_id, agent_job_number=agent_job_number, at=at)
    if not agent_job_number:
        raise DomainError(_("该事件必须提供座席工号"), code=ErrorCode.VALIDATION_FAILED)
    agent = _agent(agent_job_number)
    if actor.pk != agent.pk and not scope.may_write_to(
        actor, province_id=agent.province_id, city_id=agent.city_id
    ):
        raise ScopeError(_("该座席不在您的数据权限范围内"))
    # The race: two answers for one seat at once would both see a free seat. Locking the agent's row
    # makes every event of one seat wait for the previous one.
    Staff.objects.select_for_update().filter(pk=agent.pk).values_list("pk").first()
    call = Call.objects.select_for_update().filter(call_id=call_id).first()
    if call is None:
        if kind == CallEventKind.RESUME:
            raise NotFoundError(_("呼叫 %(c)s 不存在") % {"c": call_id}, code=TelephonyErrorCode.UNKNOWN_CALL)
        if kind in (CallEventKind.RING, CallEventKind.ANSWER):
            # a full seat takes no new call: the ACD should offer it to another seat
            _refuse_if_full(agent, list(_on_seat(agent, besides=Call())))
        call = Call.objects.create(
            call_id=call_id,
            calling_number=calling_number,
            called_number=called_number,
            agent=agent,
            province_id=agent.province_id,
            city_id=agent.city_id,
            rang_at=at,
        )
    elif call.agent_id != agent.id and kind == CallEventKind.ANSWER and call.state == CallState.RINGING:
        # it rang at several agents (the ACD's ring-all, or re-offered after a no answer): whoever
        # answers takes it
        call.agent = agent
        call.province_id, call.city_id = agent.province_id, agent.city_id
        call.save(update_fields=["agent", "province", "city"])
    elif call.agent_id != agent.id and kind != CallEventKind.RING:
        raise DomainError(
            _("该呼叫不属于工号 %(j)s") % {"j": agent.job_number},
            code=TelephonyErrorCode.CALL_AGENT_MISMATCH,
            status=409,
        )

    if kind == CallEventKind.RING:
        if call.state == CallState.RINGING and call.agent_id != agent.id:
            # offered again to another agent after a no answer (the ACD's re-queue): it rings there now
            call.agent = agent
            call.province_id, call.city_id = agent.province_id, agent.city_id
            call.save(update_fields=["agent", "province", "city"])
        if call.state == CallState.RINGING:
            publish_on_commit(
                agent_channel(agent.job_number),
                {"type": "ringing", "call_id": call.call_id, "number": call.calling_number},
            )
        return call
    if kind == CallEventKind.ANSWER:
        return _answer(actor=actor, agent=agent, call=call, at=at)
    if kind == CallEventKind.RESUME:
        return _resume(actor=actor, agent=agent, call=call, at=at)
    return _hangup(actor=actor, agent=agent, call=call, at=at)


def _answer(*, actor, agent: Staff, call: Call, at: datetime) -> Call:
    if call.state != CallState.RINGING:
        return call  # repeated answer: nothing to do
    others = list(_on_seat(agent, besides=call))
    _refuse_if_full(agent, others)
    for other in others:
        if other.state == CallState.ANSWERED:
            _hold(actor=actor, call=other, at=at)
    subscriber = _subscriber_for(agent, call.calling_number)
    contact = contacts.contact_create(
        actor=agent,
        data=contacts.ContactInput(
            channel=Channel.HOTLINE,
            direction=Direction.INBOUND,
            number=call.calling_number,
            subscriber=subscriber,
            started_at=at,
            call_id=call.call_id,
            recording_ref=f"REC-{call.call_id}",
        ),
    )
    call.state = CallState.ANSWERED
    call.answered_at = at
    call.contact = contact
    call.save(update_fields=["state", "answered_at", "contact"])
    audit.record(actor=actor, action="call.answer", obj=call, changes={"agent": agent.job_number})
    _pop(agent, call, subscriber)
    return call


def _resume(*, actor, agent: Staff, call: Call, at: datetime) -> Call:
    if call.state == CallState.ANSWERED:
        return call  # repeated resume
    if call.state != CallState.HELD:
        raise DomainError(
            _("该呼叫未处于保持状态"), code=TelephonyErrorCode.CALL_NOT_HELD, status=409, state=call.state
        )
    for other in _on_seat(agent, besides=call):
        if other.state == CallState.ANSWERED:
            _hold(actor=actor, call=other, at=at)
    _end_hold(call, at)
    call.state = CallState.ANSWERED
    call.save(update_fields=["state", "held_at", "held_seconds"])
    audit.record(actor=actor, action="call.resume", obj=call)
    _pop(agent, call, _subscriber_for(agent, call.calling_number), resumed=True)
    return call


def _hangup(*, actor, agent: Staff, call: Call, at: datetime) -> Call:
    if call.state == CallState.ENDED:
        return call
    if call.state == CallState.HELD:
        _end_hold(call, at)
    call.state = CallState.ENDED
    call.ended_at = at
    call.save(update_fields=["state", "ended_at", "held_at", "held_seconds"])
    if call.contact_id:
        contact = ContactRecord.objects.get(pk=call.contact_id)
        if contact.status == ContactStatus.OPEN:
            contacts.contact_close(actor=agent, contact=contact, ended_at=max(at, contact.started_at))
    audit.record(actor=actor, action="call.hangup", obj=call)
    publish_on_commit(
        agent_channel(agent.job_number),
        {
            "type": "hangup",
            "call_id": call.call_id,
            "contact_id": call.contact_id,
            "held": _held_list(agent),
        },
    )
    return call


def _ring_end(*, actor, kind: str, call_id: str, agent_job_number: str, at: datetime) -> Call | None:
    """The caller left (``abandon``) or the agent did not pick up (``no_answer``): a call ringing on a
    desk stops ringing there; an abandoned call ends. A call that never rang here: nothing to do."""
    call = (
        Call.objects.select_for_update(of=("self",)).filter(call_id=call_id).select_related("agent").first()
    )
    if call is None or call.state != CallState.RINGING:
        return call
    agent = call.agent
    if agent_job_number and (agent is None or agent.job_number != agent_job_number):
        return call  # it rings elsewhere by now
    if (
        actor is not None
        and agent is not None
        and actor.pk != agent.pk
        and not scope.may_write_to(actor, province_id=agent.province_id, city_id=agent.city_id)
    ):
        raise ScopeError(_("该座席不在您的数据权限范围内"))
    if kind == CallEventKind.ABANDON:
        call.state, call.ended_at = CallState.ENDED, at
        call.save(update_fields=["state", "ended_at"])
    audit.record(actor=actor, action=f"call.{kind}", obj=call)
    if agent is not None:
        publish_on_commit(
            agent_channel(agent.job_number), {"type": "ring_end", "call_id": call.call_id, "reason": kind}
        )
    return call
