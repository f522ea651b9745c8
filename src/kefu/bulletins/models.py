"""Notices and internal messages to agents (SYS-1): who wrote what to whom, and for each recipient
when it was read and acknowledged.

Recipients are resolved when the notice is published (one :class:`NoticeReceipt` per member of staff),
so an agent's unread count is one index range scan, the author's acknowledgement counts are a
count over the notice's receipts, and a member of staff who moves later keeps the notices they got.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.bulletins.choices import Audience, NoticeKind
from kefu.core.models import City, Province, Staff


class Notice(models.Model):
    """A notice (公告) or internal message (内部消息) from a supervisor or administrator.

    ``province``/``city`` are the author's, so the notice is in the scope of those who may see its
    author's work; ``recipient_count`` is fixed at publication.
    """

    kind = models.CharField(_("类型"), max_length=8, choices=NoticeKind, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    audience = models.CharField(_("接收范围"), max_length=8, choices=Audience)
    target = models.CharField(_("接收对象"), max_length=400, blank=True)
    requires_ack = models.BooleanField(_("需要确认"), default=True)
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人"))
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    recipient_count = models.PositiveIntegerField(_("接收人数"), default=0)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        indexes = [models.Index(fields=["author", "-id"], name="notice_author")]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One recipient of a notice: delivered at publication, then read (opened) and acknowledged."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+", verbose_name=_("接收人"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    scope_fields = {"province": "notice__province_id", "city": "notice__city_id"}

    class Meta:
        ordering = ["-notice_id"]
        verbose_name = _("公告接收")
        verbose_name_plural = _("公告接收")
        constraints = [models.UniqueConstraint(fields=["notice", "staff"], name="notice_receipt_once")]
        indexes = [
            # a recipient's inbox, newest first
            models.Index(fields=["staff", "-notice"], name="receipt_inbox"),
            # the top bar's unread count on every page: only unread rows are in it
            models.Index(fields=["staff"], name="receipt_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.staff_id}"
