"""The hub's own copy of each cross-level order (WO-3): where it came from, where it went, its state as
the last message left it, and every action that passed through, once each (``message_id``). What every
copy has comes from :mod:`kefu.crosslevel.copies`; here only what the hub adds."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.crosslevel.copies import OrderCopy, OrderCopyEvent


class HubOrder(OrderCopy):
    """The hub's copy: the origin province, the handling party it routed the order to and when it
    first saw it. Hub operators are national; an SP sees its own orders only."""

    target = models.CharField(_("处理方"), max_length=20, blank=True)
    target_role = models.CharField(_("处理方类型"), max_length=12, blank=True)
    province_code = models.CharField(_("省份"), max_length=4, blank=True)
    created_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    class Meta(OrderCopy.Meta):
        indexes = [
            models.Index(fields=["state", "-id"], name="hub_order_state"),
            models.Index(fields=["target", "-id"], name="hub_order_target"),
            models.Index(fields=["origin", "-id"], name="hub_order_origin"),
        ]
        verbose_name = _("枢纽工单")
        verbose_name_plural = _("枢纽工单")


class HubOrderEvent(OrderCopyEvent):
    """One action on a hub order, as it passed through (append-only), and where the hub sent it on."""

    order = models.ForeignKey(HubOrder, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"))  # always the time the message says
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    sent_to = models.CharField(_("转发至"), max_length=20, blank=True)

    records_destination = True

    class Meta(OrderCopyEvent.Meta):
        verbose_name = _("枢纽工单事件")
        verbose_name_plural = _("枢纽工单事件")
