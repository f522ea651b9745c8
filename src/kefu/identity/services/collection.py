"""Secrets the customer keys for a member of staff (AUTH-3): the staff member asks a device the customer
holds — the IVR during a hotline call, the PIN pad paired with them at a counter — and the device posts
what the customer keyed. Staff learn pass, fail or locked only, by push; the grant is theirs."""

from __future__ import annotations

import secrets as pysecrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel
from kefu.core import audit, scope
from kefu.core.bus import publish_on_commit
from kefu.core.choices import Role
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.formats import local_datetime
from kefu.core.numbers import is_digits
from kefu.identity.choices import (
    AuthMethod,
    CollectionPurpose,
    CollectionResult,
    CollectionState,
    Collector,
)
from kefu.identity.errors import AuthErrorCode, PasswordNotFromCustomer
from kefu.identity.models import PasswordCollection, PinPad
from kefu.identity.selectors import password_locked_until
from kefu.identity.services.attempt import AuthOutcome, attempt, fact_digest
from kefu.identity.services.passwords import password_change_checked
from kefu.identity.services.policy import (
    PIN_PAD_HOLDER_ROLES,
    pin_pad_of,
    require_customer_keyed,
    require_device,
    subscriber_in_scope,
)
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call
from kefu.telephony.services import agent_channel

# the field staff fill from a document for each method that takes one (the customer keys the rest)
_FACT_FIELD = {
    AuthMethod.BROADBAND: "broadband_account",
    AuthMethod.ID_NUMBER: "id_number",
    AuthMethod.MEMBERSHIP_CARD: "card_number",
}


def _validate_request(method: str, purpose: str, fact: str) -> None:
    if purpose not in CollectionPurpose:
        raise DomainError(_("未知用途：%(p)s") % {"p": purpose}, code=ErrorCode.VALIDATION_FAILED, status=400)
    if method not in AuthMethod.COLLECTABLE:
        raise DomainError(
            _("该认证方式无需客户输入密码：%(m)s") % {"m": method},
            code=ErrorCode.VALIDATION_FAILED,
            status=400,
        )
    if purpose == CollectionPurpose.PASSWORD_CHANGE and method != AuthMethod.PASSWORD:
        raise DomainError(_("修改服务密码只需号码"), code=ErrorCode.VALIDATION_FAILED, status=400)
    if method in _FACT_FIELD and not (isinstance(fact, str) and fact.strip()):
        raise DomainError(
            _("缺少认证信息：%(f)s") % {"f": _FACT_FIELD[method]},
            code=ErrorCode.VALIDATION_FAILED,
            status=400,
            missing=[_FACT_FIELD[method]],
        )


def require_unlocked(subscriber) -> None:
    """AUTH-5: while the line's service password is locked, nothing is sent to the IVR or the PIN pad
    for the customer to key (409 ``password_locked``, with until when, in the server's time zone):
    the try could only fail. Showing an ID document at a counter (``id_shown``) needs no device and
    stays open."""
    until = password_locked_until(subscriber.pk)
    if until is not None:
        raise DomainError(
            locked_message(until),
            code=AuthErrorCode.PASSWORD_LOCKED,
            status=409,
            locked_until=until.isoformat(),
        )


def locked_message(until) -> str:
    return _("服务密码连续输错已锁定，%(t)s 后才能再次验证") % {"t": f"{until:%Y-%m-%d %H:%M}"}


def _create(
    *, actor, collector, subscriber, method, purpose, channel, call=None, fact=""
) -> PasswordCollection:
    salt = pysecrets.token_hex(8) if method in _FACT_FIELD else ""
    collection = PasswordCollection.objects.create(
        collector=collector,
        purpose=purpose,
        method=method,
        call=call,
        subscriber=subscriber,
        agent=actor,
        channel=channel,
        fact_salt=salt,
        fact_hash=fact_digest(salt, fact) if salt else "",
    )
    audit.record(
        actor=actor, action="identity.password_collection.request", obj=subscriber,
        changes={"collection": collection.pk, "collector": collector, "method": method, "purpose": purpose,
                 "call_id": call.call_id if call else ""},
    )  # fmt: skip
    return collection


@transaction.atomic
def password_collection_request(
    *, actor, call_id: str, number: str | None = None, method: str = AuthMethod.PASSWORD, fact: str = ""
) -> PasswordCollection:
    """The agent asks the IVR to collect the caller's password (with the ID number, card or broadband
    account the caller told them as ``fact``) or the SMS code, for their active call."""
    call = scope.restrict(Call.objects.all(), actor).filter(call_id=call_id).first()
    if call is None:
        raise NotFoundError(_("呼叫不存在"), code=AuthErrorCode.UNKNOWN_CALL)
    if call.agent_id != actor.pk:
        raise DomainError(_("该呼叫不是您正在处理的呼叫"), code=AuthErrorCode.NOT_YOUR_CALL, status=403)
    if call.state != CallState.ANSWERED:
        raise DomainError(_("该呼叫未在通话中"), code=AuthErrorCode.NO_ACTIVE_CALL, status=409)
    _validate_request(method, CollectionPurpose.AUTHENTICATE, fact)
    subscriber = subscriber_in_scope(actor, number or call.calling_number)
    require_unlocked(subscriber)
    return _create(
        actor=actor, collector=Collector.IVR, subscriber=subscriber, method=method,
        purpose=CollectionPurpose.AUTHENTICATE, channel=Channel.HOTLINE, call=call, fact=fact,
    )  # fmt: skip


@transaction.atomic
def pin_pad_request(
    *,
    actor,
    number: str,
    method: str = AuthMethod.PASSWORD,
    fact: str = "",
    purpose: str = CollectionPurpose.AUTHENTICATE,
) -> PasswordCollection:
    """Hall staff or a VIP manager ask their paired PIN pad to collect the customer's password (with the
    ID number, card or broadband account they read from the document as ``fact``), the SMS code, or
    the old and new password for a change. An earlier request still waiting on the pad is withdrawn."""
    subscriber = subscriber_in_scope(actor, number)
    _validate_request(method, purpose, fact)
    require_unlocked(subscriber)
    if pin_pad_of(actor) is None:
        raise DomainError(
            _("您没有绑定密码键盘，请联系系统管理员"), code=AuthErrorCode.NO_PIN_PAD, status=409
        )
    PasswordCollection.objects.filter(
        agent=actor, collector=Collector.PIN_PAD, state=CollectionState.WAITING
    ).update(state=CollectionState.DONE, completed_at=timezone.now())
    channel = Channel.VIP_MANAGER if actor.role == Role.VIP_MANAGER else Channel.HALL
    return _create(
        actor=actor, collector=Collector.PIN_PAD, subscriber=subscriber, method=method, purpose=purpose,
        channel=channel, fact=fact,
    )  # fmt: skip


def pin_pad_pending(*, actor) -> PasswordCollection | None:
    """The pad's screen: the request of its paired staff member still waiting for the customer."""
    if getattr(actor, "role", None) != Role.PIN_PAD:
        raise DomainError(_("只有密码键盘可以查看待输入的请求"), code=ErrorCode.PERMISSION_DENIED, status=403)
    pairing = PinPad.objects.filter(pad=actor).first()
    if pairing is None:
        return None
    return (
        PasswordCollection.objects.select_related("subscriber")
        .filter(agent_id=pairing.holder_id, collector=Collector.PIN_PAD, state=CollectionState.WAITING)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def pin_pad_pair(*, actor, pad, holder) -> PinPad:
    """An administrator pairs a PIN pad account with the hall staff member or VIP manager it serves
    (a pad serves one person; pairing again moves it)."""
    if getattr(actor, "role", None) != Role.ADMINISTRATOR and actor is not None:
        raise DomainError(_("只有系统管理员可以绑定密码键盘"), code=ErrorCode.PERMISSION_DENIED, status=403)
    if pad.role != Role.PIN_PAD:
        raise DomainError(_("该账号不是密码键盘"), code=ErrorCode.VALIDATION_FAILED, status=400)
    if holder.role not in PIN_PAD_HOLDER_ROLES:
        raise DomainError(
            _("密码键盘只能绑定营业厅人员或客户经理"),
            code=AuthErrorCode.NOT_A_PIN_PAD_HOLDER,
            status=400,
        )
    pairing, _created = PinPad.objects.update_or_create(
        pad=pad, defaults={"holder": holder, "paired_at": timezone.now()}
    )
    audit.record(actor=actor, action="identity.pin_pad.pair", obj=pad, changes={"holder": holder.job_number})
    return pairing


def collection_in_scope(actor, collection_id: int) -> PasswordCollection:
    """A collection the actor may see: in their data scope, or — for a PIN pad — one addressed to it."""
    rows = PasswordCollection.objects.select_related("call", "subscriber")
    if getattr(actor, "role", None) == Role.PIN_PAD:
        pairing = PinPad.objects.filter(pad=actor).first()
        rows = rows.filter(agent_id=pairing.holder_id if pairing else None)
    else:
        rows = scope.restrict(rows, actor)
    collection = rows.filter(pk=collection_id).first()
    if collection is None:
        raise NotFoundError(_("密码采集请求不存在"), code=AuthErrorCode.UNKNOWN_COLLECTION)
    return collection


def _outcome_result(outcome: AuthOutcome) -> str:
    if outcome.authenticated:
        return CollectionResult.PASS
    return CollectionResult.LOCKED if outcome.locked else CollectionResult.FAIL


@transaction.atomic
def password_collection_submit(
    *, actor, collection_id: int, digits: str, new_digits: str | None = None
) -> tuple[PasswordCollection, AuthOutcome]:
    """The device posts what the customer keyed (``new_digits``: the new password of a change). Only
    the device the collection was addressed to may (403 ``password_not_from_customer`` otherwise,
    nothing checked or counted); the staff member learns pass, fail or locked by push."""
    require_device(actor)  # before the lookup: staff get 403 whatever the id
    try:
        collection = collection_in_scope(actor, collection_id)
    except NotFoundError:
        if actor.role != Role.PIN_PAD:
            raise
        # a pad sees only its own staff member's requests: any other is not addressed to it
        raise PasswordNotFromCustomer(_("该请求不是发给本密码键盘的")) from None
    collection = (
        PasswordCollection.objects.select_for_update(of=("self",))  # the call is an outer join
        .select_related("call", "subscriber", "agent")
        .get(pk=collection.pk)
    )
    require_customer_keyed(actor, collection=collection)
    if collection.state != CollectionState.WAITING:
        raise DomainError(_("该密码采集已完成"), code=AuthErrorCode.COLLECTION_DONE, status=409)
    if not isinstance(digits, str) or not is_digits(digits) or not 1 <= len(digits) <= 12:
        raise DomainError(_("采集的密码格式不正确"), code=ErrorCode.VALIDATION_FAILED, status=400)
    call_fields = (
        {"call_id": collection.call.call_id, "contact_id": collection.call.contact_id}
        if collection.call
        else {}
    )
    if collection.purpose == CollectionPurpose.PASSWORD_CHANGE:
        outcome = password_change_checked(
            actor=collection.agent, subscriber=collection.subscriber, old_password=digits,
            new_password=new_digits or "", channel=collection.channel,
        )  # fmt: skip
    else:
        method = collection.method
        if method == AuthMethod.PASSWORD and collection.collector == Collector.IVR:
            method = AuthMethod.IVR_PASSWORD  # logged as its own method (AUTH-8)
        secret = {"otp": digits} if method == AuthMethod.OTP else {"password": digits}
        facts = (
            {"fact_salt": collection.fact_salt, "fact_hash": collection.fact_hash}
            if collection.fact_hash
            else {}
        )
        outcome = attempt(
            actor=collection.agent,
            subscriber=collection.subscriber,
            method=method,
            channel=collection.channel,
            fields={**secret, **facts, **call_fields},
        )
    result = _outcome_result(outcome)
    collection.state = CollectionState.DONE
    collection.result = result
    collection.completed_at = timezone.now()
    collection.save(update_fields=["state", "result", "completed_at"])
    audit.record(
        actor=actor, action="identity.password_collection.complete", obj=collection.subscriber,
        changes={"collection": collection.pk, "collector": collection.collector, "result": result},
    )  # fmt: skip

    publish_on_commit(
        agent_channel(collection.agent.job_number),
        {
            "type": "ivr_auth",
            "collection_id": collection.pk,
            "collector": collection.collector,
            "purpose": collection.purpose,
            "call_id": collection.call.call_id if collection.call else "",
            "number": collection.subscriber.number,
            "result": result,
            "scope": outcome.scope,
            "grant_expires_at": outcome.grant_expires_at.isoformat() if outcome.grant_expires_at else None,
            "grant_expires_at_display": local_datetime(outcome.grant_expires_at),
            "tries_left": outcome.tries_left,
            "locked_until": outcome.locked_until.isoformat() if outcome.locked_until else None,
            "locked_until_display": local_datetime(outcome.locked_until),
            "password_change_required": outcome.password_change_required,
            "security_notice_required": outcome.security_notice_required,
        },
    )
    return collection, outcome
