"""The reference business platform's own data (ORG-3, CAP-2): what 手机视频, 手机游戏, 无线音乐, 手机支付
and 手机阅读 know about a number, the blacklists that handling changes, and a log of the requests it
answered. All of it is machine data of the platform node (``scope_fields = None``): nobody but the
hub talks to a platform, and its only page is read-only for administrators.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlatformRecord(models.Model):
    """One record of a business about a number: an order, an on-demand play, a consumption, a voucher…

    ``kind`` is the CAP-2 query that reads it (``order_history``, ``consumption``, …); ``data`` holds
    the columns that query shows; ``at`` is when it happened (periods and months filter on it)."""

    business = models.CharField(_("业务"), max_length=32)
    kind = models.CharField(_("记录类型"), max_length=40)
    number = models.CharField(_("手机号码"), max_length=20)
    at = models.DateTimeField(_("时间"), null=True, blank=True)
    key = models.CharField(_("编号"), max_length=40, blank=True, default="")
    data = models.JSONField(_("内容"), default=dict)

    scope_fields = None

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["number", "business", "kind", "at"], name="plat_record_lookup")]
        verbose_name = _("平台记录")
        verbose_name_plural = _("平台记录")

    def __str__(self) -> str:
        return f"{self.business}/{self.kind} {self.number}"


class BlacklistEntry(models.Model):
    """A number on a business's blacklist. ``state``: ``blocked`` (屏蔽: the business is barred for the
    number) or ``active`` (激活: released, still listed). 手机游戏 adds and deletes entries instead."""

    business = models.CharField(_("业务"), max_length=32)
    number = models.CharField(_("手机号码"), max_length=20)
    state = models.CharField(_("状态"), max_length=8)
    reason = models.CharField(_("原因"), max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(_("状态时间"), default=timezone.now)

    scope_fields = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "number"], name="plat_blacklist_unique")]
        verbose_name = _("黑名单")
        verbose_name_plural = _("黑名单")

    def __str__(self) -> str:
        return f"{self.business} {self.number} {self.state}"


class SeededNumber(models.Model):
    """A number whose reference records have been generated (on first request, deterministically)."""

    number = models.CharField(max_length=20, unique=True)
    seeded_at = models.DateTimeField(default=timezone.now)

    scope_fields = None

    def __str__(self) -> str:
        return self.number


class PlatformRequest(models.Model):
    """A request the platform answered (the read-only page lists them)."""

    received_at = models.DateTimeField(_("收到时间"), default=timezone.now, db_index=True)
    province = models.CharField(_("来源省"), max_length=20, blank=True, default="")
    business = models.CharField(_("业务"), max_length=32)
    query = models.CharField(_("查询/办理"), max_length=40)
    number = models.CharField(_("手机号码"), max_length=20, blank=True, default="")
    outcome = models.CharField(_("结果"), max_length=20)
    rows = models.PositiveIntegerField(_("记录数"), default=0)

    scope_fields = None

    class Meta:
        ordering = ["-id"]
        verbose_name = _("平台请求")
        verbose_name_plural = _("平台请求")

    def __str__(self) -> str:
        return f"{self.business}/{self.query} {self.number}"
