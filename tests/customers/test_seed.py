"""`kefu seed`: realistic, valid, repeatable synthetic data; bad arguments change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from kefu.core.models import City
from kefu.customers.choices import Brand, CustomerType, IdType, PointsKind
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
from kefu.customers.rules import derive_user_type, is_valid_resident_id
from kefu.customers.seeding import demo_service_password
from kefu.customers.seeding.people import MOBILE_PREFIXES
from kefu.customers.selectors import points_figures
from kefu.ports.billing import get_billing

PREFIXES = {p for p, _ in MOBILE_PREFIXES}
TABLES = (
    Customer,
    Account,
    Subscriber,
    Subscription,
    MonthlyBill,
    Payment,
    PointsEntry,
    CallDetail,
    UsageRecord,
)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture
def seeded(db):
    call_command("seed", subscribers=120, province="JS", months=6, random_seed=7, verbosity=0)
    return Subscriber.objects.select_related("customer", "home_city", "home_province")


def test_resident_id_numbers_have_valid_check_digits_birth_dates_and_home_regions(seeded):
    """VIEW-1: seeded ID numbers are valid GB 11643 numbers of the home city with the real birth date."""
    individuals = [s for s in seeded if s.customer.customer_type == CustomerType.INDIVIDUAL]
    assert len(individuals) > 90
    for sub in individuals:
        customer = sub.customer
        assert customer.id_type == IdType.RESIDENT_ID
        assert is_valid_resident_id(customer.id_number), customer.id_number
        assert customer.id_number[:4] == sub.home_city.code
        assert date(
            int(customer.id_number[6:10]), int(customer.id_number[10:12]), int(customer.id_number[12:14])
        ) == (customer.birth_date)
        # the 17th digit is odd for men and even for women
        assert int(customer.id_number[16]) % 2 == (1 if customer.gender == "m" else 0)


def test_home_locations_match_the_province_and_numbers_use_real_prefixes(seeded, js):
    """VIEW-1, SYS-1: every seeded line belongs to a JS city; mobile numbers use China Mobile prefixes;
    fixed and broadband lines start with the home city's area code."""
    assert seeded.count() == 120
    for sub in seeded:
        assert sub.home_province_id == js.id
        assert sub.home_city.province_id == js.id
        assert sub.customer.province_id == js.id and sub.customer.city_id == sub.home_city_id
        if sub.brand in Brand.MOBILE:
            assert len(sub.number) == 11 and sub.number[:3] in PREFIXES, sub.number
        else:
            assert sub.number.startswith(sub.home_city.area_code), sub.number


def test_user_types_are_derived_and_levels_plausible(seeded):
    """AUTH-9: the stored user type is the derived one; ordinary lines dominate."""
    for sub in seeded:
        assert sub.user_type == derive_user_type(
            customer_type=sub.customer.customer_type, network_type=sub.network_type, level=sub.level
        )
    ordinary = seeded.filter(level="ordinary").count()
    assert ordinary > seeded.count() / 2


def test_history_is_there_and_consistent(seeded):
    """Q-1, Q-2, SS-4: plans, bills, payments, points, call details and usage records exist; each line
    has exactly one plan and at most six bills, one per month."""
    assert Product.objects.filter(kind="plan").exists()
    plans = Subscription.objects.filter(product__kind="plan").values("subscriber").annotate(n=Count("id"))
    assert {row["n"] for row in plans} == {1} and len(plans) == 120
    per_month = MonthlyBill.objects.values("subscriber", "month").annotate(n=Count("id"))
    assert max(row["n"] for row in per_month) == 1
    assert MonthlyBill.objects.values("month").distinct().count() == 6
    for model in (Payment, CallDetail, UsageRecord):
        assert model.objects.exists(), model.__name__
    assert set(UsageRecord.objects.values_list("kind", flat=True)) == {"sms", "mms", "wap"}
    assert PointsEntry.objects.filter(kind=PointsKind.EARNED).count() == 120 * 6


def test_seeded_lines_hold_only_products_that_fit_them(seeded):
    """BA-1: the seed gives no line a product the eligibility rule would refuse it (a broadband plan on
    a mobile line, a 5G pack on a 4G line...): each held product fits the line with the others held."""
    from kefu.customers.eligibility import Line, eligibility

    held: dict[int, list[Product]] = {}
    for sub in Subscription.objects.filter(status="active").select_related("product"):
        held.setdefault(sub.subscriber_id, []).append(sub.product)
    for line in seeded.select_related("account"):
        products = held.get(line.pk, [])
        for product in products:
            others = [p for p in products if p.code != product.code]
            verdict = eligibility(product, Line.of(line, pay_method=line.account.pay_method, held=others))
            assert verdict.eligible, (line.number, product.code, verdict.message)


def test_seeded_points_never_go_negative(seeded):
    """Q-2: the ledger the seed writes keeps every pool non-negative."""
    for sub in seeded[:40]:
        figures = points_figures(sub)
        assert figures.redeemable >= 0 and figures.not_redeemable >= 0
        assert figures.current_total == figures.usable_total - figures.redeemed_total


def test_service_passwords_are_argon2_and_the_demo_rule_opens_them(seeded):
    """AUTH-2, AUTH-4: hashes only, never the password; the documented demo rule gives the password."""
    billing = get_billing()
    sub = seeded.first()
    assert sub.service_password.startswith("argon2$")
    assert demo_service_password(sub.number) not in sub.service_password
    assert billing.check_service_password(sub.number, demo_service_password(sub.number))
    assert not billing.check_service_password(sub.number, "000000")
    assert seeded.filter(password_initial=True).count() < seeded.count()


def test_repeated_seeds_add_lines_without_number_collisions(seeded):
    """SYS-1: a second seed adds lines in another province, with new numbers and ids."""
    call_command("seed", subscribers=80, province="ZJ", months=2, random_seed=7, verbosity=0)
    assert Subscriber.objects.count() == 200
    assert Subscriber.objects.values("number").distinct().count() == 200
    assert Subscriber.objects.filter(home_province__code="ZJ").count() == 80
    assert Subscriber.objects.filter(home_province__code="ZJ", home_city__province__code="ZJ").count() == 80


def test_without_province_the_seed_spreads_over_js_and_zj(db):
    """SYS-1: the default spread covers both demo provinces."""
    call_command("seed", subscribers=60, months=1, random_seed=3, verbosity=0)
    provinces = set(Subscriber.objects.values_list("home_province__code", flat=True))
    assert provinces == {"JS", "ZJ"}
    assert (
        City.objects.filter(id__in=Subscriber.objects.values("home_city"))
        .exclude(province__code__in=["JS", "ZJ"])
        .count()
        == 0
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subscribers", "0"], "positive"),
        (["--subscribers", "-5"], "positive"),
        (["--subscribers", "abc"], "whole number"),
        (["--subscribers", "10", "--months", "0"], "1 to 24"),
        (["--subscribers", "10", "--months", "25"], "1 to 24"),
        (["--subscribers", "10", "--months", "x"], "whole number"),
        (["--subscribers", "10", "--province", "XX"], "unknown province"),
        (["--subscribers", "10", "--province", "JS", "--province", "QQ"], "unknown province"),
    ],
    ids=["zero", "negative", "not-a-number", "months-0", "months-25", "months-nan", "province", "one-bad"],
)
def test_bad_arguments_are_a_clear_error_and_write_nothing(db, args, message):
    """SYS-1: bad seed arguments raise a CommandError naming the problem; no table changes."""
    before = counts()
    with pytest.raises(CommandError, match=message):
        call_command("seed", *args, verbosity=0)
    assert counts() == before
    assert not Product.objects.exists()
