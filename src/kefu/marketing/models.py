"""Retention and marketing history of a subscriber, and the offers that may match them (VIEW-2/3).

Until the proactive-service issue brings outbound campaigns, these records come from the demo seed
(``kefu seedmarketing``) or from an import; the unified customer view reads them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import CustomerLevel
from kefu.customers.models import SUBSCRIBER_SCOPE
from kefu.marketing.choices import (
    MarketingChannel,
    MarketingResult,
    OfferKind,
    OfferType,
    RetentionOutcome,
    RetentionReason,
)


class RetentionRecord(models.Model):
    """One retention contact (挽留记录): why the customer wanted to leave, what was offered, the outcome."""

    subscriber = models.ForeignKey(
        "customers.Subscriber", on_delete=models.CASCADE, related_name="retention_records"
    )
    at = models.DateTimeField(_("挽留时间"), default=timezone.now)
    reason = models.CharField(_("离网原因"), max_length=16, choices=RetentionReason)
    offer_type = models.CharField(_("优惠类型"), max_length=16, choices=OfferType)
    outcome = models.CharField(_("挽留结果"), max_length=10, choices=RetentionOutcome)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subscriber", "-at"], name="retention_sub_at")]
        verbose_name = _("挽留记录")
        verbose_name_plural = _("挽留记录")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.at:%Y-%m-%d}"


class MarketingRecord(models.Model):
    """One marketing contact (营销记录): which product was offered, through which channel, the result."""

    subscriber = models.ForeignKey(
        "customers.Subscriber", on_delete=models.CASCADE, related_name="marketing_records"
    )
    at = models.DateTimeField(_("营销时间"), default=timezone.now)
    product = models.ForeignKey(
        "customers.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("产品")
    )
    channel = models.CharField(_("营销渠道"), max_length=10, choices=MarketingChannel)
    result = models.CharField(_("营销结果"), max_length=10, choices=MarketingResult)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subscriber", "-at"], name="marketing_sub_at")]
        verbose_name = _("营销记录")
        verbose_name_plural = _("营销记录")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.product_id}"


class Offer(models.Model):
    """An offer for sale or retention and the conditions a subscriber must meet for it to match.

    Empty ``levels``/``brands`` mean any level/brand; ``min_monthly_spend`` compares with the average
    bill of the last three months; an offer of a ``product`` also needs the product to fit the line.
    Reference data: the same in every scope.
    """

    code = models.CharField(_("优惠编码"), max_length=20, unique=True)
    name = models.CharField(_("优惠名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=10, choices=OfferKind)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    levels = models.JSONField(_("适用级别"), default=list, blank=True)
    brands = models.JSONField(_("适用品牌"), default=list, blank=True)
    min_monthly_spend = models.DecimalField(_("月均消费下限"), max_digits=10, decimal_places=2, default=0)
    # the product the offer sells, if any: then it is offered only where the product fits the line
    # (kefu.customers.eligibility, the rule business acceptance applies)
    product = models.ForeignKey(
        "customers.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("产品"),
    )
    active = models.BooleanField(_("有效"), default=True)

    scope_fields = None  # reference data

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("优惠")
        verbose_name_plural = _("优惠")

    def __str__(self) -> str:
        return self.name

    def matches(self, *, level: str, brand: str, monthly_spend) -> bool:
        """Whether a subscriber of this level and brand, spending this much a month, qualifies."""
        if not self.active:
            return False
        if self.levels and level not in self.levels:
            return False
        if self.brands and brand not in self.brands:
            return False
        return monthly_spend >= self.min_monthly_spend


VIP_LEVELS = list(CustomerLevel.VIP)
