"""The reference business platform's own data (ORG-3, CAP-2): what 手机视频, 手机游戏, 无线音乐, 手机支付
and 手机阅读 know about a number, the blacklists that handling changes, and a log of the requests it
answered — machine data of the platform node (``scope_fields = None``): nobody but the hub talks to
a platform, and its request log is read-only for administrators. And the complaints about its
businesses that the hub sends its second line (:class:`PlatformOrder`, ORG-3).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.crosslevel.copies import OrderCopy, OrderCopyEvent


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


class PlatformOrder(OrderCopy):
    """A complaint about one of this platform's businesses, as the platform holds it (ORG-3, WO-3): sent
    by the hub, handled by the platform's second-line staff — the copy of :mod:`kefu.crosslevel.copies`
    with the hub it came through, the business, who handles it and when it was replied. Platform staff
    are national: every order of the node is theirs (``sp_code`` stays empty)."""

    hub = models.CharField(_("枢纽"), max_length=20)
    business = models.CharField(_("业务代码"), max_length=32, blank=True)
    handler = models.CharField(_("处理人"), max_length=20, blank=True)
    dispatched_at = models.DateTimeField(_("派发时间"), default=timezone.now)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta(OrderCopy.Meta):
        indexes = [
            models.Index(fields=["state", "-id"], name="plat_order_state"),
            models.Index(fields=["business", "-id"], name="plat_order_business"),
        ]
        verbose_name = _("平台投诉工单")
        verbose_name_plural = _("平台投诉工单")


class PlatformOrderEvent(OrderCopyEvent):
    """One action on a platform order (append-only)."""

    order = models.ForeignKey(PlatformOrder, on_delete=models.PROTECT, related_name="events")

    class Meta(OrderCopyEvent.Meta):
        verbose_name = _("平台投诉工单事件")
        verbose_name_plural = _("平台投诉工单事件")
