"""CTI events (VIEW-1): ring, answer and hangup. On answer the caller's view pops on the agent's
desktop (pushed over the bus to whichever web process holds the agent's event stream) and a contact
record opens; on hangup the contact closes with its duration.

Events are idempotent per (call, kind): a PBX that repeats an event changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts import services as contacts
from kefu.contacts.choices import Channel, Direction
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


@transaction.atomic
def cti_event(
    *,
    actor,
    kind: str,
    call_id: str,
    calling_number: str,
    called_number: str = "",
    agent_job_number: str,
    at: datetime | None = None,
) -> Call:
    """Apply one CTI event to its call."""
    if kind not in CallEventKind:
        raise DomainError(_("未知事件类型：%(k)s") % {"k": kind}, code=ErrorCode.VALIDATION_FAILED)
    at = at or timezone.now()
    agent = _agent(agent_job_number)
    if actor.pk != agent.pk and not scope.may_write_to(
        actor, province_id=agent.province_id, city_id=agent.city_id
    ):
        raise ScopeError(_("该座席不在您的数据权限范围内"))
    call = Call.objects.select_for_update().filter(call_id=call_id).first()
    if call is None:
        call = Call.objects.create(
            call_id=call_id,
            calling_number=calling_number,
            called_number=called_number,
            agent=agent,
            province_id=agent.province_id,
            city_id=agent.city_id,
            rang_at=at,
        )
    elif call.agent_id != agent.id and kind != CallEventKind.RING:
        raise DomainError(
            _("该呼叫不属于工号 %(j)s") % {"j": agent.job_number},
            code=TelephonyErrorCode.CALL_AGENT_MISMATCH,
            status=409,
        )

    if kind == CallEventKind.RING:
        if call.state == CallState.RINGING:
            publish_on_commit(
                agent_channel(agent.job_number),
                {
                    "type": "ringing",
                    "call_id": call.call_id,
                    "number": call.calling_number,
                },
            )
        return call

    if kind == CallEventKind.ANSWER:
        if call.state != CallState.RINGING:
            return call  # repeated answer: nothing to do
        subscriber = _subscriber_for(agent, calling_number)
        contact = contacts.contact_create(
            actor=agent,
            data=contacts.ContactInput(
                channel=Channel.HOTLINE,
                direction=Direction.INBOUND,
                number=calling_number,
                subscriber=subscriber,
                started_at=at,
                call_id=call_id,
                recording_ref=f"REC-{call_id}",
            ),
        )
        call.state = CallState.ANSWERED
        call.answered_at = at
        call.contact = contact
        call.save(update_fields=["state", "answered_at", "contact"])
        audit.record(actor=actor, action="call.answer", obj=call, changes={"agent": agent.job_number})
        publish_on_commit(
            agent_channel(agent.job_number),
            {
                "type": "screen_pop",
                "call_id": call.call_id,
                "number": calling_number,
                "known": subscriber is not None,
                "contact_id": contact.pk,
                "view_url": f"/desk/customers/{calling_number}/" if subscriber is not None else "",
            },
        )
        return call

    # hangup
    if call.state == CallState.ENDED:
        return call
    call.state = CallState.ENDED
    call.ended_at = at
    call.save(update_fields=["state", "ended_at"])
    if call.contact_id:
        contacts.contact_close(actor=agent, contact=call.contact, ended_at=max(at, call.contact.started_at))
    audit.record(actor=actor, action="call.hangup", obj=call)
    publish_on_commit(
        agent_channel(agent.job_number),
        {
            "type": "hangup",
            "call_id": call.call_id,
            "contact_id": call.contact_id,
        },
    )
    return call
