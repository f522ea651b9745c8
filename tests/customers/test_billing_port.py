"""The billing port and its local adapter (AUTH-2, AUTH-4, AUTH-6, Q-1, Q-2, SS-4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent
from kefu.customers.billing import LocalBilling
from kefu.customers.models import CallDetail, MonthlyBill, PointsEntry, UsageRecord
from kefu.customers.services import subscriber_reveal_id_number
from kefu.ports.billing import BillingPort, get_billing

from .conftest import SERVICE_PASSWORD


def test_the_default_adapter_is_the_local_one_and_implements_the_port(settings):
    """AUTH-2: kefu talks to billing through the port; the local adapter implements it."""
    billing = get_billing()
    assert isinstance(billing, LocalBilling)
    assert isinstance(billing, BillingPort)


def test_check_service_password(make_subscriber):
    """AUTH-2, AUTH-4: the check answers pass/fail against the hash; unknown numbers fail."""
    sub = make_subscriber()
    billing = get_billing()
    assert billing.check_service_password(sub.number, SERVICE_PASSWORD) is True
    assert billing.check_service_password(sub.number, "111112") is False
    assert billing.check_service_password("13800000000", SERVICE_PASSWORD) is False


def test_set_service_password_clears_the_initial_flag_and_is_audited(make_subscriber, js_agent):
    """AUTH-4, AUTH-6: the new password is stored hashed, the initial flag goes, the audit has no secret."""
    sub = make_subscriber(password_initial=True)
    billing = get_billing()
    billing.set_service_password(sub.number, "583920", actor=js_agent)
    sub.refresh_from_db()
    assert sub.password_initial is False and sub.password_changed_at is not None
    assert "583920" not in sub.service_password and sub.service_password.startswith("argon2$")
    assert billing.check_service_password(sub.number, "583920")
    event = AuditEvent.objects.get(action="customers.subscriber.set_service_password")
    assert "583920" not in str(event.changes)
    assert event.province_id == sub.home_province_id


@pytest.mark.parametrize("password", ["12345", "abcdef", "111111", "123456", "1234567"])
def test_bad_new_passwords_are_refused_and_change_nothing(make_subscriber, password):
    """AUTH-4: a malformed or trivial service password is refused with a stable code; nothing changes."""
    sub = make_subscriber(password_initial=True)
    before = sub.service_password
    with pytest.raises(DomainError) as error:
        get_billing().set_service_password(sub.number, password)
    assert error.value.code in {"invalid_service_password", "weak_service_password"}
    sub.refresh_from_db()
    assert sub.service_password == before and sub.password_initial is True
    assert not AuditEvent.objects.exists()


def test_reveal_is_for_permitted_roles_and_audited(make_subscriber, make_staff, js_agent):
    """VIEW-1, SYS-2: the full ID number only for a role that may reveal it, with an audit event."""
    sub = make_subscriber()
    with pytest.raises(DomainError):
        subscriber_reveal_id_number(actor=js_agent, subscriber=sub)
    assert not AuditEvent.objects.exists()
    hall = make_staff("hall_staff", "JS", "3201")
    assert subscriber_reveal_id_number(actor=hall, subscriber=sub) == "32010219800101123X"
    event = AuditEvent.objects.get(action="customers.customer.reveal_id_number")
    assert "32010219800101123X" not in str(event.changes)


def test_billing_reads(make_subscriber):
    """Q-1, Q-2, SS-4: bills newest first, call details in a window, usage records by kind, points."""
    sub = make_subscriber()
    now = timezone.now()
    for month in (date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)):
        MonthlyBill.objects.create(subscriber=sub, month=month, total_fee=Decimal("50"), due_date=month)
    CallDetail.objects.create(
        subscriber=sub, start_at=now - timedelta(days=2), other_party="13800000000", direction="out",
        duration_seconds=61, call_type="local", fee=Decimal("0.20"),
    )  # fmt: skip
    CallDetail.objects.create(
        subscriber=sub, start_at=now - timedelta(days=40), other_party="13800000001", direction="in",
        duration_seconds=30, call_type="roaming", fee=Decimal("0.60"),
    )  # fmt: skip
    UsageRecord.objects.create(
        subscriber=sub,
        kind="sms",
        calling_number=sub.number,
        called_number="1",
        started_at=now,
        status="success",
    )
    UsageRecord.objects.create(
        subscriber=sub,
        kind="wap",
        calling_number=sub.number,
        url="http://wap.10086.cn/",
        started_at=now,
        status="failed",
    )
    PointsEntry.objects.create(subscriber=sub, month=date(2024, 6, 1), kind="earned", points=77)

    billing = get_billing()
    assert [b.month for b in billing.bills(sub.number, months=2)] == [date(2024, 6, 1), date(2024, 5, 1)]
    recent = billing.call_details(sub.number, since=now - timedelta(days=30))
    assert [c.other_party for c in recent] == ["13800000000"]
    assert [u.url for u in billing.usage_records(sub.number, kind="wap")] == ["http://wap.10086.cn/"]
    assert billing.points(sub.number, month=date(2024, 6, 1)).earned_this_month == 77
    assert billing.subscriber(sub.number).masked_id_number == "3201**********123X"
    assert billing.balance(sub.number).arrears == Decimal("0")
    assert billing.subscriber("13800000000") is None and billing.bills("13800000000") == []


def test_line_overview_answers_what_the_single_reads_answer(make_subscriber, django_assert_num_queries):
    """VIEW-2, Q-1, Q-2: the unified view's line overview holds the same products, bills, calls,
    payments, balance and points as the single reads, with the port's types (Decimal money, aware
    datetimes) on every database, in six queries; an unknown number answers None."""
    from kefu.customers.models import Account, Payment, Product, Subscription

    sub = make_subscriber()
    Account.objects.filter(pk=sub.account_id).update(balance=Decimal("12.30"), arrears=Decimal("7.05"))
    product = Product.objects.create(code="P-T1", name="4G套餐", kind="plan", monthly_fee=Decimal("58.00"))
    Subscription.objects.create(subscriber=sub, product=product, start_date=date(2024, 1, 1), status="active")
    now = timezone.now()
    for i, month in enumerate((date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1))):
        MonthlyBill.objects.create(
            subscriber=sub, month=month, voice_fee=Decimal("10.10"), total_fee=Decimal(50 + i), due_date=month
        )
        Payment.objects.create(
            subscriber=sub, paid_at=now - timedelta(days=i), amount=Decimal("0.10"), channel="wechat"
        )
        CallDetail.objects.create(
            subscriber=sub, start_at=now - timedelta(hours=i), other_party=f"1380000000{i}", direction="out",
            duration_seconds=60, call_type="local", fee=Decimal("0.15"),
        )  # fmt: skip
    this_month = timezone.localdate().replace(day=1)
    PointsEntry.objects.create(subscriber=sub, month=this_month, kind="earned", points=120)
    PointsEntry.objects.create(subscriber=sub, month=this_month, kind="redeemed", points=20, redeemable=True)

    single = get_billing()
    with django_assert_num_queries(6):
        line = get_billing().line_overview(sub.number, months=2, calls=2, payments=2)
    assert list(line.subscriptions) == single.subscriptions(sub.number)
    assert line.subscriptions[0].monthly_fee == Decimal("58.00")
    assert list(line.bills) == single.bills(sub.number, months=2)
    assert [b.month for b in line.bills] == [date(2024, 6, 1), date(2024, 5, 1)]
    assert line.bills[0].voice_fee == Decimal("10.10") and isinstance(line.bills[0].voice_fee, Decimal)
    assert list(line.calls) == single.call_details(sub.number, limit=2)
    assert [c.other_party for c in line.calls] == ["13800000000", "13800000001"]
    assert line.calls[0].start_at == CallDetail.objects.get(other_party="13800000000").start_at
    assert timezone.is_aware(line.calls[0].start_at) and timezone.is_aware(line.payments[0].paid_at)
    assert list(line.payments) == single.payments(sub.number, limit=2)
    assert line.payments[0].amount == Decimal("0.10")
    assert line.balance == single.balance(sub.number)
    assert (line.balance.balance, line.balance.arrears) == (Decimal("12.30"), Decimal("7.05"))
    assert line.points == single.points(sub.number)
    assert (line.points.earned_this_month, line.points.current_total) == (120, 100)
    assert get_billing().line_overview("13800000000") is None
