"""SMS one-time passwords (AUTH-1's ``otp`` method): sending a code, and its salted HMAC."""

from __future__ import annotations

import secrets as pysecrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.core.formats import local_datetime
from kefu.identity.errors import AuthErrorCode, AuthLocked
from kefu.identity.models import (
    AuthLock,
    OtpChallenge,
)
from kefu.identity.services.policy import otp_period, subscriber_in_scope
from kefu.notify import services as notify
from kefu.notify.choices import MessagePurpose


def otp_hash(salt: str, code: str) -> str:
    return salted_hmac("kefu.identity.otp", f"{salt}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def otp_send(*, actor, number: str) -> OtpChallenge:
    """Send a 6-digit one-time password to the subscriber's own number through the SMS port. Earlier
    unused codes stop working. The code is kept only as a salted HMAC; the outbox masks it."""
    subscriber = subscriber_in_scope(actor, number)
    lock = AuthLock.objects.filter(subscriber=subscriber).first()
    if lock is not None and lock.is_locked():
        raise AuthLocked(
            _("该号码连续认证失败次数过多，认证已暂时关闭，请稍后再试"),
            locked_until=lock.locked_until.isoformat(),
            locked_until_display=local_datetime(lock.locked_until),
            tries_left=0,
        )
    now = timezone.now()
    OtpChallenge.objects.filter(subscriber=subscriber, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{pysecrets.randbelow(10**6):06d}"
    salt = pysecrets.token_hex(8)
    challenge = OtpChallenge.objects.create(
        subscriber=subscriber,
        staff=actor if getattr(actor, "is_authenticated", False) else None,
        code_hash=otp_hash(salt, code),
        salt=salt,
        created_at=now,
        expires_at=now + otp_period(),
    )
    minutes = int(otp_period().total_seconds() // 60)
    text = _("您的短信验证码为%(code)s，%(m)d分钟内有效。请勿向任何人泄露。") % {"code": code, "m": minutes}
    message = notify.sms_send(
        actor=actor,
        to=subscriber.number,
        text=text,
        subscriber=subscriber,
        purpose=MessagePurpose.OTP,
        secrets=(code,),
    )
    if message.status != "sent":
        raise DomainError(_("短信发送失败，请稍后再试"), code=AuthErrorCode.OTP_NOT_SENT, status=502)
    audit.record(
        actor=actor,
        action="identity.otp.send",
        obj=subscriber,
        changes={"expires_at": str(challenge.expires_at)},
    )
    return challenge
