"""Authentication policy and lookups shared by the flows: who may do what, the settings that bound
attempts, grants and one-time passwords, and finding a number or a call inside the actor's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.customers.models import Subscriber
from kefu.identity.choices import AuthMethod, Collector, GrantScope
from kefu.identity.errors import AuthErrorCode, PasswordNotFromCustomer
from kefu.identity.models import PinPad
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call

# Who may record that an ID document was shown in person (AUTH-1).
ID_SHOWN_ROLES = (Role.HALL_STAFF, Role.VIP_MANAGER)
# Who speaks for the IVR when it posts collected digits (AUTH-3); agents and administrators never do.
IVR_ROLES = (Role.IVR_SYSTEM,)
# Who may be paired with a PIN pad: the staff who serve customers face to face.
PIN_PAD_HOLDER_ROLES = (Role.HALL_STAFF, Role.VIP_MANAGER)
OTP_MAX_ATTEMPTS = 3


def max_failures() -> int:
    return int(getattr(settings, "KEFU_AUTH_MAX_FAILURES", 3))


def lock_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_LOCK_MINUTES", 30)))


def grant_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_GRANT_MINUTES", 30)))


def otp_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_OTP_MINUTES", 5)))


def subscriber_in_scope(actor, number: str, *, for_update: bool = False) -> Subscriber:
    """The subscriber with ``number`` the actor may serve; 404 otherwise (existence undisclosed). Hall
    and VIP staff serve walk-ins from any city of their province (SVC-1, ``scope.restrict_serving``):
    what they may then see or do still needs a grant, which this authentication gives."""
    rows = scope.restrict_serving(Subscriber.objects.select_related("customer"), actor).filter(number=number)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    subscriber = rows.first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code=AuthErrorCode.UNKNOWN_SUBSCRIBER)
    return subscriber


def active_call(actor, *, call_id: str | None = None, contact_id: int | None = None):
    """The actor's own answered call, named by call id or by the contact record it opened."""
    calls = scope.restrict(Call.objects.all(), actor).filter(agent=actor, state=CallState.ANSWERED)
    if call_id:
        return calls.filter(call_id=call_id).first()
    if contact_id:
        return calls.filter(contact_id=contact_id).first()
    return None


# --------------------------------------------------------------------------------------------------
# AUTH-3: who may pass on a secret the customer keyed. This is the one place that decides.

# Recognisers of a self-service session (web, SMS, IM bot): the ``selfservice`` app registers one with
# ``self_service_recogniser`` when it lands (a lower app must not import it, so it fills this registry).
_self_service_recognisers: list[Callable[[object], bool]] = []


def self_service_recogniser(recognise: Callable[[object], bool]) -> Callable[[object], bool]:
    """Register ``recognise(actor) -> bool``: true for a session the customer drives themself."""
    _self_service_recognisers.append(recognise)
    return recognise


def is_self_service(actor) -> bool:
    return any(recognise(actor) for recognise in _self_service_recognisers)


def pin_pad_of(holder) -> PinPad | None:
    """The PIN pad paired with this member of staff, if any."""
    return PinPad.objects.select_related("pad").filter(holder=holder, pad__is_active=True).first()


def customer_keyed(actor, *, collection=None) -> bool:
    """Whether a secret (service password, SMS code) coming from ``actor`` was keyed by the customer.

    Directly (no ``collection``): the IVR's system account (the caller keys into the IVR's own
    menus) and self-service sessions. For a collection: the device it was addressed to — the IVR for a
    call, the PIN pad paired with the staff member who asked. A member of staff never is, whatever
    their role, administrators included."""
    role = getattr(actor, "role", None)
    if collection is None:
        return role in IVR_ROLES or is_self_service(actor)
    if collection.collector == Collector.IVR:
        return role in IVR_ROLES
    return (
        role == Role.PIN_PAD
        and PinPad.objects.filter(pad_id=actor.pk, holder_id=collection.agent_id).exists()
    )


def may_post_for_staff(actor) -> bool:
    """Only a device (the IVR, a PIN pad) ever posts what a customer keyed for a member of staff; the
    collection itself then names which device (:func:`customer_keyed`)."""
    return getattr(actor, "role", None) in (*IVR_ROLES, Role.PIN_PAD)


def require_device(actor) -> None:
    """403 ``password_not_from_customer`` unless :func:`may_post_for_staff`, before anything is read."""
    if not may_post_for_staff(actor):
        raise PasswordNotFromCustomer(_("只有自助语音平台或密码键盘可以提交客户输入的密码"))


def require_customer_keyed(actor, *, collection=None) -> None:
    """403 ``password_not_from_customer`` unless :func:`customer_keyed`; raised before anything is
    checked, logged or counted."""
    if not customer_keyed(actor, collection=collection):
        raise PasswordNotFromCustomer(
            _("服务密码和短信验证码只能由客户本人在自助语音、自助渠道或密码键盘上输入"),
        )


def grant_scope(actor, method: str) -> str:
    """What a success opens. The calling number: queries on that line. The SMS code keyed for a member
    of staff confirms the caller for queries on that line only and never opens business acceptance
    (AUTH-2: the billing password is the one source); in self-service it is the second factor and
    opens everything (004)."""
    if method == AuthMethod.CALLING_NUMBER:
        return GrantScope.CALLING_LINE
    if method == AuthMethod.OTP and not is_self_service(actor):
        return GrantScope.CALLING_LINE
    return GrantScope.FULL
