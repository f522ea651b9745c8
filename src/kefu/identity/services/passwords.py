"""Service passwords (AUTH-6): the customer's change with the old password, the hall's reset."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.customers.models import Subscriber
from kefu.customers.services import validate_service_password
from kefu.identity.choices import (
    AuthMethod,
)
from kefu.identity.errors import AuthErrorCode
from kefu.identity.models import (
    AuthLock,
)
from kefu.identity.services.attempt import AuthOutcome, attempt
from kefu.identity.services.policy import require_customer_keyed, subscriber_in_scope
from kefu.ports.billing import get_billing


def service_password_change(
    *, actor, number: str, old_password: str, new_password: str, channel: str = "hotline"
):
    """The customer changes their service password with the old one (AUTH-6), keyed by the customer
    (AUTH-3: the IVR or a self-service session; at a counter through the PIN pad's collection). A wrong
    old password is a failed attempt like any other (it counts towards the lock)."""
    require_customer_keyed(actor)
    subscriber = subscriber_in_scope(actor, number)
    password_change_checked(
        actor=actor, subscriber=subscriber, old_password=old_password, new_password=new_password,
        channel=channel,
    ).raise_if_failed()  # fmt: skip
    return subscriber


def password_change_checked(
    *, actor, subscriber: Subscriber, old_password: str, new_password: str, channel: str
) -> AuthOutcome:
    """The change once the caller is known to be the customer's own keypad: the old password is one
    attempt; on success the billing system takes the new one. Returns the outcome, never raises on a
    wrong old password (the caller decides how to answer)."""
    if not isinstance(old_password, str) or not old_password:
        raise DomainError(
            _("缺少认证信息：%(f)s") % {"f": "old_password"}, code=ErrorCode.VALIDATION_FAILED, status=400
        )
    validate_service_password(new_password)
    if new_password == old_password:
        raise DomainError(_("新密码不能与原密码相同"), code=AuthErrorCode.PASSWORD_UNCHANGED, status=400)
    outcome = attempt(
        actor=actor, subscriber=subscriber, method=AuthMethod.PASSWORD, channel=channel,
        fields={"password": old_password},
    )  # fmt: skip
    if outcome.authenticated:
        get_billing().set_service_password(subscriber.number, new_password, actor=actor)
    return outcome


@transaction.atomic
def service_password_reset(*, actor, number: str, password: str) -> Subscriber:
    """A hall agent sets a new service password after checking the ID card (``kefu servicepassword``);
    the lock opens."""
    validate_service_password(password)
    subscriber = Subscriber.objects.filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code=AuthErrorCode.UNKNOWN_SUBSCRIBER)
    get_billing().set_service_password(number, password, actor=actor)
    AuthLock.objects.filter(subscriber=subscriber).update(failures=0, locked_until=None)
    audit.record(actor=actor, action="identity.service_password.reset", obj=subscriber)
    return subscriber
