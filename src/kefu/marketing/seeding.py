"""Demo retention and marketing history, and the offers catalogue (``kefu seedmarketing``).

Deterministic per subscriber (a random generator seeded with the subscriber id), so a re-run gives the
same picture; subscribers that already have records are skipped, so the command can be repeated after
``kefu seed`` adds lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.core.choices import CustomerLevel
from kefu.customers.choices import Brand, ProductKind
from kefu.customers.models import Product, Subscriber
from kefu.marketing.choices import (
    MarketingChannel,
    MarketingResult,
    OfferKind,
    OfferType,
    RetentionOutcome,
    RetentionReason,
)
from kefu.marketing.models import MarketingRecord, Offer, RetentionRecord

# (code, name, kind, description, levels, brands, min monthly spend)
OFFERS = [
    ("S-5G", "5G加速包体验", OfferKind.SALE, "5G用户首月半价", [], list(Brand.MOBILE), "0"),
    ("S-DATA10", "10元加油包（1GB）", OfferKind.SALE, "流量不够用的用户", [], list(Brand.MOBILE), "0"),
    ("S-FAMILY", "亲情网优惠", OfferKind.SALE, "家庭共享，每月立减5元", [], list(Brand.MOBILE), "30"),
    ("S-GT-UP", "全球通套餐升档", OfferKind.SALE, "月均消费100元以上推荐升档", [], [Brand.GOTONE], "100"),
    ("S-BB-200", "宽带提速至200M", OfferKind.SALE, "宽带用户提速", [], [Brand.BROADBAND], "0"),
    ("S-VIDEO", "视频会员包", OfferKind.SALE, "年轻用户推荐", [], [Brand.MZONE], "20"),
    (
        "R-DISCOUNT",
        "月费八折（12个月）",
        OfferKind.RETENTION,
        "高价值用户挽留",
        list(CustomerLevel.VIP),
        [],
        "80",
    ),
    ("R-DATA", "每月赠送2GB（6个月）", OfferKind.RETENTION, "流量赠送挽留", [], list(Brand.MOBILE), "0"),
    ("R-POINTS", "赠送2000积分", OfferKind.RETENTION, "积分挽留", list(CustomerLevel.VIP), [], "0"),
    ("R-FIXED", "固话月租减免3个月", OfferKind.RETENTION, "固话用户挽留", [], [Brand.FIXED], "0"),
]


@dataclass(frozen=True)
class MarketingSeedResult:
    offers: int
    retention_records: int
    marketing_records: int


# the product an offer sells (offered only where it fits the line)
OFFER_PRODUCTS = {"S-BB-200": "P-BB-200", "S-VIDEO": "V-VIDEO", "S-5G": "V-5G-BOOST"}


def ensure_offers() -> int:
    """Create the offers that do not exist yet; answer how many offers there are."""
    existing = set(Offer.objects.values_list("code", flat=True))
    products = dict(Product.objects.filter(code__in=OFFER_PRODUCTS.values()).values_list("code", "id"))
    Offer.objects.bulk_create(
        [
            Offer(
                code=code,
                name=name,
                kind=kind,
                description=description,
                levels=levels,
                brands=brands,
                min_monthly_spend=Decimal(spend),
                product_id=products.get(OFFER_PRODUCTS.get(code, "")),
            )
            for code, name, kind, description, levels, brands, spend in OFFERS
            if code not in existing
        ]
    )
    return Offer.objects.count()


@transaction.atomic
def seed_marketing(*, province_codes=None, batch: int = 5000) -> MarketingSeedResult:
    """Offers, plus retention and marketing records for subscribers that have none yet.

    About one line in four has a retention contact in the last six months, and most lines have a few
    marketing contacts this year.
    """
    offers = ensure_offers()
    products = list(
        Product.objects.filter(kind__in=(ProductKind.VAS, ProductKind.MONTERNET)).values_list("id", flat=True)
    )
    now = timezone.now()
    subscribers = Subscriber.objects.order_by("id")
    if province_codes:
        subscribers = subscribers.filter(home_province__code__in=list(province_codes))
    done = set(RetentionRecord.objects.values_list("subscriber_id", flat=True).distinct()) | set(
        MarketingRecord.objects.values_list("subscriber_id", flat=True).distinct()
    )
    retention: list[RetentionRecord] = []
    marketing: list[MarketingRecord] = []
    counts = [0, 0]

    def flush():
        RetentionRecord.objects.bulk_create(retention, batch_size=batch)
        MarketingRecord.objects.bulk_create(marketing, batch_size=batch)
        counts[0] += len(retention)
        counts[1] += len(marketing)
        retention.clear()
        marketing.clear()

    for subscriber_id in subscribers.values_list("id", flat=True).iterator(chunk_size=batch):
        if subscriber_id in done:
            continue
        rng = random.Random(subscriber_id)
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 2)):
                retention.append(
                    RetentionRecord(
                        subscriber_id=subscriber_id,
                        at=now - timedelta(days=rng.randint(3, 180), minutes=rng.randint(0, 1440)),
                        reason=rng.choice(RetentionReason.values()),
                        offer_type=rng.choice(OfferType.values()),
                        outcome=rng.choice(RetentionOutcome.values()),
                    )
                )
        if products:
            for _ in range(rng.randint(0, 4)):
                marketing.append(
                    MarketingRecord(
                        subscriber_id=subscriber_id,
                        at=now - timedelta(days=rng.randint(1, 200), minutes=rng.randint(0, 1440)),
                        product_id=rng.choice(products),
                        channel=rng.choice(MarketingChannel.values()),
                        result=rng.choice(MarketingResult.values()),
                    )
                )
        if len(marketing) + len(retention) >= batch:
            flush()
    flush()
    return MarketingSeedResult(offers=offers, retention_records=counts[0], marketing_records=counts[1])
