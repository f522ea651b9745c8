"""Sending SMS, email and fax through the ports (Q-4, WO-7, AUTH-1 one-time passwords). Every message
sent is kept in the outbox with who sent it and for whom (secrets named by the caller are masked
there), audited, and announced to the listeners of :mod:`kefu.notify.hooks` in the same transaction
(``contacts`` makes it an outbound contact record, CON-1)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import DomainError, ErrorCode
from kefu.core.models import Province
from kefu.notify import hooks
from kefu.notify.adapters import get_email, get_fax, get_sms
from kefu.notify.choices import MessageChannel, MessagePurpose, MessageStatus
from kefu.notify.errors import NotifyErrorCode
from kefu.notify.models import OutgoingMessage

MASK = "******"
# a fax number: digits, optionally an area code joined by a hyphen and an extension (025-83001234-8)
FAX_NUMBER = re.compile(r"\d{3,4}-?\d{7,8}(-\d{1,6})?|\d{7,12}")


def _masked(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def _placement(*, actor, subscriber) -> tuple[int, int | None]:
    if subscriber is not None:
        return subscriber.home_province_id, subscriber.home_city_id
    if actor is not None and getattr(actor, "province_id", None):
        return actor.province_id, actor.city_id
    node = Province.objects.filter(code=getattr(settings, "KEFU_NODE_CODE", "")).values_list("id", flat=True)
    province_id = node.first()
    if province_id is None:
        raise DomainError(_("无法确定消息所属省份"), code=NotifyErrorCode.NO_PROVINCE)
    return province_id, None


def sms_sender() -> str:
    return getattr(settings, "KEFU_SMS_SENDER", "10086")


@transaction.atomic
def sms_send(
    *,
    actor,
    to: str,
    text: str,
    subscriber=None,
    purpose: str = MessagePurpose.NOTICE,
    secrets: tuple[str, ...] = (),
) -> OutgoingMessage:
    """Send one SMS through the SMS port and keep it in the outbox (``secrets`` masked there)."""
    if not to or not text:
        raise DomainError(_("短信接收号码和内容不能为空"), code=ErrorCode.VALIDATION_FAILED, status=400)
    placement = _placement(actor=actor, subscriber=subscriber)
    sender = sms_sender()
    receipt = get_sms().send(to=to, text=text, sender=sender)
    message = OutgoingMessage(
        channel=MessageChannel.SMS, to=to, text=_masked(text, secrets), sender=sender, number=to
    )
    return _keep(message, receipt, actor=actor, subscriber=subscriber, purpose=purpose, placement=placement)


@transaction.atomic
def email_send(
    *, actor, to: str, subject: str, text: str, subscriber=None, purpose: str = MessagePurpose.NOTICE
) -> OutgoingMessage:
    """Send one email through the email port and keep it in the outbox."""
    if not to or "@" not in to:
        raise DomainError(_("电子邮箱地址不正确"), code=NotifyErrorCode.INVALID_EMAIL, status=400)
    placement = _placement(actor=actor, subscriber=subscriber)
    receipt = get_email().send(to=to, subject=subject, text=text)
    message = OutgoingMessage(channel=MessageChannel.EMAIL, to=to, subject=subject[:120], text=text)
    return _keep(message, receipt, actor=actor, subscriber=subscriber, purpose=purpose, placement=placement)


@transaction.atomic
def fax_send(
    *, actor, to: str, subject: str, text: str, subscriber=None, purpose: str = MessagePurpose.NOTICE
) -> OutgoingMessage:
    """Send one fax through the fax port and keep it in the outbox."""
    to = (to or "").strip()
    if not FAX_NUMBER.fullmatch(to):
        raise DomainError(_("传真号码不正确"), code=NotifyErrorCode.INVALID_FAX, status=400)
    if not text:
        raise DomainError(_("传真内容不能为空"), code=ErrorCode.VALIDATION_FAILED, status=400)
    placement = _placement(actor=actor, subscriber=subscriber)
    receipt = get_fax().send(to=to, subject=subject, text=text)
    message = OutgoingMessage(channel=MessageChannel.FAX, to=to, subject=subject[:120], text=text)
    return _keep(message, receipt, actor=actor, subscriber=subscriber, purpose=purpose, placement=placement)


def _keep(
    message: OutgoingMessage, receipt, *, actor, subscriber, purpose: str, placement
) -> OutgoingMessage:
    """Store a message the port was given, with the port's receipt, who sent it and for whom; audit it
    and tell the listeners of :mod:`kefu.notify.hooks` (all inside the caller's transaction)."""
    message.purpose = purpose
    message.status = MessageStatus.SENT if receipt.accepted else MessageStatus.FAILED
    message.error = (receipt.error or "")[:200]
    message.gateway_id = receipt.message_id[:64]
    message.subscriber = subscriber
    if subscriber is not None:
        message.number = subscriber.number
    message.sent_by = actor if getattr(actor, "is_authenticated", False) else None
    message.province_id, message.city_id = placement
    message.save()
    audit.record(
        actor=actor,
        action=f"notify.{message.channel}.send",
        obj=message,
        changes={"to": message.to, "purpose": message.purpose, "status": message.status},
        province_id=message.province_id,
        city_id=message.city_id,
    )
    hooks.message_sent(message, actor=actor)
    return message
