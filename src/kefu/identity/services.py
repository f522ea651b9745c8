"""Authentication of customers (AUTH-1..8) and what follows from it: grants, the lock, the security
notice, SMS one-time passwords, IVR password collection and service-password changes.

Secrets (service passwords, one-time passwords, IVR digits) are only ever passed to a check: they are
not logged, not audited, not stored, not put into an exception message (AUTH-3, AUTH-4).

A failed attempt is a fact to keep (AUTH-5, AUTH-8): the attempt, the failure count and the lock are
committed first, and only then is the failure raised as a problem (401 / 423).
"""

from __future__ import annotations

import secrets as pysecrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel
from kefu.core import audit, scope
from kefu.core.bus import publish_on_commit
from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError
from kefu.customers.models import Subscriber
from kefu.identity.choices import (
    AuthMethod,
    CollectionResult,
    CollectionState,
    FailureReason,
    GrantScope,
)
from kefu.identity.errors import AuthErrorCode
from kefu.identity.models import (
    AuthAttempt,
    AuthGrant,
    AuthLock,
    OtpChallenge,
    PasswordCollection,
    SecurityNoticeAck,
)
from kefu.ports.billing import get_billing

# Who may record that an ID document was shown in person (AUTH-1).
ID_SHOWN_ROLES = (Role.HALL_STAFF, Role.VIP_MANAGER)
# Who speaks for the IVR when it posts collected digits (AUTH-3); agents never do.
IVR_ROLES = (Role.IVR_SYSTEM, Role.ADMINISTRATOR)  # the IVR posts digits as its system account
OTP_MAX_ATTEMPTS = 3


def max_failures() -> int:
    return int(getattr(settings, "KEFU_AUTH_MAX_FAILURES", 3))


def lock_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_LOCK_MINUTES", 30)))


def grant_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_GRANT_MINUTES", 30)))


def otp_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_OTP_MINUTES", 5)))


class AuthFailed(DomainError):
    status = 401
    code = AuthErrorCode.AUTH_FAILED


class AuthLocked(DomainError):
    status = 423
    code = AuthErrorCode.AUTH_LOCKED


class AuthRequired(DomainError):
    status = 403
    code = AuthErrorCode.AUTH_REQUIRED


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
                tries_left=0,
            )
        raise AuthFailed(
            _("认证失败，还可尝试 %(n)d 次") % {"n": self.tries_left},
            tries_left=self.tries_left,
            reason=self.reason,
        )


# --- lookups ------------------------------------------------------------------------------------


def subscriber_in_scope(actor, number: str, *, for_update: bool = False) -> Subscriber:
    """The subscriber with ``number`` inside the actor's scope; 404 otherwise (existence undisclosed)."""
    rows = scope.restrict(Subscriber.objects.select_related("customer"), actor).filter(number=number)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    subscriber = rows.first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code="unknown_subscriber")
    return subscriber


def _active_call(actor, *, call_id: str | None = None, contact_id: int | None = None):
    """The actor's own answered call, named by call id or by the contact record it opened."""
    from kefu.telephony.choices import CallState
    from kefu.telephony.models import Call

    calls = scope.restrict(Call.objects.all(), actor).filter(agent=actor, state=CallState.ANSWERED)
    if call_id:
        return calls.filter(call_id=call_id).first()
    if contact_id:
        return calls.filter(contact_id=contact_id).first()
    return None


def _notice_required(subscriber: Subscriber) -> bool:
    return not SecurityNoticeAck.objects.filter(subscriber=subscriber).exists()


def _password_initial(subscriber: Subscriber) -> bool:
    record = get_billing().subscriber(subscriber.number)
    return bool(record.password_initial) if record is not None else bool(subscriber.password_initial)


def _otp_hash(salt: str, code: str) -> str:
    return salted_hmac("kefu.identity.otp", f"{salt}:{code}", algorithm="sha256").hexdigest()


# --- the attempt ---------------------------------------------------------------------------------


def _validate(method: str, channel: str, fields: dict) -> None:
    if method not in AuthMethod:
        raise DomainError(_("未知认证方式：%(m)s") % {"m": method}, code="validation_failed", status=400)
    if channel not in Channel:
        raise DomainError(_("未知渠道：%(c)s") % {"c": channel}, code="validation_failed", status=400)
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
    missing = [name for name in needed if not isinstance(fields.get(name), str) or not fields.get(name)]
    if missing:
        raise DomainError(
            _("缺少认证信息：%(f)s") % {"f": ", ".join(missing)},
            code="validation_failed",
            status=400,
            missing=missing,
        )
    if method == AuthMethod.CALLING_NUMBER and not (fields.get("call_id") or fields.get("contact_id")):
        raise DomainError(
            _("主叫号码认证需要当前呼叫"), code="validation_failed", status=400, missing=["call_id"]
        )


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and constant_time_compare(a.strip().upper(), b.strip().upper())


def _check(actor, subscriber: Subscriber, method: str, fields: dict) -> tuple[bool, str]:
    """Whether the evidence holds, and if not why (a FailureReason)."""
    billing = get_billing()
    number = subscriber.number
    if method in (AuthMethod.PASSWORD, AuthMethod.IVR_PASSWORD):
        ok = billing.check_service_password(number, fields["password"])
        return ok, "" if ok else FailureReason.WRONG_PASSWORD
    if method == AuthMethod.BROADBAND:
        password_ok = billing.check_service_password(number, fields["password"])
        if not _same(subscriber.broadband_account, fields["broadband_account"]):
            return False, FailureReason.ACCOUNT_MISMATCH
        return password_ok, "" if password_ok else FailureReason.WRONG_PASSWORD
    if method == AuthMethod.ID_NUMBER:
        password_ok = billing.check_service_password(number, fields["password"])
        if not _same(subscriber.customer.id_number, fields["id_number"]):
            return False, FailureReason.ID_MISMATCH
        return password_ok, "" if password_ok else FailureReason.WRONG_PASSWORD
    if method == AuthMethod.MEMBERSHIP_CARD:
        password_ok = billing.check_service_password(number, fields["password"])
        if not _same(subscriber.membership_card, fields["card_number"]):
            return False, FailureReason.CARD_MISMATCH
        return password_ok, "" if password_ok else FailureReason.WRONG_PASSWORD
    if method == AuthMethod.ID_SHOWN:
        ok = _same(subscriber.customer.id_number, fields["id_number"])
        return ok, "" if ok else FailureReason.ID_MISMATCH
    if method == AuthMethod.CALLING_NUMBER:
        call = _active_call(actor, call_id=fields.get("call_id"), contact_id=fields.get("contact_id"))
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
    ok = constant_time_compare(challenge.code_hash, _otp_hash(challenge.salt, fields["otp"].strip()))
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
        scope=GrantScope.CALLING_LINE if method == AuthMethod.CALLING_NUMBER else GrantScope.FULL,
        call_id=call_id or "",
        contact=contact,
        granted_at=now,
        expires_at=now + grant_period(),
    )


def _contact_for(actor, contact_id):
    if not contact_id:
        return None
    from kefu.contacts.models import ContactRecord

    contact = scope.restrict(ContactRecord.objects.all(), actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFoundError(_("接触记录不存在"), code="unknown_contact")
    return contact


@transaction.atomic
def _attempt(*, actor, subscriber: Subscriber, method: str, channel: str, fields: dict) -> AuthOutcome:
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
    if ok:
        if method != AuthMethod.CALLING_NUMBER and (lock.failures or lock.locked_until):
            lock.failures, lock.locked_until = 0, None
            lock.save(update_fields=["failures", "locked_until", "updated_at"])
        grant = _grant(actor=actor, subscriber=subscriber, method=method, call_id=call_id, contact=contact)
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
    )


def authenticate(*, actor, number: str, method: str, channel: str | None = None, **fields) -> AuthOutcome:
    """Authenticate the customer of ``number`` by ``method`` (AUTH-1). Fields by method: ``password``;
    ``broadband_account`` + ``password``; ``id_number`` + ``password``; ``id_number`` (shown in person,
    hall staff and VIP managers only); ``card_number`` + ``password``; ``call_id``/``contact_id``
    (calling number); ``otp``. Success: an :class:`AuthOutcome` and a grant. Failure: the attempt is
    committed, then :class:`AuthFailed` (401, ``tries_left``) or :class:`AuthLocked` (423,
    ``locked_until``) is raised."""
    if channel is None:
        channel = Channel.HALL if method == AuthMethod.ID_SHOWN else Channel.HOTLINE
    if method == AuthMethod.IVR_PASSWORD:
        raise DomainError(_("语音采集密码只能由自助语音平台提交"), code="validation_failed", status=400)
    subscriber = subscriber_in_scope(actor, number)
    _validate(method, channel, fields)
    if method == AuthMethod.ID_SHOWN and getattr(actor, "role", None) not in ID_SHOWN_ROLES:
        raise DomainError(
            _("只有营业厅人员或客户经理可以登记出示证件"),
            code=AuthErrorCode.METHOD_NOT_ALLOWED_FOR_ROLE,
            status=403,
        )
    outcome = _attempt(actor=actor, subscriber=subscriber, method=method, channel=channel, fields=fields)
    return outcome.raise_if_failed()


# --- grants (used by queries and business acceptance) ------------------------------------------


def grant_valid(*, actor, subscriber: Subscriber, full: bool) -> AuthGrant | None:
    """The actor's current grant on this subscriber (a full one when ``full``), if any. A grant tied
    to a call ends with the call."""
    from kefu.telephony.choices import CallState
    from kefu.telephony.models import Call

    grants = AuthGrant.objects.filter(staff=actor, subscriber=subscriber, expires_at__gt=timezone.now())
    if full:
        grants = grants.filter(scope=GrantScope.FULL)
    for grant in grants.order_by("-expires_at")[:5]:
        if grant.call_id and Call.objects.filter(call_id=grant.call_id, state=CallState.ENDED).exists():
            continue
        return grant
    return None


def require_grant(
    *, actor, subscriber: Subscriber, full: bool, call_id: str | None = None, contact_id: int | None = None
) -> AuthGrant:
    """Q-1's rule: a valid grant, or — for a query (not ``full``) — the actor's active call coming from
    this very line, which authenticates by calling number on the spot. Otherwise 403 ``auth_required``."""
    grant = grant_valid(actor=actor, subscriber=subscriber, full=full)
    if grant is not None:
        return grant
    if not full and (call_id or contact_id):
        call = _active_call(actor, call_id=call_id, contact_id=contact_id)
        if call is not None and call.calling_number == subscriber.number:
            outcome = _attempt(
                actor=actor,
                subscriber=subscriber,
                method=AuthMethod.CALLING_NUMBER,
                channel=Channel.HOTLINE,
                fields={"call_id": call.call_id},
            )
            if outcome.authenticated:
                return grant_valid(actor=actor, subscriber=subscriber, full=False)
    if full:
        message = _("办理业务前须先通过服务密码等方式认证客户身份")
    else:
        message = _("查询非来电号码须先认证客户身份")
    raise AuthRequired(message, number=subscriber.number)


# --- one-time passwords ---------------------------------------------------------------------------


@transaction.atomic
def otp_send(*, actor, number: str) -> OtpChallenge:
    """Send a 6-digit one-time password to the subscriber's own number through the SMS port. Earlier
    unused codes stop working. The code is kept only as a salted HMAC; the outbox masks it."""
    from kefu.notify import services as notify
    from kefu.notify.choices import MessagePurpose

    subscriber = subscriber_in_scope(actor, number)
    lock = AuthLock.objects.filter(subscriber=subscriber).first()
    if lock is not None and lock.is_locked():
        raise AuthLocked(
            _("该号码连续认证失败次数过多，认证已暂时关闭，请稍后再试"),
            locked_until=lock.locked_until.isoformat(),
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
        code_hash=_otp_hash(salt, code),
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


# --- security notice (AUTH-7) ---------------------------------------------------------------------


@transaction.atomic
def security_notice_acknowledge(*, actor, number: str) -> SecurityNoticeAck:
    """Remember that the one-time security notice was played for this subscriber (idempotent)."""
    subscriber = subscriber_in_scope(actor, number)
    ack, created = SecurityNoticeAck.objects.get_or_create(
        subscriber=subscriber,
        defaults={"staff": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit.record(actor=actor, action="identity.security_notice.acknowledge", obj=subscriber)
    return ack


# --- service password ------------------------------------------------------------------------------


def service_password_change(
    *, actor, number: str, old_password: str, new_password: str, channel: str = "hotline"
):
    """The customer changes their service password with the old one (AUTH-6). A wrong old password is a
    failed attempt like any other (it counts towards the lock)."""
    from kefu.customers.services import validate_service_password

    subscriber = subscriber_in_scope(actor, number)
    if not isinstance(old_password, str) or not old_password:
        raise DomainError(
            _("缺少认证信息：%(f)s") % {"f": "old_password"}, code="validation_failed", status=400
        )
    validate_service_password(new_password)
    if new_password == old_password:
        raise DomainError(_("新密码不能与原密码相同"), code="password_unchanged", status=400)
    outcome = _attempt(
        actor=actor, subscriber=subscriber, method=AuthMethod.PASSWORD, channel=channel,
        fields={"password": old_password},
    )  # fmt: skip
    outcome.raise_if_failed()
    get_billing().set_service_password(number, new_password, actor=actor)
    return subscriber


@transaction.atomic
def service_password_reset(*, actor, number: str, password: str) -> Subscriber:
    """A hall agent sets a new service password after checking the ID card (``kefu servicepassword``);
    the lock opens."""
    from kefu.customers.services import validate_service_password

    validate_service_password(password)
    subscriber = Subscriber.objects.filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code="unknown_subscriber")
    get_billing().set_service_password(number, password, actor=actor)
    AuthLock.objects.filter(subscriber=subscriber).update(failures=0, locked_until=None)
    audit.record(actor=actor, action="identity.service_password.reset", obj=subscriber)
    return subscriber


# --- IVR password collection (AUTH-3) -------------------------------------------------------------


@transaction.atomic
def password_collection_request(*, actor, call_id: str, number: str | None = None) -> PasswordCollection:
    """The agent asks the IVR to collect the caller's password for their active call."""
    from kefu.telephony.choices import CallState
    from kefu.telephony.models import Call

    call = scope.restrict(Call.objects.all(), actor).filter(call_id=call_id).first()
    if call is None:
        raise NotFoundError(_("呼叫不存在"), code="unknown_call")
    if call.agent_id != actor.pk:
        raise DomainError(_("该呼叫不是您正在处理的呼叫"), code="not_your_call", status=403)
    if call.state != CallState.ANSWERED:
        raise DomainError(_("该呼叫未在通话中"), code=AuthErrorCode.NO_ACTIVE_CALL, status=409)
    subscriber = subscriber_in_scope(actor, number or call.calling_number)
    collection = PasswordCollection.objects.create(call=call, subscriber=subscriber, agent=actor)
    audit.record(
        actor=actor, action="identity.password_collection.request", obj=subscriber,
        changes={"call_id": call.call_id, "collection": collection.pk},
    )  # fmt: skip
    return collection


def collection_in_scope(actor, collection_id: int) -> PasswordCollection:
    collection = (
        scope.restrict(PasswordCollection.objects.select_related("call", "subscriber"), actor)
        .filter(pk=collection_id)
        .first()
    )
    if collection is None:
        raise NotFoundError(_("密码采集请求不存在"), code="unknown_collection")
    return collection


@transaction.atomic
def password_collection_submit(
    *, actor, collection_id: int, digits: str
) -> tuple[PasswordCollection, AuthOutcome]:
    """The IVR posts the digits the caller keyed in; the agent learns pass, fail or locked by push."""
    collection = collection_in_scope(actor, collection_id)
    if getattr(actor, "role", None) not in IVR_ROLES:
        raise DomainError(_("只有自助语音平台可以提交采集的密码"), code="permission_denied", status=403)
    collection = (
        PasswordCollection.objects.select_for_update()
        .select_related("call", "subscriber", "agent")
        .get(pk=collection.pk)
    )
    if collection.state != CollectionState.WAITING:
        raise DomainError(_("该密码采集已完成"), code=AuthErrorCode.COLLECTION_DONE, status=409)
    if not isinstance(digits, str) or not digits.isdigit() or not 1 <= len(digits) <= 12:
        raise DomainError(_("采集的密码格式不正确"), code="validation_failed", status=400)
    outcome = _attempt(
        actor=collection.agent,
        subscriber=collection.subscriber,
        method=AuthMethod.IVR_PASSWORD,
        channel=Channel.HOTLINE,
        fields={
            "password": digits,
            "call_id": collection.call.call_id,
            "contact_id": collection.call.contact_id,
        },
    )
    if outcome.authenticated:
        result = CollectionResult.PASS
    elif outcome.locked:
        result = CollectionResult.LOCKED
    else:
        result = CollectionResult.FAIL
    collection.state = CollectionState.DONE
    collection.result = result
    collection.completed_at = timezone.now()
    collection.save(update_fields=["state", "result", "completed_at"])
    audit.record(
        actor=actor, action="identity.password_collection.complete", obj=collection.subscriber,
        changes={"collection": collection.pk, "result": result},
    )  # fmt: skip
    from kefu.telephony.services import agent_channel

    publish_on_commit(
        agent_channel(collection.agent.job_number),
        {
            "type": "ivr_auth",
            "collection_id": collection.pk,
            "call_id": collection.call.call_id,
            "number": collection.subscriber.number,
            "result": result,
            "tries_left": outcome.tries_left,
            "locked_until": outcome.locked_until.isoformat() if outcome.locked_until else None,
            "password_change_required": outcome.password_change_required,
            "security_notice_required": outcome.security_notice_required,
        },
    )
    return collection, outcome
