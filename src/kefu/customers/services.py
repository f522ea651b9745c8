"""Writes on customer data. Each is atomic, takes keyword-only arguments with an ``actor``, and
appends an audit event (SYS-2). Service passwords are hashed with argon2 and never logged (AUTH-4)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.errors import DomainError, NotFoundError
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber
from kefu.customers.rules import mask_id_number

SERVICE_PASSWORD_LENGTH = 6


def validate_service_password(password: str) -> None:
    """A service password is six digits (the keypad of the IVR can enter nothing else)."""
    if not (isinstance(password, str) and len(password) == SERVICE_PASSWORD_LENGTH and password.isdigit()):
        raise DomainError(
            _("服务密码必须是6位数字"), code=CustomerErrorCode.INVALID_SERVICE_PASSWORD, status=400
        )
    if len(set(password)) == 1 or password in "0123456789" or password in "9876543210":
        raise DomainError(_("服务密码过于简单"), code=CustomerErrorCode.WEAK_SERVICE_PASSWORD, status=400)


@transaction.atomic
def subscriber_set_service_password(*, actor, number: str, password: str) -> Subscriber:
    """Set a new service password (hashed); it is no longer an initial password (AUTH-6)."""
    validate_service_password(password)
    subscriber = Subscriber.objects.select_for_update().filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code=CustomerErrorCode.UNKNOWN_SUBSCRIBER)
    subscriber.service_password = make_password(password)
    subscriber.password_initial = False
    subscriber.password_changed_at = timezone.now()
    subscriber.save(update_fields=["service_password", "password_initial", "password_changed_at"])
    audit.record(
        actor=actor,
        action="customers.subscriber.set_service_password",
        obj=subscriber,
        changes={"service_password": "changed", "password_initial": False},
    )
    return subscriber


@transaction.atomic
def subscriber_reveal_id_number(*, actor, subscriber: Subscriber) -> str:
    """The full ID number, for a role that may see personal data; every reveal is audited."""
    if actor is None or not getattr(actor, "may_reveal_personal_data", False):
        raise DomainError(_("无权查看完整证件号码"), code="permission_denied", status=403)
    audit.record(
        actor=actor,
        action="customers.customer.reveal_id_number",
        obj=subscriber,
        changes={"id_number": mask_id_number(subscriber.customer.id_number)},
    )
    return subscriber.customer.id_number
