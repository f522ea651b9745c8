"""Test data built with factory_boy: customers, accounts, lines and their billing history, marketing
history and offers, in shapes a test asks for and that never depend on ids.

Provinces and cities are reference data loaded by the migrations: factories look them up by code
(``home="3201"`` is Nanjing, ``"3301"`` Hangzhou) and never create them. Every line gets the service
password ``SERVICE_PASSWORD`` (one argon2 hash per test process) and is active, opened long ago, with
no initial password, unless a test says otherwise.

    line = SubscriberFactory()                        # a 全球通 4G line in Nanjing
    line = SubscriberFactory(home="3301", level="gold")
    line = line_with_history(months=6)                # plan, six bills, payments, points, calls, usage
    add_marketing_history(line); ensure_offers()      # what the unified view's marketing parts read
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.models import City
from kefu.customers.choices import Brand, CustomerType, Gender, IdType, PayMethod, SubscriberStatus
from kefu.customers.models import (
    Account,
    CallDetail,
    Customer,
    MonthlyBill,
    Payment,
    PointsEntry,
    Product,
    Subscriber,
    Subscription,
    UsageRecord,
)
from kefu.customers.rules import id_check_digit
from kefu.customers.seeding.people import start_of_month
from kefu.customers.seeding.products import PRODUCTS, RULES, ensure_products
from kefu.marketing.models import MarketingRecord, Offer, RetentionRecord

SERVICE_PASSWORD = "802413"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NAMES = ("王建国", "李秀英", "张伟", "刘芳", "陈明", "杨丽", "赵强", "黄静", "周杰", "吴敏")
OPENED_AT = datetime(2015, 3, 1, 2, 0, tzinfo=UTC)  # long before any history a test asks for

# The plan every line of a brand subscribes to, and the extras a mobile line adds (product codes of the
# billing catalog, kefu.customers.seeding.products).
PLANS = {
    Brand.GOTONE: "P-GT-88",
    Brand.MZONE: "P-MZ-28",
    Brand.EASYOWN: "P-EO-19",
    Brand.FIXED: "P-FX-20",
    Brand.BROADBAND: "P-BB-100",
}
EXTRAS = ("V-CRBT", "M-NEWS")
_CATALOG = {row[0]: row for row in PRODUCTS}


@functools.cache
def _password_hash(password: str) -> str:
    """Hashing is slow on purpose (argon2): once per password and test process."""
    return make_password(password)


def home_city(code: str) -> City:
    """A city of the reference data (loaded by the migrations), with its province."""
    return City.objects.select_related("province").get(code=code)


def _resident_id(city_code: str, n: int) -> str:
    """An 18-digit resident ID with a valid check digit (GB 11643), distinct for 14,000 n in a row."""
    birth = date(1960, 1, 1) + timedelta(days=(n * 97) % 14000)
    body = f"{city_code}02{birth:%Y%m%d}{n % 1000:03d}"
    return body + id_check_digit(body)


class CustomerFactory(DjangoModelFactory):
    """A person who owns lines; ``home`` is the city code of the reference data."""

    class Meta:
        model = Customer

    class Params:
        home = "3201"
        place = factory.LazyAttribute(lambda o: home_city(o.home))

    name = factory.Iterator(NAMES)
    customer_type = CustomerType.INDIVIDUAL
    id_type = IdType.RESIDENT_ID
    id_number = factory.LazyAttributeSequence(lambda o, n: _resident_id(o.home, n))
    gender = Gender.MALE
    birth_date = factory.LazyAttribute(lambda o: date(int(o.id_number[6:10]), int(o.id_number[10:12]),
                                                      int(o.id_number[12:14])))  # fmt: skip
    address = factory.LazyAttribute(lambda o: f"{o.place.province.name}省{o.place.name}市中山路1号")
    level = CustomerLevel.ORDINARY
    province = factory.SelfAttribute("place.province")
    city = factory.SelfAttribute("place")


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)
    pay_method = PayMethod.POSTPAID_CASH
    balance = Decimal("50.00")
    arrears = Decimal("0.00")


def _number(o, n: int) -> str:
    if o.brand in Brand.MOBILE:
        return f"138{10_000_000 + n:08d}"
    return f"{o.place.area_code}{80_000_000 + n}"


def _network(brand: str) -> str:
    return {Brand.FIXED: NetworkType.FIXED, Brand.BROADBAND: NetworkType.BROADBAND}.get(brand, NetworkType.G4)


class SubscriberFactory(DjangoModelFactory):
    """A line (a 全球通 4G line in Nanjing unless told otherwise) with its own customer and account.

    ``home`` is the city code; ``password`` the service password (hashed). Mobile numbers are
    1381xxxxxxx, fixed and broadband numbers start with the city's area code."""

    class Meta:
        model = Subscriber

    class Params:
        home = "3201"
        place = factory.LazyAttribute(lambda o: home_city(o.home))
        password = SERVICE_PASSWORD

    brand = Brand.GOTONE
    network_type = factory.LazyAttribute(lambda o: _network(o.brand))
    level = CustomerLevel.ORDINARY
    number = factory.LazyAttributeSequence(_number)
    customer = factory.SubFactory(
        CustomerFactory, home=factory.SelfAttribute("..home"), level=factory.SelfAttribute("..level")
    )
    account = factory.SubFactory(AccountFactory, customer=factory.SelfAttribute("..customer"))
    user_name = factory.SelfAttribute("customer.name")
    home_province = factory.SelfAttribute("place.province")
    home_city = factory.SelfAttribute("place")
    status = SubscriberStatus.ACTIVE
    opened_at = OPENED_AT
    service_password = factory.LazyAttribute(lambda o: _password_hash(o.password))
    password_initial = False


class ProductFactory(DjangoModelFactory):
    """A product of the billing catalog, one row per code."""

    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = "vas"
    monthly_fee = Decimal("5")
    business_code = ""


def product(code: str) -> Product:
    """The billing catalog's product ``code`` (created on first use)."""
    code, name, kind, fee, business, _brand = _CATALOG[code]
    return ProductFactory(
        code=code,
        name=name,
        kind=kind,
        monthly_fee=Decimal(fee),
        business_code=business,
        **RULES.get(code, {}),
    )


def billing_catalog() -> None:
    """Every product of the billing catalog: plans of each brand, VAS and Monternet services."""
    ensure_products()


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    product = factory.LazyAttribute(lambda o: product(PLANS[o.subscriber.brand]))
    start_date = factory.LazyAttribute(lambda o: timezone.localtime(o.subscriber.opened_at).date())
    end_date = None
    status = "active"


class MonthlyBillFactory(DjangoModelFactory):
    """One month's bill: fees that add up, paid in full, due on the 20th of the next month."""

    class Meta:
        model = MonthlyBill

    subscriber = factory.SubFactory(SubscriberFactory)
    month = factory.LazyFunction(lambda: start_of_month(timezone.localdate(), 1))
    voice_fee = Decimal("30.00")
    sms_fee = Decimal("5.00")
    data_fee = Decimal("20.00")
    vas_fee = Decimal("8.00")
    other_fee = Decimal("1.00")
    total_fee = factory.LazyAttribute(
        lambda o: o.voice_fee + o.sms_fee + o.data_fee + o.vas_fee + o.other_fee
    )
    amount_due = factory.SelfAttribute("total_fee")
    amount_paid = factory.SelfAttribute("total_fee")
    due_date = factory.LazyAttribute(lambda o: start_of_month(o.month, -1) + timedelta(days=19))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def line_with_history(
    *, months: int = 6, calls: int = 3, usage: bool = True, extras: bool = True, **fields
) -> Subscriber:
    """A line (``SubscriberFactory(**fields)``) with the history the billing port serves: its plan (and
    for a mobile line two extras), a bill for each of the last ``months`` months (the newest is last
    month's, each older one costs a yuan less), a payment and earned points for each of those months
    (from two months on also activity points, voided and redeemed points), ``calls`` calls in the last
    days and, for a mobile line, one SMS, MMS and WAP record."""
    line = SubscriberFactory(**fields)
    mobile = line.brand in Brand.MOBILE
    SubscriptionFactory(subscriber=line)
    if extras and mobile:
        for extra in EXTRAS:
            SubscriptionFactory(subscriber=line, product=product(extra), start_date=date(2020, 1, 1))
    this_month = start_of_month(timezone.localdate())
    for i in range(1, months + 1):
        bill = MonthlyBillFactory(
            subscriber=line, month=start_of_month(this_month, i), voice_fee=Decimal(40 - i)
        )
        # paid on the bill month's last evening: in the past whatever today is
        paid_at = _at(start_of_month(bill.month, -1), 0) - timedelta(hours=2)
        Payment.objects.create(subscriber=line, paid_at=paid_at, amount=bill.total_fee, channel="online")
        PointsEntry.objects.create(subscriber=line, month=bill.month, kind="earned", points=100 + i,
                                   redeemable=True, note="消费积分")  # fmt: skip
    if months >= 2:  # the other kinds of the ledger: a gift, points voided and redeemed (never below 0)
        oldest, newest = start_of_month(this_month, months), start_of_month(this_month, 1)
        PointsEntry.objects.create(subscriber=line, month=oldest, kind="activity", points=200,
                                   redeemable=False, note="营销活动赠送")  # fmt: skip
        PointsEntry.objects.create(
            subscriber=line, month=oldest, kind="voided", points=10, note="积分到期作废"
        )
        PointsEntry.objects.create(subscriber=line, month=newest, kind="redeemed", points=100,
                                   note="积分兑换礼品")  # fmt: skip
    now = timezone.now().replace(microsecond=0)
    for i in range(calls):
        CallDetail.objects.create(
            subscriber=line, start_at=now - timedelta(days=i + 1, hours=2), other_party=f"1390000{i:04d}",
            direction="out" if i % 2 == 0 else "in", duration_seconds=60 * (i + 1), call_type="local",
            fee=Decimal("0.10") * (i + 1) if i % 2 == 0 else Decimal(0),
        )  # fmt: skip
    if usage and mobile:
        started = now - timedelta(days=2)
        UsageRecord.objects.create(subscriber=line, kind="sms", calling_number=line.number,
                                   called_number="13900000001", started_at=started,
                                   ended_at=started + timedelta(seconds=3), status="success")  # fmt: skip
        UsageRecord.objects.create(subscriber=line, kind="mms", calling_number="13900000002",
                                   called_number=line.number, started_at=started - timedelta(hours=5),
                                   ended_at=started - timedelta(hours=5) + timedelta(seconds=9),
                                   status="success")  # fmt: skip
        UsageRecord.objects.create(subscriber=line, kind="wap", calling_number=line.number,
                                   started_at=started - timedelta(days=1), url="http://wap.10086.cn/",
                                   status="success")  # fmt: skip
    return line


OFFERS = (
    # (code, name, kind, levels, brands, min monthly spend)
    ("S-DATA10", "10元加油包（1GB）", "sale", [], list(Brand.MOBILE), "0"),
    ("S-GT-UP", "全球通套餐升档", "sale", [], [Brand.GOTONE], "100"),
    ("R-DATA", "每月赠送2GB（6个月）", "retention", [], list(Brand.MOBILE), "0"),
    ("R-POINTS", "赠送2000积分", "retention", list(CustomerLevel.VIP), [], "0"),
)


def ensure_offers() -> list[Offer]:
    """The offers the unified view matches a line against (VIEW-3): two sales, two retentions."""
    return [
        Offer.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "levels": levels,
                "brands": brands,
                "min_monthly_spend": Decimal(spend),
            },
        )[0]  # fmt: skip
        for code, name, kind, levels, brands, spend in OFFERS
    ]


def add_marketing_history(line: Subscriber) -> None:
    """One retention contact a month ago and two marketing contacts (one accepted, one declined)."""
    now = timezone.now()
    RetentionRecord.objects.create(subscriber=line, at=now - timedelta(days=30), reason="competitor",
                                   offer_type="data_bonus", outcome="retained")  # fmt: skip
    for days, result in ((10, "accepted"), (40, "declined")):
        MarketingRecord.objects.create(subscriber=line, at=now - timedelta(days=days),
                                       product=product(EXTRAS[0]), channel="sms", result=result)  # fmt: skip
