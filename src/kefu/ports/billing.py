"""The billing port (BOSS / 营帐): what kefu needs from the billing system, as a protocol.

kefu does not own billing. Domain code calls :func:`get_billing` and the protocol below, never an
adapter. The local adapter (``kefu.customers.billing.LocalBilling``) serves kefu's own tables; another
adapter can talk to a real BOSS. Chosen by the setting ``KEFU_BILLING_ADAPTER`` (a dotted path to a
class, default the local adapter). This module imports no domain code.

Records are plain frozen dataclasses so that an adapter for a remote system can build them without
touching kefu's models. Money is ``Decimal``; months are the first day of the month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Protocol, runtime_checkable

DEFAULT_ADAPTER = "kefu.customers.billing.LocalBilling"


@dataclass(frozen=True)
class SubscriberRecord:
    number: str
    customer_name: str
    customer_type: str
    user_name: str
    brand: str
    network_type: str
    level: str
    user_type: str
    status: str
    home_province_code: str
    home_city_code: str
    opened_at: datetime
    id_type: str
    masked_id_number: str
    password_initial: bool


@dataclass(frozen=True)
class SubscriptionRecord:
    product_code: str
    product_name: str
    product_kind: str
    monthly_fee: Decimal
    business_code: str
    start_date: date
    end_date: date | None
    status: str


@dataclass(frozen=True)
class BillRecord:
    month: date
    voice_fee: Decimal
    sms_fee: Decimal
    data_fee: Decimal
    vas_fee: Decimal
    other_fee: Decimal
    total_fee: Decimal
    amount_due: Decimal
    amount_paid: Decimal
    due_date: date


@dataclass(frozen=True)
class CallRecord:
    start_at: datetime
    other_party: str
    direction: str
    duration_seconds: int
    call_type: str
    fee: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    paid_at: datetime
    amount: Decimal
    channel: str


@dataclass(frozen=True)
class BalanceRecord:
    balance: Decimal
    arrears: Decimal
    pay_method: str


@dataclass(frozen=True)
class PointsFigures:
    """The thirteen points figures of Q-2, for one subscriber and one month."""

    month: date
    earned_this_month: int
    earned_total: int
    usable_this_month: int
    usable_total: int
    voided_this_month: int
    voided_total: int
    current_total: int
    redeemed_this_month: int
    redeemed_total: int
    activity_this_month: int
    activity_total: int
    redeemable: int
    not_redeemable: int


@dataclass(frozen=True)
class UsageRow:
    """An SMS, MMS or WAP usage record (SS-4)."""

    kind: str
    calling_number: str
    called_number: str
    started_at: datetime
    ended_at: datetime | None
    url: str
    status: str


@dataclass(frozen=True)
class LineOverview:
    """What billing knows about one line, as the unified customer view shows it (VIEW-2): products,
    the latest bills, call details and payments (newest first), balance and points. Asked for in one
    call so that an adapter answers it in as few round trips as it can."""

    subscriptions: Sequence[SubscriptionRecord]
    bills: Sequence[BillRecord]
    calls: Sequence[CallRecord]
    payments: Sequence[PaymentRecord]
    balance: BalanceRecord
    points: PointsFigures


@dataclass(frozen=True)
class LineStateChange:
    """A line suspended (停机) or resumed (复机) by billing: the state before and after."""

    number: str
    state_before: str
    state_after: str
    reference: str


@dataclass(frozen=True)
class AdjustmentRecord:
    """A billing adjustment (调账) applied to the line's account: a credit (positive) or a charge
    (negative), and the balance it left. ``reference`` names what asked for it (a work order)."""

    number: str
    amount: Decimal
    balance_after: Decimal
    reference: str


@dataclass(frozen=True)
class NewOwner:
    """Who takes over a line at a transfer of ownership (过户)."""

    name: str
    id_type: str
    id_number: str
    contact_phone: str = ""


@dataclass(frozen=True)
class ContactDetails:
    """How to reach the owner of a line: e-mail, contact phone (of the customer), mailing address
    (of the line)."""

    email: str
    contact_phone: str
    mailing_address: str


@runtime_checkable
class BillingPort(Protocol):
    """Operations kefu needs from billing. Unknown numbers answer ``None`` (subscriber) or empty
    sequences. The writes (:meth:`set_service_password`, and the data changes of business
    acceptance and the coordination flows: line state, adjustment, SIM, owner, contact details) take
    a ``reference`` naming the acceptance or work order that asked for them; billing refuses what it
    cannot do with a ``DomainError`` carrying a stable code (the local adapter's codes are in
    ``kefu.customers.errors``)."""

    def subscriber(self, number: str) -> SubscriberRecord | None: ...

    def subscriptions(self, number: str, *, active_only: bool = False) -> Sequence[SubscriptionRecord]: ...

    def bills(self, number: str, *, months: int = 6) -> Sequence[BillRecord]: ...

    def call_details(
        self, number: str, *, since: datetime | None = None, until: datetime | None = None, limit: int = 200
    ) -> Sequence[CallRecord]: ...

    def payments(self, number: str, *, limit: int = 50) -> Sequence[PaymentRecord]: ...

    def balance(self, number: str) -> BalanceRecord | None: ...

    def points(self, number: str, *, month: date | None = None) -> PointsFigures | None: ...

    def usage_records(
        self, number: str, *, kind: str | None = None, limit: int = 200
    ) -> Sequence[UsageRow]: ...

    def line_overview(
        self, number: str, *, months: int = 6, calls: int = 10, payments: int = 6
    ) -> LineOverview | None:
        """Everything :class:`LineOverview` holds for ``number`` (``months`` bills, ``calls`` call
        details, ``payments`` payments, this month's points); None for an unknown number."""
        ...

    def check_service_password(self, number: str, password: str) -> bool:
        """Whether ``password`` is the service password of ``number`` (AUTH-2: billing holds the one
        service password). Never raises for an unknown number: answers False."""
        ...

    def set_service_password(self, number: str, password: str, *, actor=None) -> None:
        """Replace the service password; the new one is no longer an initial password (AUTH-6)."""
        ...

    def change_subscriptions(
        self, number: str, *, start: Sequence[str] = (), end: Sequence[str] = (), reference: str, actor=None
    ) -> None:
        """Business acceptance of products (BA-1), effective today and in one step: end the products
        ``end`` and start the products ``start`` (an order starts one, a cancellation ends one, a plan
        change does both). kefu has already decided that the products fit the line
        (``kefu.customers.eligibility``); billing refuses only what its own records contradict:
        ``not_subscribed`` (a product to end is not active), ``already_subscribed`` (one to start is)."""
        ...

    def set_line_state(
        self, number: str, *, state: str, reason: str, reference: str, actor=None
    ) -> LineStateChange:
        """Suspend (``state="suspended"``) or resume (``"active"``) the line. Suspending a line that
        is not active, or resuming one that is not suspended, is refused (``line_state_conflict``)."""
        ...

    def apply_adjustment(
        self, number: str, *, amount: Decimal, reason: str, reference: str, actor=None
    ) -> AdjustmentRecord:
        """Credit (positive ``amount``) or charge (negative) the line's account. Applying the same
        ``reference`` twice applies it once and answers the first record."""
        ...

    def replace_sim(self, number: str, *, iccid: str, reference: str, actor=None) -> str:
        """Put the line on a new SIM card (补换卡); answers the previous ICCID."""
        ...

    def transfer_ownership(self, number: str, *, owner: NewOwner, reference: str, actor=None) -> None:
        """Transfer the line (过户) to ``owner`` with an account of their own; the old service
        password stops working and the new owner must set one (AUTH-6)."""
        ...

    def set_contact_details(
        self, number: str, *, details: ContactDetails, reference: str, actor=None
    ) -> ContactDetails:
        """Replace the contact details of the line's owner; answers the details before."""
        ...


@cache
def _adapter_class(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


def get_billing() -> BillingPort:
    """The configured billing adapter (setting ``KEFU_BILLING_ADAPTER``, default the local one)."""
    from django.conf import settings

    return _adapter_class(getattr(settings, "KEFU_BILLING_ADAPTER", DEFAULT_ADAPTER))()
