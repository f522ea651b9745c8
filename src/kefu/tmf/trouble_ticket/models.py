"""Listeners registered through ``POST /tmf-api/troubleTicket/v4/hub`` (TMF621 + TMF688 event
notification). The model belongs to the ``tmf`` app (``kefu/tmf/models.py`` imports it)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.models import City, Province, Staff


class TroubleTicketListener(models.Model):
    """A callback URL that receives TroubleTicket events by POST.

    A listener sees the events of the orders its registering user may see: it keeps that user's
    province and city (data scope, SYS-1). ``cursor`` is the id of the last work-order outbox row
    already turned into notifications for it; a new listener starts at the newest row, so it only
    hears what happens after it registered.
    """

    callback = models.URLField(_("回调地址"), max_length=500)
    query = models.CharField(_("过滤条件"), max_length=500, blank=True)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("注册时间"), default=timezone.now)
    cursor = models.BigIntegerField(default=0, editable=False)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        app_label = "tmf"
        ordering = ["id"]
        verbose_name = _("TMF621事件监听")
        verbose_name_plural = _("TMF621事件监听")

    def __str__(self) -> str:
        return f"#{self.pk} {self.callback}"
