"""One authentication attempt (AUTH-1, AUTH-5, AUTH-8): validate, check the evidence, log, count towards
the lock, grant; ``authenticate`` raises only after the attempt is committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel
from kefu.contacts.models import ContactRecord
from kefu.core import audit, scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.formats import local_datetime
from kefu.customers.models import Subscriber
from kefu.identity.choices import (
    AuthMethod,
    FailureReason,
)
from kefu.identity.errors import AuthErrorCode, AuthFailed, AuthLocked
from kefu.identity.models import (
    AuthAttempt,
    AuthGrant,
    AuthLock,
    OtpChallenge,
    SecurityNoticeAck,
)
from kefu.identity.services.otp import otp_hash
from kefu.identity.services.policy import (
    ID_SHOWN_ROLES,
    OTP_MAX_ATTEMPTS,
    active_call,
    grant_period,
    grant_scope,
    is_self_service,
    lock_period,
    max_failures,
    otp_period,
    require_customer_keyed,
    subscriber_in_scope,
)
from kefu.ports.billing import get_billing


@dataclass(frozen=True)
class AuthOutcome:
    """The answer to one attempt. ``tries_left`` counts the attempts before the lock closes."""

    authenticated: bool
    method: str
    number: str
    scope: str = ""
    grant_expires_at: datetime | None = None
    password_change_required: bool = False
    security_notice_required: bool = False
    tries_left: int = 0
    locked_until: datetime | None = None
    reason: str = ""
    second_factor_required: bool = False

    @property
    def locked(self) -> bool:
        return self.reason == FailureReason.LOCKED

    def raise_if_failed(self) -> AuthOutcome:
        if self.authenticated:
            return self
        if self.locked:
            raise AuthLocked(
                _("该号码连续认证失败次数过多，认证已暂时关闭，请稍后再试"),
                locked_until=self.locked_until.isoformat() if self.locked_until else None,
                locked_until_display=local_datetime(self.locked_until),  # server's time zone (SYS-1)
                tries_left=0,
            )
        raise AuthFailed(
            _("认证失败，还可尝试 %(n)d 次") % {"n": self.tries_left},
            tries_left=self.tries_left,
            reason=self.reason,
        )


def _notice_required(subscriber: Subscriber) -> bool:
    return not SecurityNoticeAck.objects.filter(subscriber=subscriber).exists()


def _password_initial(subscriber: Subscriber) -> bool:
    record = get_billing().subscriber(subscriber.number)
    return bool(record.password_initial) if record is not None else bool(subscriber.password_initial)


def _validate(method: str, channel: str, fields: dict) -> None:
    if method not in AuthMethod:
        raise DomainError(
            _("未知认证方式：%(m)s") % {"m": method}, code=ErrorCode.VALIDATION_FAILED, status=400
        )
    if channel not in Channel:
        raise DomainError(_("未知渠道：%(c)s") % {"c": channel}, code=ErrorCode.VALIDATION_FAILED, status=400)
    needed = {
        AuthMethod.PASSWORD: ("password",),
        AuthMethod.IVR_PASSWORD: ("password",),
        AuthMethod.BROADBAND: ("broadband_account", "password"),
        AuthMethod.ID_NUMBER: ("id_number", "password"),
        AuthMethod.ID_SHOWN: ("id_number",),
        AuthMethod.MEMBERSHIP_CARD: ("card_number", "password"),
        AuthMethod.OTP: ("otp",),
        AuthMethod.CALLING_NUMBER: (),
    }[method]
    if fields.get("fact_hash"):  # a collection carries the document's fact as a digest
        needed = tuple(
            name for name in needed if name not in ("broadband_account", "id_number", "card_number")
        )
    missing = [name for name in needed if not isinstance(fields.get(name), str) or not fields.get(name)]
    if missing:
        raise DomainError(
            _("缺少认证信息：%(f)s") % {"f": ", ".join(missing)},
            code=ErrorCode.VALIDATION_FAILED,
            status=400,
            missing=missing,
        )
    if method == AuthMethod.CALLING_NUMBER and not (fields.get("call_id") or fields.get("contact_id")):
        raise DomainError(
            _("主叫号码认证需要当前呼叫"), code=ErrorCode.VALIDATION_FAILED, status=400, missing=["call_id"]
        )


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and constant_time_compare(a.strip().upper(), b.strip().upper())


def fact_digest(salt: str, value: str) -> str:
    """A salted HMAC of a fact staff read from a document (ID number, card, broadband account), so a
    collection waiting for the customer's password keeps no personal data in clear."""
    normalised = (value or "").strip().upper()
    return salted_hmac("kefu.identity.fact", f"{salt}:{normalised}", algorithm="sha256").hexdigest()


def _fact_matches(recorded: str, fields: dict, field: str) -> bool:
    if fields.get("fact_hash"):
        return bool(recorded) and constant_time_compare(
            fact_digest(fields["fact_salt"], recorded), fields["fact_hash"]
        )
    return _same(recorded, fields[field])


# methods that take the service password and one more fact: (the fact on record, the input field,
# the failure when they differ)
_PASSWORD_AND_RECORD = {
    AuthMethod.BROADBAND: (
        lambda s: s.broadband_account,
        "broadband_account",
        FailureReason.ACCOUNT_MISMATCH,
    ),
    AuthMethod.ID_NUMBER: (lambda s: s.customer.id_number, "id_number", FailureReason.ID_MISMATCH),
    AuthMethod.MEMBERSHIP_CARD: (lambda s: s.membership_card, "card_number", FailureReason.CARD_MISMATCH),
}


def _check(actor, subscriber: Subscriber, method: str, fields: dict) -> tuple[bool, str]:
    """Whether the evidence holds, and if not why (a FailureReason)."""
    billing = get_billing()
    number = subscriber.number
    if method in (AuthMethod.PASSWORD, AuthMethod.IVR_PASSWORD):
        ok = billing.check_service_password(number, fields["password"])
        return ok, "" if ok else FailureReason.WRONG_PASSWORD
    if method in _PASSWORD_AND_RECORD:
        # the password is checked whatever the record says, so both cost the same time
        recorded, field, mismatch = _PASSWORD_AND_RECORD[method]
        password_ok = billing.check_service_password(number, fields["password"])
        if not _fact_matches(recorded(subscriber), fields, field):
            return False, mismatch
        return password_ok, "" if password_ok else FailureReason.WRONG_PASSWORD
    if method == AuthMethod.ID_SHOWN:
        ok = _same(subscriber.customer.id_number, fields["id_number"])
        return ok, "" if ok else FailureReason.ID_MISMATCH
    if method == AuthMethod.CALLING_NUMBER:
        call = active_call(actor, call_id=fields.get("call_id"), contact_id=fields.get("contact_id"))
        ok = call is not None and call.calling_number == number
        return ok, "" if ok else FailureReason.NOT_CALLING_LINE
    # one-time password
    challenge = (
        OtpChallenge.objects.select_for_update()
        .filter(subscriber=subscriber, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    now = timezone.now()
    if challenge is None or challenge.expires_at <= now or challenge.attempts >= OTP_MAX_ATTEMPTS:
        return False, FailureReason.OTP_EXPIRED
    challenge.attempts += 1
    ok = constant_time_compare(challenge.code_hash, otp_hash(challenge.salt, fields["otp"].strip()))
    if ok:
        challenge.used_at = now
    challenge.save(update_fields=["attempts", "used_at"])
    return ok, "" if ok else FailureReason.WRONG_OTP


def _log(*, actor, subscriber, method, channel, success, reason, call_id) -> AuthAttempt:
    return AuthAttempt.objects.create(
        subscriber=subscriber,
        number=subscriber.number,
        method=method,
        channel=channel,
        staff=actor if getattr(actor, "is_authenticated", False) else None,
        success=success,
        reason=reason,
        customer_type=subscriber.customer.customer_type,
        user_type=subscriber.user_type,
        level=subscriber.level,
        network_type=subscriber.network_type,
        call_id=call_id or "",
        province_id=subscriber.home_province_id,
        city_id=subscriber.home_city_id,
    )


def _grant(*, actor, subscriber, method, call_id="", contact=None) -> AuthGrant:
    now = timezone.now()
    return AuthGrant.objects.create(
        subscriber=subscriber,
        staff=actor,
        method=method,
        scope=grant_scope(actor, method),
        call_id=call_id or "",
        contact=contact,
        granted_at=now,
        expires_at=now + grant_period(),
    )


def _contact_for(actor, contact_id):
    if not contact_id:
        return None

    contact = scope.restrict(ContactRecord.objects.all(), actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFoundError(_("接触记录不存在"), code=AuthErrorCode.UNKNOWN_CONTACT)
    return contact


@transaction.atomic
def attempt(*, actor, subscriber: Subscriber, method: str, channel: str, fields: dict) -> AuthOutcome:
    """One attempt, committed with its log line, failure count and grant; never raises on failure."""
    now = timezone.now()
    lock, _created = AuthLock.objects.select_for_update().get_or_create(subscriber=subscriber)
    if lock.locked_until and lock.locked_until <= now:
        # the period is over: the counter starts afresh (AUTH-5)
        lock.failures, lock.locked_until = 0, None
        lock.save(update_fields=["failures", "locked_until", "updated_at"])
    counted = method in AuthMethod.SECRET
    call_id = fields.get("call_id") or ""
    contact = _contact_for(actor, fields.get("contact_id"))
    if contact is not None and not call_id:
        call_id = contact.call_id
    if counted and lock.is_locked(now):
        ok, reason = False, FailureReason.LOCKED
    else:
        ok, reason = _check(actor, subscriber, method, fields)
    _log(actor=actor, subscriber=subscriber, method=method, channel=channel, success=ok, reason=reason,
         call_id=call_id)  # fmt: skip
    grant = None
    # self-service (004): the service password is the first factor; the SMS code then opens the grant
    second_factor = ok and method in AuthMethod.SERVICE_PASSWORD and is_self_service(actor)
    if ok:
        if method != AuthMethod.CALLING_NUMBER and (lock.failures or lock.locked_until):
            lock.failures, lock.locked_until = 0, None
            lock.save(update_fields=["failures", "locked_until", "updated_at"])
        if not second_factor:
            grant = _grant(
                actor=actor, subscriber=subscriber, method=method, call_id=call_id, contact=contact
            )
    elif counted and reason != FailureReason.LOCKED:
        lock.failures += 1
        if lock.failures >= max_failures():
            lock.locked_until = now + lock_period()
        lock.save(update_fields=["failures", "locked_until", "updated_at"])
    audit.record(
        actor=actor,
        action="identity.authenticate",
        obj=subscriber,
        changes={"method": method, "channel": channel, "success": ok, "reason": reason, "call_id": call_id},
    )
    locked_until = lock.locked_until if lock.is_locked(now) else None
    if locked_until is not None and not ok and counted:
        reason = FailureReason.LOCKED
    return AuthOutcome(
        authenticated=ok,
        method=method,
        number=subscriber.number,
        scope=grant.scope if grant else "",
        grant_expires_at=grant.expires_at if grant else None,
        password_change_required=ok and _password_initial(subscriber),
        security_notice_required=ok and _notice_required(subscriber),
        tries_left=max(0, max_failures() - lock.failures) if locked_until is None else 0,
        locked_until=locked_until,
        reason=reason,
        second_factor_required=second_factor,
    )


def first_factor_passed(*, actor, subscriber: Subscriber) -> bool:
    """Self-service: the service password was given by this session within the SMS code's lifetime."""
    return AuthAttempt.objects.filter(
        staff=actor,
        subscriber=subscriber,
        success=True,
        method__in=AuthMethod.SERVICE_PASSWORD,
        at__gte=timezone.now() - otp_period(),
    ).exists()


def authenticate(*, actor, number: str, method: str, channel: str | None = None, **fields) -> AuthOutcome:
    """Authenticate the customer of ``number`` by ``method`` (AUTH-1). Fields by method: ``password``;
    ``broadband_account`` + ``password``; ``id_number`` + ``password``; ``id_number`` (shown in person,
    hall staff and VIP managers only); ``card_number`` + ``password``; ``call_id``/``contact_id``
    (calling number); ``otp``. A method with a secret is refused first (403
    ``password_not_from_customer``, AUTH-3) unless the actor is where the customer keys it
    (``policy.customer_keyed``); staff go through a collection instead. In self-service the password
    is the first factor and the SMS code the second (409 ``first_factor_required`` when the code comes
    first). Success: an :class:`AuthOutcome` and a grant. Failure: the attempt is
    committed, then :class:`AuthFailed` (401, ``tries_left``) or :class:`AuthLocked` (423,
    ``locked_until``) is raised."""
    if channel is None:
        channel = Channel.HALL if method == AuthMethod.ID_SHOWN else Channel.HOTLINE
    if method == AuthMethod.IVR_PASSWORD:
        raise DomainError(
            _("语音采集密码只能由自助语音平台提交"), code=ErrorCode.VALIDATION_FAILED, status=400
        )
    if method in AuthMethod.CUSTOMER_KEYED:
        require_customer_keyed(actor)  # AUTH-3: before anything else, so nothing is checked or counted
    subscriber = subscriber_in_scope(actor, number)
    _validate(method, channel, fields)
    if (
        method == AuthMethod.OTP
        and is_self_service(actor)
        and not first_factor_passed(actor=actor, subscriber=subscriber)
    ):
        raise DomainError(
            _("请先输入服务密码，短信验证码是第二重验证"),
            code=AuthErrorCode.FIRST_FACTOR_REQUIRED,
            status=409,
        )
    if method == AuthMethod.ID_SHOWN and getattr(actor, "role", None) not in ID_SHOWN_ROLES:
        raise DomainError(
            _("只有营业厅人员或客户经理可以登记出示证件"),
            code=AuthErrorCode.METHOD_NOT_ALLOWED_FOR_ROLE,
            status=403,
        )
    outcome = attempt(actor=actor, subscriber=subscriber, method=method, channel=channel, fields=fields)
    return outcome.raise_if_failed()
