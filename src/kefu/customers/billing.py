"""The local billing adapter: implements :class:`kefu.ports.billing.BillingPort` on kefu's own
tables (filled by ``kefu seed`` or by an import). The caller is responsible for data scope: a view
first finds the subscriber through a scoped selector, then asks billing about its number."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import cache

from django.contrib.auth.hashers import check_password, make_password

from kefu.customers import selectors, services
from kefu.customers.models import CallDetail, MonthlyBill, Payment, Subscriber, Subscription, UsageRecord
from kefu.ports.billing import (
    BalanceRecord,
    BillRecord,
    CallRecord,
    PaymentRecord,
    PointsFigures,
    SubscriberRecord,
    SubscriptionRecord,
    UsageRow,
)


@cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of: checking against it for an unknown number costs the same
    time as for a known one, so timing does not tell which numbers exist."""
    return make_password(secrets.token_hex(16))


class LocalBilling:
    """Billing served from kefu's database.

    One instance serves one piece of work (``get_billing()`` makes a new one each call), so it remembers
    number → subscriber id: a screen that asks for bills, calls, payments and points of one line looks
    the line up once, not once per question.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int | None] = {}

    def _subscriber_id(self, number: str) -> int | None:
        if number not in self._ids:
            self._ids[number] = Subscriber.objects.filter(number=number).values_list("id", flat=True).first()
        return self._ids[number]

    def subscriber(self, number: str) -> SubscriberRecord | None:
        sub = selectors.subscriber_by_number(number)
        if sub is None:
            return None
        return SubscriberRecord(
            number=sub.number,
            customer_name=sub.customer.name,
            customer_type=sub.customer.customer_type,
            user_name=sub.user_name,
            brand=sub.brand,
            network_type=sub.network_type,
            level=sub.level,
            user_type=sub.user_type,
            status=sub.status,
            home_province_code=sub.home_province.code,
            home_city_code=sub.home_city.code,
            opened_at=sub.opened_at,
            id_type=sub.customer.id_type,
            masked_id_number=sub.customer.masked_id_number,
            password_initial=sub.password_initial,
        )

    def subscriptions(self, number: str, *, active_only: bool = False) -> list[SubscriptionRecord]:
        rows = Subscription.objects.filter(subscriber__number=number).select_related("product")
        if active_only:
            rows = rows.filter(status="active")
        return [
            SubscriptionRecord(
                product_code=s.product.code,
                product_name=s.product.name,
                product_kind=s.product.kind,
                monthly_fee=s.product.monthly_fee,
                business_code=s.product.business_code,
                start_date=s.start_date,
                end_date=s.end_date,
                status=s.status,
            )
            for s in rows.order_by("-start_date", "-id")
        ]

    def bills(self, number: str, *, months: int = 6) -> list[BillRecord]:
        sub_id = self._subscriber_id(number)
        if sub_id is None:
            return []
        rows = MonthlyBill.objects.filter(subscriber_id=sub_id).order_by("-month")[:months]
        return [
            BillRecord(
                month=b.month,
                voice_fee=b.voice_fee,
                sms_fee=b.sms_fee,
                data_fee=b.data_fee,
                vas_fee=b.vas_fee,
                other_fee=b.other_fee,
                total_fee=b.total_fee,
                amount_due=b.amount_due,
                amount_paid=b.amount_paid,
                due_date=b.due_date,
            )
            for b in rows
        ]

    def call_details(
        self, number: str, *, since: datetime | None = None, until: datetime | None = None, limit: int = 200
    ) -> list[CallRecord]:
        sub_id = self._subscriber_id(number)
        if sub_id is None:
            return []
        rows = CallDetail.objects.filter(subscriber_id=sub_id)
        if since is not None:
            rows = rows.filter(start_at__gte=since)
        if until is not None:
            rows = rows.filter(start_at__lt=until)
        return [
            CallRecord(
                start_at=c.start_at,
                other_party=c.other_party,
                direction=c.direction,
                duration_seconds=c.duration_seconds,
                call_type=c.call_type,
                fee=c.fee,
            )
            for c in rows.order_by("-start_at")[:limit]
        ]

    def payments(self, number: str, *, limit: int = 50) -> list[PaymentRecord]:
        sub_id = self._subscriber_id(number)
        if sub_id is None:
            return []
        rows = Payment.objects.filter(subscriber_id=sub_id).order_by("-paid_at")[:limit]
        return [PaymentRecord(paid_at=p.paid_at, amount=p.amount, channel=p.channel) for p in rows]

    def balance(self, number: str) -> BalanceRecord | None:
        sub = Subscriber.objects.select_related("account").filter(number=number).first()
        if sub is None:
            return None
        account = sub.account
        return BalanceRecord(balance=account.balance, arrears=account.arrears, pay_method=account.pay_method)

    def points(self, number: str, *, month: date | None = None) -> PointsFigures | None:
        sub_id = self._subscriber_id(number)
        return None if sub_id is None else selectors.points_figures(sub_id, month)

    def usage_records(self, number: str, *, kind: str | None = None, limit: int = 200) -> list[UsageRow]:
        sub_id = self._subscriber_id(number)
        if sub_id is None:
            return []
        rows = UsageRecord.objects.filter(subscriber_id=sub_id)
        if kind:
            rows = rows.filter(kind=kind)
        return [
            UsageRow(
                kind=u.kind,
                calling_number=u.calling_number,
                called_number=u.called_number,
                started_at=u.started_at,
                ended_at=u.ended_at,
                url=u.url,
                status=u.status,
            )
            for u in rows.order_by("-started_at")[:limit]
        ]

    def check_service_password(self, number: str, password: str) -> bool:
        stored = Subscriber.objects.filter(number=number).values_list("service_password", flat=True).first()
        if not stored or not isinstance(password, str):
            check_password(str(password), _dummy_hash())
            return False
        return check_password(password, stored)

    def set_service_password(self, number: str, password: str, *, actor=None) -> None:
        services.subscriber_set_service_password(actor=actor, number=number, password=password)
