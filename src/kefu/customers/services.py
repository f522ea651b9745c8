"""Writes on customer data. Each is atomic, takes keyword-only arguments with an ``actor``, and
appends an audit event (SYS-2). Service passwords are hashed with argon2 and never logged (AUTH-4).
The unified customer view (in the desk) reveals personal data and edits non-core fields through
``personal_data_reveal`` and ``subscriber_update_non_core``."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.numbers import is_digits
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber
from kefu.customers.rules import mask_id_number

SERVICE_PASSWORD_LENGTH = 6
# Fields of a subscriber anyone who may work on the line can edit from the unified view (VIEW-6).
NON_CORE_FIELDS = ("interests", "mailing_address")
MAX_LENGTH = {"interests": 200, "mailing_address": 200}


def validate_service_password(password: str) -> None:
    """A service password is six digits (the keypad of the IVR can enter nothing else)."""
    if not (isinstance(password, str) and len(password) == SERVICE_PASSWORD_LENGTH and is_digits(password)):
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
        raise DomainError(_("无权查看完整证件号码"), code=ErrorCode.PERMISSION_DENIED, status=403)
    audit.record(
        actor=actor,
        action="customers.customer.reveal_id_number",
        obj=subscriber,
        changes={"id_number": mask_id_number(subscriber.customer.id_number)},
    )
    return subscriber.customer.id_number


def _scoped_subscriber(*, actor, number: str, lock: bool = False) -> Subscriber:
    queryset = Subscriber.objects.select_related("customer")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    subscriber = scope.restrict(queryset, actor).filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number})
    return subscriber


# The audit actions below keep the names they were first recorded under ("desk.customer_view.…"):
# the trail already holds rows with them, and they name where the reveal or edit was made.


@transaction.atomic
def personal_data_reveal(*, actor, number: str) -> dict:
    """The unmasked personal data of a line, for a role that may see it (VIEW-1, SYS-2).

    The ID number is revealed through ``subscriber_reveal_id_number`` (which audits it); the other
    personal fields shown with it are audited here, by name, never by value.
    """
    subscriber = _scoped_subscriber(actor=actor, number=number)
    id_number = subscriber_reveal_id_number(actor=actor, subscriber=subscriber)
    customer = subscriber.customer
    revealed = {
        "id_number": id_number,
        "address": customer.address,
        "email": customer.email,
        "mailing_address": subscriber.mailing_address,
        "birth_date": customer.birth_date.isoformat() if customer.birth_date else "",
    }
    audit.record(
        actor=actor,
        action="desk.customer_view.reveal_personal_data",
        obj=subscriber,
        changes={"fields": sorted(k for k in revealed if k != "id_number")},
    )
    return revealed


@transaction.atomic
def subscriber_update_non_core(*, actor, number: str, changes: dict[str, str]) -> Subscriber:
    """Edit interests and/or the mailing address of a line in the actor's scope (VIEW-6).

    Only the fields of ``NON_CORE_FIELDS``; unchanged values are ignored; the audit event keeps each
    field's value before and after.
    """
    unknown = sorted(set(changes) - set(NON_CORE_FIELDS))
    if unknown:
        raise DomainError(
            _("以下字段不能在客户视图中修改：%(f)s") % {"f": ", ".join(unknown)},
            code=CustomerErrorCode.NOT_EDITABLE,
            status=400,
        )
    for field, value in changes.items():
        if not isinstance(value, str) or len(value.strip()) > MAX_LENGTH[field]:
            raise DomainError(
                _("%(f)s 最长 %(n)s 个字") % {"f": field, "n": MAX_LENGTH[field]},
                code=ErrorCode.VALIDATION_FAILED,
                status=400,
            )
    subscriber = _scoped_subscriber(actor=actor, number=number, lock=True)
    diff = {}
    for field, value in changes.items():
        before = getattr(subscriber, field)
        after = value.strip()
        if before != after:
            setattr(subscriber, field, after)
            diff[field] = {"before": before, "after": after}
    if diff:
        subscriber.save(update_fields=list(diff))
        audit.record(actor=actor, action="desk.customer_view.edit", obj=subscriber, changes=diff)
    return subscriber
