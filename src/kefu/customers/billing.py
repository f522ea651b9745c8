"""The local billing adapter: implements :class:`kefu.ports.billing.BillingPort` on kefu's own
tables (filled by ``kefu seed`` or by an import). The caller is responsible for data scope: a view
first finds the subscriber through a scoped selector, then asks billing about its number.

The reads of bills, call details, payments, balance, products and points are plain SQL on indexed
columns: the unified view asks for all of them on every screen pop, and building the same queries
through the ORM cost several times more Python time than PostgreSQL needed to answer them (profile in
docs/benchmarks.md). The SQL is portable (SQLite and PostgreSQL); ``_money`` and ``_aware`` give back
the types the ORM would (SQLite answers numeric columns as int or float and datetimes naive in UTC).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection
from django.utils import timezone

from kefu.customers import selectors, services
from kefu.customers.models import Subscriber, UsageRecord
from kefu.ports.billing import (
    AdjustmentRecord,
    BalanceRecord,
    BillRecord,
    CallRecord,
    ContactDetails,
    LineOverview,
    LineStateChange,
    NewOwner,
    PaymentRecord,
    PointsFigures,
    SubscriberRecord,
    SubscriptionRecord,
    UsageRow,
)

CENT = Decimal("0.01")

SUBSCRIBER_ID_SQL = "SELECT id FROM customers_subscriber WHERE number = %s"

# The line and its account in one row: resolves number -> id and answers the balance at once.
LINE_SQL = """
SELECT s.id, a.balance, a.arrears, a.pay_method
FROM customers_subscriber s JOIN customers_account a ON a.id = s.account_id
WHERE s.number = %s"""
SUBSCRIPTIONS_SQL = """
SELECT p.code, p.name, p.kind, p.monthly_fee, p.business_code, s.start_date, s.end_date, s.status
FROM customers_subscription s JOIN customers_product p ON p.id = s.product_id
WHERE s.subscriber_id = {line}{active}
ORDER BY s.start_date DESC, s.id DESC"""
BILLS_SQL = """
SELECT month, voice_fee, sms_fee, data_fee, vas_fee, other_fee, total_fee, amount_due, amount_paid,
       due_date
FROM customers_monthlybill WHERE subscriber_id = %s
ORDER BY month DESC LIMIT %s"""
CALLS_SQL = """
SELECT start_at, other_party, direction, duration_seconds, call_type, fee
FROM customers_calldetail WHERE subscriber_id = %s{window}
ORDER BY start_at DESC LIMIT %s"""
PAYMENTS_SQL = """
SELECT paid_at, amount, channel FROM customers_payment WHERE subscriber_id = %s
ORDER BY paid_at DESC LIMIT %s"""
POINTS_SQL = """
SELECT kind, month, points, redeemable FROM customers_pointsentry
WHERE subscriber_id = %s AND month <= %s"""


@cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of: checking against it for an unknown number costs the same
    time as for a known one, so timing does not tell which numbers exist."""
    return make_password(secrets.token_hex(16))


def _rows(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _money(value) -> Decimal:
    """A money column as Decimal: PostgreSQL answers Decimal, SQLite an int or a float."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _aware(value: datetime) -> datetime:
    """A datetime column as an aware datetime: SQLite answers it naive, in UTC (as Django stores it)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _active(active_only: bool) -> str:
    return " AND s.status = 'active'" if active_only else ""


def _subscription(row: tuple) -> SubscriptionRecord:
    code, name, kind, fee, business_code, start_date, end_date, status = row
    return SubscriptionRecord(
        product_code=code,
        product_name=name,
        product_kind=kind,
        monthly_fee=_money(fee),
        business_code=business_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )


def _bill(row: tuple) -> BillRecord:
    month, voice, sms, data, vas, other, total, due, paid, due_date = row
    return BillRecord(
        month=month,
        voice_fee=_money(voice),
        sms_fee=_money(sms),
        data_fee=_money(data),
        vas_fee=_money(vas),
        other_fee=_money(other),
        total_fee=_money(total),
        amount_due=_money(due),
        amount_paid=_money(paid),
        due_date=due_date,
    )


def _call(row: tuple) -> CallRecord:
    start_at, other_party, direction, duration, call_type, fee = row
    return CallRecord(
        start_at=_aware(start_at),
        other_party=other_party,
        direction=direction,
        duration_seconds=duration,
        call_type=call_type,
        fee=_money(fee),
    )


def _payment(row: tuple) -> PaymentRecord:
    paid_at, amount, channel = row
    return PaymentRecord(paid_at=_aware(paid_at), amount=_money(amount), channel=channel)


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
            found = _rows(SUBSCRIBER_ID_SQL, [number])
            self._ids[number] = found[0][0] if found else None
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

    def line_overview(
        self, number: str, *, months: int = 6, calls: int = 10, payments: int = 6
    ) -> LineOverview | None:
        """Six queries: the line with its account (id and balance), products, bills, call details,
        payments and the points ledger."""
        line = _rows(LINE_SQL, [number])
        if not line:
            self._ids[number] = None
            return None
        sub_id, balance, arrears, pay_method = line[0]
        self._ids[number] = sub_id
        return LineOverview(
            subscriptions=self._subscriptions(sub_id),
            bills=self._bills(sub_id, months),
            calls=self._calls(sub_id, limit=calls),
            payments=self._payments(sub_id, payments),
            balance=BalanceRecord(balance=_money(balance), arrears=_money(arrears), pay_method=pay_method),
            points=self._points(sub_id, None),
        )

    def subscriptions(self, number: str, *, active_only: bool = False) -> list[SubscriptionRecord]:
        if number in self._ids:
            sub_id = self._ids[number]
            return [] if sub_id is None else self._subscriptions(sub_id, active_only=active_only)
        # asked on its own (the product list of business acceptance): one query, joined by number
        sql = SUBSCRIPTIONS_SQL.format(line=f"({SUBSCRIBER_ID_SQL})", active=_active(active_only))
        return [_subscription(row) for row in _rows(sql, [number])]

    def bills(self, number: str, *, months: int = 6) -> list[BillRecord]:
        sub_id = self._subscriber_id(number)
        return [] if sub_id is None else self._bills(sub_id, months)

    def call_details(
        self, number: str, *, since: datetime | None = None, until: datetime | None = None, limit: int = 200
    ) -> list[CallRecord]:
        sub_id = self._subscriber_id(number)
        return [] if sub_id is None else self._calls(sub_id, since=since, until=until, limit=limit)

    def payments(self, number: str, *, limit: int = 50) -> list[PaymentRecord]:
        sub_id = self._subscriber_id(number)
        return [] if sub_id is None else self._payments(sub_id, limit)

    def balance(self, number: str) -> BalanceRecord | None:
        line = _rows(LINE_SQL, [number])
        if not line:
            self._ids[number] = None
            return None
        self._ids[number], balance, arrears, pay_method = line[0]
        return BalanceRecord(balance=_money(balance), arrears=_money(arrears), pay_method=pay_method)

    def points(self, number: str, *, month: date | None = None) -> PointsFigures | None:
        sub_id = self._subscriber_id(number)
        return None if sub_id is None else self._points(sub_id, month)

    # ---- one read each, by subscriber id

    def _subscriptions(self, sub_id: int, *, active_only: bool = False) -> list[SubscriptionRecord]:
        sql = SUBSCRIPTIONS_SQL.format(line="%s", active=_active(active_only))
        return [_subscription(row) for row in _rows(sql, [sub_id])]

    def _bills(self, sub_id: int, months: int) -> list[BillRecord]:
        return [_bill(row) for row in _rows(BILLS_SQL, [sub_id, months])]

    def _calls(
        self, sub_id: int, *, since: datetime | None = None, until: datetime | None = None, limit: int
    ) -> list[CallRecord]:
        window, params = "", [sub_id]
        if since is not None:
            window += " AND start_at >= %s"
            params.append(connection.ops.adapt_datetimefield_value(since))
        if until is not None:
            window += " AND start_at < %s"
            params.append(connection.ops.adapt_datetimefield_value(until))
        return [_call(row) for row in _rows(CALLS_SQL.format(window=window), [*params, limit])]

    def _payments(self, sub_id: int, limit: int) -> list[PaymentRecord]:
        return [_payment(row) for row in _rows(PAYMENTS_SQL, [sub_id, limit])]

    def _points(self, sub_id: int, month: date | None) -> PointsFigures:
        month = selectors.month_start(month or timezone.localdate())
        entries = _rows(POINTS_SQL, [sub_id, connection.ops.adapt_datefield_value(month)])
        return selectors.points_from_entries(entries, month)

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

    # ---- writes: business acceptance (BA-1) and the coordination flows (WO-9)

    def change_subscriptions(
        self, number: str, *, start: Sequence[str] = (), end: Sequence[str] = (), reference: str, actor=None
    ) -> None:
        services.subscriber_change_subscriptions(
            actor=actor, number=number, start=list(start), end=list(end), reference=reference
        )

    def set_line_state(
        self, number: str, *, state: str, reason: str, reference: str, actor=None
    ) -> LineStateChange:
        before, after = services.subscriber_set_line_state(
            actor=actor, number=number, state=state, reason=reason, reference=reference
        )
        return LineStateChange(number=number, state_before=before, state_after=after, reference=reference)

    def apply_adjustment(
        self, number: str, *, amount: Decimal, reason: str, reference: str, actor=None
    ) -> AdjustmentRecord:
        row = services.account_apply_adjustment(
            actor=actor, number=number, amount=amount, reason=reason, reference=reference
        )
        return AdjustmentRecord(
            number=row.subscriber.number,
            amount=_money(row.amount),
            balance_after=_money(row.balance_after),
            reference=row.reference,
        )

    def replace_sim(self, number: str, *, iccid: str, reference: str, actor=None) -> str:
        return services.subscriber_replace_sim(actor=actor, number=number, iccid=iccid, reference=reference)

    def transfer_ownership(self, number: str, *, owner: NewOwner, reference: str, actor=None) -> None:
        services.subscriber_transfer_ownership(
            actor=actor,
            number=number,
            name=owner.name,
            id_type=owner.id_type,
            id_number=owner.id_number,
            contact_phone=owner.contact_phone,
            reference=reference,
        )

    def set_contact_details(
        self, number: str, *, details: ContactDetails, reference: str, actor=None
    ) -> ContactDetails:
        before = services.subscriber_set_contact_details(
            actor=actor,
            number=number,
            email=details.email,
            contact_phone=details.contact_phone,
            mailing_address=details.mailing_address,
            reference=reference,
        )
        return ContactDetails(**before)
