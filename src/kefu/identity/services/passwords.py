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
from kefu.identity.services.attempt import attempt
from kefu.identity.services.policy import subscriber_in_scope
from kefu.ports.billing import get_billing


def service_password_change(
    *, actor, number: str, old_password: str, new_password: str, channel: str = "hotline"
):
    """The customer changes their service password with the old one (AUTH-6). A wrong old password is a
    failed attempt like any other (it counts towards the lock)."""
    subscriber = subscriber_in_scope(actor, number)
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
    outcome.raise_if_failed()
    get_billing().set_service_password(number, new_password, actor=actor)
    return subscriber


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
