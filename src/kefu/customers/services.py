"""Writes on customer data. Each is atomic, takes keyword-only arguments with an ``actor``, and
appends an audit event (SYS-2). Service passwords are hashed with argon2 and never logged (AUTH-4).
The unified customer view (in the desk) reveals personal data and edits non-core fields through
``personal_data_reveal`` and ``subscriber_update_non_core``."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.choices import CustomerLevel, CustomerType, Role
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.models import Staff
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Customer, Subscriber
from kefu.customers.rules import mask_id_number

SERVICE_PASSWORD_LENGTH = 6
# Fields of a subscriber anyone who may work on the line can edit from the unified view (VIEW-6).
NON_CORE_FIELDS = ("interests", "mailing_address")
MAX_LENGTH = {"interests": 200, "mailing_address": 200}


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


# --- account managers (SVC-2) -------------------------------------------------------------------


def subscriber_in_scope(*, actor, number: str) -> Subscriber:
    """The line ``number`` with its customer and account manager, if it is in ``actor``'s scope."""
    queryset = Subscriber.objects.select_related("customer", "customer__account_manager")
    subscriber = scope.restrict(queryset, actor).filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number})
    return subscriber


# Who assigns account managers: the province's supervisors and administrators, within their scope.
MAY_ASSIGN_ACCOUNT_MANAGER = (Role.SUPERVISOR, Role.ADMINISTRATOR)


def customer_may_have_account_manager(customer: Customer) -> bool:
    """A VIP customer (the customer or one of their lines at a VIP level) or an enterprise customer."""
    if customer.customer_type == CustomerType.ENTERPRISE or customer.level in CustomerLevel.VIP:
        return True
    return customer.subscribers.filter(level__in=CustomerLevel.VIP).exists()


@transaction.atomic
def customer_assign_account_manager(
    *, actor, manager: str | None, number: str = "", customer_id: int | None = None
) -> Customer:
    """Give the customer owning line ``number`` (or the customer ``customer_id``) the account manager
    with job number ``manager`` (SVC-2), or take theirs away (``manager`` empty). Supervisors and
    administrators assign, within their scope; the customer must be VIP or enterprise, the manager an
    active VIP manager of the customer's province whose scope holds the customer (a city's manager
    serves that city's customers). Audited with the job numbers before and after; a
    refusal changes nothing.
    """
    if not (
        getattr(actor, "role", None) in MAY_ASSIGN_ACCOUNT_MANAGER or getattr(actor, "is_superuser", False)
    ):
        raise DomainError(
            _("只有班长或系统管理员可以指定客户经理"), code=ErrorCode.PERMISSION_DENIED, status=403
        )
    if customer_id is None:
        customer_id = _scoped_subscriber(actor=actor, number=number).customer_id
    customers = scope.restrict(Customer.objects.all(), actor).select_for_update(of=("self",))
    customer = customers.filter(pk=customer_id).first()
    if customer is None:
        raise NotFoundError(_("客户不存在或不在您的数据权限范围内"))
    staff = None
    if manager:
        staff = Staff.objects.filter(
            job_number=manager, role=Role.VIP_MANAGER, is_active=True, province_id=customer.province_id
        ).first()
        # the manager must see the customer they serve: a city's manager serves that city's customers
        if staff is not None and not scope.admits(customer, staff):
            raise DomainError(
                _("%(j)s 的数据权限范围不包括该客户") % {"j": manager},
                code=CustomerErrorCode.NOT_AN_ACCOUNT_MANAGER,
                status=400,
            )
        if staff is None:
            raise DomainError(
                _("%(j)s 不是本省在岗的客户经理") % {"j": manager},
                code=CustomerErrorCode.NOT_AN_ACCOUNT_MANAGER,
                status=400,
            )
        if not customer_may_have_account_manager(customer):
            raise DomainError(
                _("只有VIP客户和集团客户可以指定客户经理"),
                code=CustomerErrorCode.NOT_VIP_OR_ENTERPRISE,
                status=422,
            )
    before = (
        Staff.objects.filter(pk=customer.account_manager_id).values_list("job_number", flat=True).first()
        or ""
    )
    after = staff.job_number if staff is not None else ""
    if before == after:
        return customer
    customer.account_manager = staff
    customer.save(update_fields=["account_manager"])
    audit.record(
        actor=actor,
        action="customers.customer.assign_account_manager",
        obj=customer,
        changes={"account_manager": {"before": before, "after": after}},
    )
    return customer


@transaction.atomic
def account_managers_assign_by_city(*, actor, province_code: str = "") -> int:
    """Give every VIP or enterprise customer without an account manager the VIP manager of their
    city (the one with the fewest customers when a city has several), through
    :func:`customer_assign_account_manager` so each assignment is checked and audited. Returns how
    many were assigned (``kefu assignmanagers``, the demo). Only customers and managers inside the
    actor's scope are considered."""
    managers = scope.restrict(Staff.objects.all(), actor)
    managers = managers.filter(role=Role.VIP_MANAGER, is_active=True, city__isnull=False)
    if province_code:
        managers = managers.filter(province__code=province_code)
    by_city: dict[int, list[Staff]] = {}
    for staff in managers.order_by("job_number"):
        by_city.setdefault(staff.city_id, []).append(staff)
    load = {s.pk: s.managed_customers.count() for staffs in by_city.values() for s in staffs}
    vip_lines = Subscriber.objects.filter(level__in=CustomerLevel.VIP).values("customer_id")
    candidates = (
        scope.restrict(Customer.objects.all(), actor)
        .filter(account_manager__isnull=True, city_id__in=list(by_city))
        .filter(
            Q(customer_type=CustomerType.ENTERPRISE) | Q(level__in=CustomerLevel.VIP) | Q(pk__in=vip_lines)
        )
        .order_by("pk")
    )
    assigned = 0
    for customer in candidates:
        staff = min(by_city[customer.city_id], key=lambda s: (load[s.pk], s.job_number))
        customer_assign_account_manager(actor=actor, customer_id=customer.pk, manager=staff.job_number)
        load[staff.pk] += 1
        assigned += 1
    return assigned
