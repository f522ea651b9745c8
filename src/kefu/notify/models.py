"""The outbox: every SMS and email kefu sent through its ports, with who sent it and for whom.

The text is stored as sent except for secrets the sender named (a one-time password is stored as
``******``): the outbox is readable by staff, and no secret may reach a page (AUTH-3, AUTH-4).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.models import City, Province, Staff
from kefu.notify.choices import MessageChannel, MessagePurpose, MessageStatus


class OutgoingMessage(models.Model):
    """One message handed to the SMS or email port."""

    channel = models.CharField(_("方式"), max_length=8, choices=MessageChannel)
    purpose = models.CharField(
        _("用途"), max_length=16, choices=MessagePurpose, default=MessagePurpose.NOTICE
    )
    to = models.CharField(_("接收方"), max_length=120)
    subject = models.CharField(_("主题"), max_length=120, blank=True)
    text = models.TextField(_("内容"))
    sender = models.CharField(_("发送号码"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=MessageStatus)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    gateway_id = models.CharField(_("网关编号"), max_length=64, blank=True)
    subscriber = models.ForeignKey(
        "customers.Subscriber", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.CharField(_("相关号码"), max_length=20, blank=True)
    sent_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("发送人")
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["province", "-id"], name="outmsg_province_id")]
        verbose_name = _("发送消息")
        verbose_name_plural = _("发送消息")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}"
