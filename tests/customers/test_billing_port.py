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
