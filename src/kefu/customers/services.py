"""Writes on customer data. Each is atomic, takes keyword-only arguments with an ``actor``, and
appends an audit event (SYS-2). Service passwords are hashed with argon2 and never logged (AUTH-4).
The unified customer view (in the desk) reveals personal data and edits non-core fields through
``personal_data_reveal`` and ``subscriber_update_non_core``."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.choices import CustomerLevel, CustomerType, Role
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.models import Staff
from kefu.core.numbers import is_digits
from kefu.customers.choices import IdType, SubscriberStatus, SubscriptionStatus
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Account, BillingAdjustment, Customer, Product, Subscriber, Subscription
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


# ---- writes the local billing adapter makes on behalf of business acceptance and the coordination
# flows (BA-1, WO-9). Each locks the line, changes it, and is audited with the reference (the
# acceptance or work order) that asked for it; personal data appears in the audit only masked.


def _line(number: str) -> Subscriber:
    subscriber = (
        Subscriber.objects.select_for_update(of=("self",))
        .select_related("customer", "account")
        .filter(number=number)
        .first()
    )
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code=CustomerErrorCode.UNKNOWN_SUBSCRIBER)
    return subscriber


@transaction.atomic
def subscriber_set_line_state(
    *, actor, number: str, state: str, reason: str, reference: str
) -> tuple[str, str]:
    """Suspend (停机) or resume (复机) a line; answers (state before, state after)."""
    if state not in (SubscriberStatus.ACTIVE, SubscriberStatus.SUSPENDED):
        raise DomainError(_("只能停机或复机"), code=CustomerErrorCode.INVALID_LINE_STATE, status=400)
    subscriber = _line(number)
    before = subscriber.status
    expected = SubscriberStatus.ACTIVE if state == SubscriberStatus.SUSPENDED else SubscriberStatus.SUSPENDED
    if before != expected:
        raise DomainError(
            _("号码当前状态为“%(s)s”，不能办理") % {"s": SubscriberStatus.label(before)},
            code=CustomerErrorCode.LINE_STATE_CONFLICT,
            status=409,
        )
    subscriber.status = state
    subscriber.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="customers.subscriber.set_line_state",
        obj=subscriber,
        changes={"status": [before, state], "reason": reason, "reference": reference},
    )
    return before, state


@transaction.atomic
def account_apply_adjustment(*, actor, number: str, amount: Decimal, reason: str, reference: str):
    """Credit (positive) or charge (negative) the line's account once per ``reference``."""
    done = BillingAdjustment.objects.filter(reference=reference).select_related("subscriber").first()
    if done is not None:
        return done
    if not isinstance(amount, Decimal) or amount == 0 or abs(amount) >= Decimal("100000"):
        raise DomainError(_("调整金额无效"), code=CustomerErrorCode.INVALID_AMOUNT, status=400)
    subscriber = _line(number)
    account = Account.objects.select_for_update().get(pk=subscriber.account_id)
    before = account.balance
    account.balance = before + amount
    account.save(update_fields=["balance"])
    row = BillingAdjustment.objects.create(
        subscriber=subscriber,
        account=account,
        amount=amount,
        balance_after=account.balance,
        reason=reason,
        reference=reference,
    )
    audit.record(
        actor=actor,
        action="customers.account.adjust",
        obj=subscriber,
        changes={
            "amount": str(amount),
            "balance": [str(before), str(account.balance)],
            "reason": reason,
            "reference": reference,
        },
    )
    return row


ICCID_LENGTHS = (19, 20)


def mask_iccid(iccid: str) -> str:
    return f"{iccid[:6]}{'*' * max(len(iccid) - 10, 0)}{iccid[-4:]}" if iccid else ""


@transaction.atomic
def subscriber_replace_sim(*, actor, number: str, iccid: str, reference: str) -> str:
    """Put the line on a new SIM card (补换卡); answers the previous ICCID."""
    if not (isinstance(iccid, str) and iccid.isascii() and iccid.isdigit() and len(iccid) in ICCID_LENGTHS):
        raise DomainError(_("SIM卡号须为19或20位数字"), code=CustomerErrorCode.INVALID_ICCID, status=400)
    subscriber = _line(number)
    before = subscriber.sim_iccid
    if before == iccid:
        raise DomainError(_("新卡与原卡相同"), code=CustomerErrorCode.SAME_SIM)
    subscriber.sim_iccid = iccid
    subscriber.save(update_fields=["sim_iccid"])
    audit.record(
        actor=actor,
        action="customers.subscriber.replace_sim",
        obj=subscriber,
        changes={"sim_iccid": [mask_iccid(before), mask_iccid(iccid)], "reference": reference},
    )
    return before


@transaction.atomic
def subscriber_change_subscriptions(
    *, actor, number: str, start: list[str], end: list[str], reference: str
) -> None:
    """The local billing's subscription write (BA-1): the active subscriptions of ``end`` end today,
    new ones of ``start`` begin today. Whether a product fits the line is business acceptance's rule
    (kefu.customers.eligibility), decided before this write; here only the records are checked."""
    subscriber = _line(number)
    products = {p.code: p for p in Product.objects.filter(code__in=[*start, *end])}
    unknown = sorted({*start, *end} - set(products))
    if unknown:
        raise DomainError(
            _("产品不存在：%(c)s") % {"c": "、".join(unknown)}, code=CustomerErrorCode.UNKNOWN_PRODUCT
        )
    active = Subscription.objects.select_for_update().filter(
        subscriber=subscriber, status=SubscriptionStatus.ACTIVE
    )
    ending = list(active.filter(product__code__in=end))
    if {row.product_id for row in ending} != {products[code].pk for code in end}:
        raise DomainError(_("未订购被替换的产品"), code=CustomerErrorCode.NOT_SUBSCRIBED)
    if active.filter(product__code__in=start).exists():
        raise DomainError(_("已订购该产品"), code=CustomerErrorCode.ALREADY_SUBSCRIBED, status=409)
    today = timezone.localdate()
    for row in ending:
        row.end_date, row.status = today, SubscriptionStatus.ENDED
        row.save(update_fields=["end_date", "status"])
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=subscriber, product=products[code], start_date=today, status=SubscriptionStatus.ACTIVE
        )
        for code in start
    )
    audit.record(
        actor=actor,
        action="customers.subscriber.change_subscriptions",
        obj=subscriber,
        changes={"start": list(start), "end": list(end), "reference": reference},
    )


@transaction.atomic
def subscriber_transfer_ownership(
    *, actor, number: str, name: str, id_type: str, id_number: str, contact_phone: str, reference: str
) -> Subscriber:
    """Transfer a line (过户) to another owner: the owner of that ID document in the line's province,
    or a new customer; a new account of theirs pays for it; the old owner's service password stops
    working and the new owner must set one before the next hotline business (AUTH-6)."""
    if id_type not in IdType:
        raise DomainError(_("未知的证件类型"), code=ErrorCode.VALIDATION_FAILED, status=400)
    subscriber = _line(number)
    old_customer = subscriber.customer
    if (old_customer.id_type, old_customer.id_number) == (id_type, id_number):
        raise DomainError(_("新机主与原机主相同"), code=CustomerErrorCode.SAME_OWNER)
    owner = (
        Customer.objects.filter(id_type=id_type, id_number=id_number, province_id=subscriber.home_province_id)
        .order_by("pk")
        .first()
    )
    if owner is None:
        owner = Customer.objects.create(
            name=name,
            customer_type=CustomerType.ENTERPRISE
            if id_type == IdType.BUSINESS_LICENCE
            else CustomerType.INDIVIDUAL,
            id_type=id_type,
            id_number=id_number,
            contact_phone=contact_phone,
            province_id=subscriber.home_province_id,
            city_id=subscriber.home_city_id,
        )
    account = Account.objects.create(customer=owner, pay_method=subscriber.account.pay_method)
    subscriber.customer, subscriber.account = owner, account
    subscriber.user_name = name
    subscriber.service_password = make_password(None)  # unusable: nobody knows it
    subscriber.password_initial = True
    subscriber.password_changed_at = timezone.now()
    subscriber.save(
        update_fields=[
            "customer",
            "account",
            "user_name",
            "user_type",
            "service_password",
            "password_initial",
            "password_changed_at",
        ]
    )
    audit.record(
        actor=actor,
        action="customers.subscriber.transfer_ownership",
        obj=subscriber,
        changes={
            "customer": [old_customer.pk, owner.pk],
            "id_number": [old_customer.masked_id_number, owner.masked_id_number],
            "account": account.pk,
            "service_password": "reset",
            "reference": reference,
        },
    )
    return subscriber


CONTACT_FIELDS = {"email": 100, "contact_phone": 20, "mailing_address": 200}


@transaction.atomic
def subscriber_set_contact_details(
    *, actor, number: str, email: str, contact_phone: str, mailing_address: str, reference: str
) -> dict[str, str]:
    """Replace the owner's e-mail and contact phone and the line's mailing address; answers the
    values before. The audit names the fields changed, never their values (personal data)."""
    values = {"email": email, "contact_phone": contact_phone, "mailing_address": mailing_address}
    for field, limit in CONTACT_FIELDS.items():
        if not isinstance(values[field], str) or len(values[field].strip()) > limit:
            raise DomainError(
                _("%(f)s 最长 %(n)s 个字") % {"f": field, "n": limit},
                code=ErrorCode.VALIDATION_FAILED,
                status=400,
                field=field,
            )
        values[field] = values[field].strip()
    subscriber = _line(number)
    customer = subscriber.customer
    before = {
        "email": customer.email,
        "contact_phone": customer.contact_phone,
        "mailing_address": subscriber.mailing_address,
    }
    customer.email, customer.contact_phone = values["email"], values["contact_phone"]
    customer.save(update_fields=["email", "contact_phone"])
    subscriber.mailing_address = values["mailing_address"]
    subscriber.save(update_fields=["mailing_address", "user_type"])
    audit.record(
        actor=actor,
        action="customers.customer.set_contact_details",
        obj=subscriber,
        changes={"fields": sorted(f for f in values if values[f] != before[f]), "reference": reference},
    )
    return before
