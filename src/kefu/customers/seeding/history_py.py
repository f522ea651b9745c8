"""The seeded history generated in Python, for SQLite (demo sizes). Same shapes as ``history_sql``."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from kefu.customers.choices import Brand, SubscriberStatus
from kefu.customers.seeding import history_rules as rules
from kefu.customers.seeding.people import MOBILE_PREFIXES, start_of_month

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
PREFIXES = [p for p, _ in MOBILE_PREFIXES]
POINT_KINDS = ("earned", "activity", "voided", "redeemed")


def _cents(rng: random.Random, bound: int) -> Decimal:
    return (Decimal(rng.randrange(bound)) * CENT).quantize(CENT)


def _other_number(rng: random.Random) -> str:
    return rng.choice(PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def generate(
    *,
    rng: random.Random,
    subscribers,
    accounts,
    months: int,
    cur: date,
    now: datetime,
    products: dict[str, list[int]],
) -> Iterator[tuple[str, tuple]]:
    """Yield (table, row) for the history of the given subscriber rows (people.SUBSCRIBER_COLUMNS)."""
    arrears_of = {row[0]: row[4] for row in accounts}
    extras = products["extras"]
    for sub in subscribers:
        sub_id, number, _c, account_id, _u, brand, _n, _l, _t, _p, _ci, status, opened_at = sub[:13]
        mobile = brand in Brand.MOBILE
        closed = status == SubscriberStatus.CLOSED
        plans = products[brand]
        yield (
            "subscription",
            (
                sub_id, rng.choice(plans), opened_at.date(),
                cur - timedelta(days=1 + rng.randrange(60)) if closed else None,
                "ended" if closed else "active",
            ),
        )  # fmt: skip
        if mobile:
            base = rng.randrange(len(extras))
            for k in range(1, rules.MAX_VAS + 1):
                if rng.randrange(rules.VAS_ONE_IN):
                    continue
                ended = rng.randrange(10) == 0
                yield (
                    "subscription",
                    (
                        sub_id, extras[(base + k) % len(extras)],
                        cur - timedelta(days=30 + rng.randrange(rules.VAS_START_SPAN_DAYS)),
                        cur - timedelta(days=rng.randrange(25)) if ended else None,
                        "ended" if ended else "active",
                    ),
                )  # fmt: skip

        for i in range(1, months + 1):
            month = start_of_month(cur, i)
            next_month = start_of_month(cur, i - 1)
            if opened_at.astimezone(SHANGHAI).date() >= next_month:
                continue
            voice = Decimal(0) if brand == Brand.BROADBAND else _cents(rng, rules.VOICE_CENTS)
            sms = _cents(rng, rules.SMS_CENTS) if mobile else Decimal(0)
            data = Decimal(0) if brand == Brand.FIXED else _cents(rng, rules.DATA_CENTS)
            vas = _cents(rng, rules.VAS_CENTS)
            other = _cents(rng, rules.OTHER_CENTS)
            total = voice + sms + data + vas + other
            arrears = arrears_of[account_id]
            paid = max(total - arrears, Decimal(0)) if i == 1 and arrears > 0 else total
            due = next_month + timedelta(days=rules.DUE_DAY - 1)
            yield ("monthlybill", (sub_id, month, voice, sms, data, vas, other, total, total, paid, due))

            if rng.randrange(10) < rules.PAYMENT_TENTHS:
                at = datetime.combine(next_month, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(
                    days=rng.randrange(20), seconds=28800 + rng.randrange(43200)
                )
                amount = Decimal(rules.PAYMENT_MIN + 10 * rng.randrange(rules.PAYMENT_STEPS))
                yield ("payment", (sub_id, at, amount, rng.choice(rules.PAYMENT_CHANNELS)))

        for i in range(months):
            month = start_of_month(cur, months - 1 - i)
            yield (
                "points",
                (
                    sub_id,
                    month,
                    "earned",
                    rules.EARNED_MIN + rng.randrange(rules.EARNED_SPAN),
                    True,
                    rules.NOTES[0],
                ),
            )
            if rng.randrange(rules.ACTIVITY_ONE_IN) == 0:
                points = rules.ACTIVITY_MIN + rng.randrange(rules.ACTIVITY_SPAN)
                yield ("points", (sub_id, month, "activity", points, False, rules.NOTES[1]))
            if i >= rules.VOIDED_FROM_INDEX and rng.randrange(rules.VOIDED_ONE_IN) == 0:
                points = rules.VOIDED_MIN + rng.randrange(rules.VOIDED_SPAN)
                yield ("points", (sub_id, month, "voided", points, True, rules.NOTES[2]))
            if months >= 3 and i == months - 2 and rng.randrange(rules.REDEEMED_ONE_IN) == 0:
                yield ("points", (sub_id, month, "redeemed", rules.REDEEMED_POINTS, True, rules.NOTES[3]))

        if closed:
            continue
        for _ in range(rng.randint(rules.MIN_CALLS, rules.MAX_CALLS)):
            direction = rng.choice(("out", "in"))
            duration = rules.CALL_MIN_SECONDS + rng.randrange(rules.CALL_SPAN_SECONDS)
            draw = rng.randrange(20)
            call_type = "local" if draw < 16 else ("long_distance" if draw < 19 else "roaming")
            rate = {
                "local": rules.RATE_LOCAL,
                "long_distance": rules.RATE_LONG,
                "roaming": rules.RATE_ROAMING,
            }[call_type]
            free = direction == "in" and call_type != "roaming"
            fee = Decimal(0) if free else Decimal(math.ceil(duration / 60)) * Decimal(rate)
            at = now - timedelta(seconds=60 + rng.randrange(rules.RECENT_SECONDS))
            yield ("calldetail", (sub_id, at, _other_number(rng), direction, duration, call_type, fee))

        if not mobile:
            continue
        for k in range(1, 7):
            if rng.randrange(2):
                continue
            kind = "sms" if k <= 3 else ("mms" if k == 4 else "wap")
            draw = rng.randrange(100)
            state = "failed" if draw % 20 == 0 else ("pending" if draw % 50 == 1 else "success")
            started = now - timedelta(seconds=60 + rng.randrange(rules.RECENT_SECONDS))
            if kind == "wap":
                yield ("usage", (sub_id, kind, number, "", started, None, rng.choice(rules.WAP_URLS), state))
                continue
            other = _other_number(rng)
            calling, called = (number, other) if rng.randrange(2) else (other, number)
            ended = started + timedelta(seconds=1 + rng.randrange(60)) if state == "success" else None
            yield ("usage", (sub_id, kind, calling, called, started, ended, "", state))


COLUMNS = {
    "subscription": (
        "customers_subscription",
        ("subscriber_id", "product_id", "start_date", "end_date", "status"),
    ),
    "monthlybill": (
        "customers_monthlybill",
        (
            "subscriber_id",
            "month",
            "voice_fee",
            "sms_fee",
            "data_fee",
            "vas_fee",
            "other_fee",
            "total_fee",
            "amount_due",
            "amount_paid",
            "due_date",
        ),
    ),  # fmt: skip
    "payment": ("customers_payment", ("subscriber_id", "paid_at", "amount", "channel")),
    "points": ("customers_pointsentry", ("subscriber_id", "month", "kind", "points", "redeemable", "note")),
    "calldetail": (
        "customers_calldetail",
        ("subscriber_id", "start_at", "other_party", "direction", "duration_seconds", "call_type", "fee"),
    ),
    "usage": (
        "customers_usagerecord",
        (
            "subscriber_id",
            "kind",
            "calling_number",
            "called_number",
            "started_at",
            "ended_at",
            "url",
            "status",
        ),
    ),
}
