"""Synthetic people and lines: zh_CN names, resident ID numbers with valid GB 11643 check digits,
China Mobile number prefixes, brands, levels and statuses in plausible proportions.

Generation is column-wise (``random.choices`` with ``k=n``) because per-row calls dominate the cost
of a million rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.customers.choices import (
    Brand,
    CustomerType,
    Gender,
    IdType,
    PayMethod,
    SubscriberStatus,
)
from kefu.customers.rules import derive_user_type, id_check_digit

# Common surnames, weighted roughly by how many people bear them (per mille).
SURNAMES = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 24), ("赵", 22),
    ("吴", 21), ("周", 20), ("徐", 15), ("孙", 14), ("马", 12), ("朱", 11), ("胡", 10), ("郭", 9),
    ("何", 9), ("林", 8), ("高", 8), ("罗", 8), ("郑", 7), ("梁", 7), ("谢", 6), ("宋", 5), ("唐", 5),
    ("许", 5), ("韩", 5), ("冯", 5), ("邓", 5), ("曹", 5), ("彭", 4), ("曾", 4), ("肖", 4), ("田", 4),
    ("董", 4), ("袁", 4), ("潘", 3), ("于", 3), ("蒋", 3), ("蔡", 3), ("余", 3), ("杜", 3), ("叶", 3),
    ("程", 3), ("苏", 2), ("魏", 2), ("吕", 2), ("丁", 2), ("任", 2), ("沈", 2), ("姚", 2), ("卢", 2),
    ("姜", 2), ("崔", 2), ("钟", 2), ("谭", 2), ("陆", 2), ("汪", 2), ("范", 2), ("金", 2), ("石", 2),
    ("廖", 1), ("贾", 1), ("夏", 1), ("韦", 1), ("付", 1), ("方", 1), ("白", 1), ("邹", 1), ("孟", 1),
    ("熊", 1), ("秦", 1), ("邱", 1), ("江", 1), ("尹", 1), ("薛", 1), ("顾", 1), ("段", 1), ("雷", 1),
    ("侯", 1), ("龙", 1), ("史", 1), ("欧阳", 1), ("诸葛", 1),
)  # fmt: skip
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆建国峰文博志成东亮林海"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂丹萍红梅琳雪慧颖婷倩洁莉欣怡佳悦晶晓月琴云"
GIVEN_ANY = "子嘉思雨一天晨阳安宁永春金玉小新"
COMPANY_WORDS = "华信 恒通 瑞丰 天成 宏达 金泰 远航 博创 新联 汇智 众诚 凯德".split()
COMPANY_TRADES = "科技 贸易 物流 建设 电子 制造 食品 纺织 医药 网络".split()
ROADS = "中山路 人民路 解放路 建设路 长江路 新华路 和平路 胜利路 文化路 学府路 北京路 湖滨路".split()
INTERESTS = "旅游 阅读 音乐 电影 体育 美食 摄影 游戏 健身 投资 汽车 书法".split()
MAIL_DOMAINS = ("139.com", "139.com", "139.com", "qq.com", "163.com")

# China Mobile mobile prefixes with a rough weight for how many numbers each holds.
MOBILE_PREFIXES = (
    ("134", 6), ("135", 10), ("136", 9), ("137", 9), ("138", 10), ("139", 10), ("147", 2), ("150", 5),
    ("151", 5), ("152", 5), ("157", 2), ("158", 5), ("159", 5), ("178", 3), ("182", 4), ("183", 3),
    ("184", 1), ("187", 5), ("188", 4), ("198", 2),
)  # fmt: skip

BRAND_WEIGHTS = (
    (Brand.GOTONE, 15), (Brand.MZONE, 22), (Brand.EASYOWN, 53), (Brand.FIXED, 4), (Brand.BROADBAND, 6)
)  # fmt: skip
MOBILE_NETWORKS = ((NetworkType.G2, 12), (NetworkType.G3, 10), (NetworkType.G4, 58), (NetworkType.G5, 20))
# Levels: most lines are ordinary, 全球通 holds most of the VIPs, supreme cards are rare.
LEVELS_GOTONE = (
    (CustomerLevel.ORDINARY, 55), (CustomerLevel.SILVER, 25), (CustomerLevel.GOLD, 12),
    (CustomerLevel.DIAMOND, 6), (CustomerLevel.SUPREME, 2),
)  # fmt: skip
LEVELS_OTHER = (
    (CustomerLevel.ORDINARY, 9400), (CustomerLevel.SILVER, 400), (CustomerLevel.GOLD, 150),
    (CustomerLevel.DIAMOND, 45), (CustomerLevel.SUPREME, 5),
)  # fmt: skip
STATUSES = (
    (SubscriberStatus.ACTIVE, 930), (SubscriberStatus.SUSPENDED, 50),
    (SubscriberStatus.REPORTED_LOST, 5), (SubscriberStatus.CLOSED, 15),
)  # fmt: skip
ENTERPRISE_SHARE = 0.03
BIRTH_FIRST = date(1950, 1, 1).toordinal()
BIRTH_LAST = date(2006, 12, 31).toordinal()
OPENED_FIRST = datetime(2003, 1, 1, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Place:
    """A home location: province and city ids, names and codes."""

    province_id: int
    province_name: str
    city_id: int
    city_code: str
    city_name: str
    area_code: str


def _split(pairs):
    values = [v for v, _ in pairs]
    cumulative, running = [], 0
    for _, weight in pairs:
        running += weight
        cumulative.append(running)
    return values, cumulative


def person_name(rng: random.Random, gender: str) -> str:
    surnames, cum = _split(SURNAMES)
    return _names(rng, [gender], surnames, cum)[0]


def _names(rng, genders, surnames, cum) -> list[str]:
    picked = rng.choices(surnames, cum_weights=cum, k=len(genders))
    names = []
    for surname, gender in zip(picked, genders, strict=True):
        pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
        if rng.random() < 0.6:
            names.append(surname + rng.choice(GIVEN_ANY + pool) + rng.choice(pool))
        else:
            names.append(surname + rng.choice(pool))
    return names


def resident_id(rng: random.Random, city_code: str, birth: date, gender: str) -> str:
    """An 18-digit resident ID: city code + district, birth date, sequence (odd for men), check digit."""
    district = f"{rng.randint(2, 11):02d}"
    sequence = rng.randrange(0, 999, 2) + (1 if gender == Gender.MALE else 0)
    body = f"{city_code}{district}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_digit(body)


def generate_rows(
    *,
    rng: random.Random,
    count: int,
    places: list[Place],
    first_id: int,
    taken_numbers: set[str],
    password_hashes: dict[str, str],
    now: datetime,
):
    """Rows for the customer, account and subscriber tables (tuples in the loaders' column order).

    Ids are assigned from ``first_id`` (the loader reserved them); customer, account and subscriber i
    share id ``first_id + i``. ``taken_numbers`` is updated with every number handed out.
    """
    surnames, surname_cum = _split(SURNAMES)
    prefixes, prefix_cum = _split(MOBILE_PREFIXES)
    brands, brand_cum = _split(BRAND_WEIGHTS)
    networks, network_cum = _split(MOBILE_NETWORKS)
    levels_gt, levels_gt_cum = _split(LEVELS_GOTONE)
    levels_ot, levels_ot_cum = _split(LEVELS_OTHER)
    statuses, status_cum = _split(STATUSES)

    place_of = rng.choices(places, k=count)
    genders = rng.choices((Gender.MALE, Gender.FEMALE), k=count)
    names = _names(rng, genders, surnames, surname_cum)
    brand_of = rng.choices(brands, cum_weights=brand_cum, k=count)
    network_of = rng.choices(networks, cum_weights=network_cum, k=count)
    status_of = rng.choices(statuses, cum_weights=status_cum, k=count)
    prefix_of = rng.choices(prefixes, cum_weights=prefix_cum, k=count)
    opened_span = now.timestamp() - 30 * 86400 - OPENED_FIRST

    customers, accounts, subscribers = [], [], []
    for i in range(count):
        row_id = first_id + i
        place = place_of[i]
        gender = genders[i]
        brand = brand_of[i]
        status = status_of[i]
        if brand in Brand.MOBILE:
            network = network_of[i]
            while True:
                number = prefix_of[i] + f"{rng.randrange(100_000_000):08d}"
                if number not in taken_numbers:
                    break
                prefix_of[i] = rng.choice(prefixes)
        else:
            network = NetworkType.FIXED if brand == Brand.FIXED else NetworkType.BROADBAND
            while True:
                number = place.area_code + f"{rng.randrange(10_000_000, 100_000_000)}"
                if number not in taken_numbers:
                    break
        taken_numbers.add(number)
        if brand == Brand.GOTONE:
            level = rng.choices(levels_gt, cum_weights=levels_gt_cum)[0]
        else:
            level = rng.choices(levels_ot, cum_weights=levels_ot_cum)[0]

        birth = date.fromordinal(rng.randint(BIRTH_FIRST, BIRTH_LAST))
        person = names[i]
        street = f"{place.province_name}省{place.city_name}市{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        if rng.random() < ENTERPRISE_SHARE:
            customer_type = CustomerType.ENTERPRISE
            customer_name = (
                f"{place.city_name}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"
            )
            id_type = IdType.BUSINESS_LICENCE
            id_number = f"91{place.city_code}{rng.randint(1, 11):02d}{rng.randrange(10**10):010d}"
            cust_gender, cust_birth = "", None
        else:
            customer_type = CustomerType.INDIVIDUAL
            customer_name = person
            id_type = IdType.RESIDENT_ID
            id_number = resident_id(rng, place.city_code, birth, gender)
            cust_gender, cust_birth = gender, birth
        email = f"{number}@{rng.choice(MAIL_DOMAINS)}" if rng.random() < 0.3 else ""
        customers.append(
            (
                row_id, customer_name, customer_type, id_type, id_number, cust_gender, cust_birth,
                street, email, level, place.province_id, place.city_id, now,
            )
        )  # fmt: skip

        prepaid = brand in (Brand.MZONE, Brand.EASYOWN)
        arrears = Decimal(rng.randint(20, 300)) if status == SubscriberStatus.SUSPENDED else Decimal(0)
        balance = Decimal(rng.randint(0, 30000)) / 100 if prepaid and not arrears else Decimal(0)
        pay_method = (
            PayMethod.PREPAID
            if prepaid
            else (PayMethod.BANK_COLLECTION if rng.random() < 0.4 else PayMethod.POSTPAID_CASH)
        )
        accounts.append((row_id, row_id, pay_method, balance, arrears))

        opened_at = datetime.fromtimestamp(OPENED_FIRST + rng.random() * opened_span, tz=UTC).replace(
            microsecond=0
        )
        broadband = ""
        if brand == Brand.BROADBAND or (brand in Brand.MOBILE and rng.random() < 0.08):
            broadband = f"{place.area_code}{row_id:09d}"
        card = f"VIP{place.city_code}{row_id:09d}" if level != CustomerLevel.ORDINARY else ""
        interests = ",".join(rng.sample(INTERESTS, rng.randint(0, 3)))
        mailing = street if rng.random() < 0.2 else ""
        subscribers.append(
            (
                row_id, number, row_id, row_id, person, brand, network, level,
                derive_user_type(customer_type=customer_type, network_type=network, level=level),
                place.province_id, place.city_id, status, opened_at, broadband, card,
                password_hashes[number[-1]], rng.random() < 0.1, None, interests, mailing,
            )
        )  # fmt: skip
    return customers, accounts, subscribers


CUSTOMER_COLUMNS = (
    "id", "name", "customer_type", "id_type", "id_number", "gender", "birth_date", "address", "email",
    "level", "province_id", "city_id", "created_at",
)  # fmt: skip
ACCOUNT_COLUMNS = ("id", "customer_id", "pay_method", "balance", "arrears")
SUBSCRIBER_COLUMNS = (
    "id", "number", "customer_id", "account_id", "user_name", "brand", "network_type", "level",
    "user_type", "home_province_id", "home_city_id", "status", "opened_at", "broadband_account",
    "membership_card", "service_password", "password_initial", "password_changed_at", "interests",
    "mailing_address",
)  # fmt: skip


def start_of_month(day: date, months_back: int = 0) -> date:
    """The first day of the month ``months_back`` months before ``day``'s month."""
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def days(n: int) -> timedelta:
    return timedelta(days=n)
