"""The hub's own copy of each cross-level order (WO-3): where it came from, where it went, its state as
the last message left it, and every action that passed through, once each (``message_id``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.workorders.choices import WorkOrderKind, WorkOrderState


class HubOrder(models.Model):
    number = models.CharField(_("工单编号"), max_length=40, unique=True)
    origin = models.CharField(_("发起省"), max_length=20)
    target = models.CharField(_("处理方"), max_length=20, blank=True)
    target_role = models.CharField(_("处理方类型"), max_length=12, blank=True)
    sp_code = models.CharField(_("SP代码"), max_length=20, blank=True)
    kind = models.CharField(
        _("工单类型"), max_length=20, choices=WorkOrderKind, default=WorkOrderKind.COMPLAINT
    )
    title = models.CharField(_("标题"), max_length=120, blank=True)
    description = models.TextField(_("问题描述"), blank=True)
    contact_number = models.CharField(_("联系号码"), max_length=20, blank=True)
    province_code = models.CharField(_("省份"), max_length=4, blank=True)
    business_name = models.CharField(_("业务"), max_length=60, blank=True)
    category_name = models.CharField(_("服务请求分类"), max_length=80, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=WorkOrderState, default=WorkOrderState.DISPATCHED
    )
    rounds = models.PositiveSmallIntegerField(_("处理轮次"), default=1)
    result = models.TextField(_("处理结果"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    event_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_fields = {"sp": "sp_code"}  # hub operators are national; an SP sees its own orders only

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "-id"], name="hub_order_state"),
            models.Index(fields=["target", "-id"], name="hub_order_target"),
            models.Index(fields=["origin", "-id"], name="hub_order_origin"),
        ]
        verbose_name = _("枢纽工单")
        verbose_name_plural = _("枢纽工单")

    def __str__(self) -> str:
        return self.number


class HubOrderEvent(models.Model):
    """One action on a hub order, as it passed through (append-only)."""

    order = models.ForeignKey(HubOrder, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=12)
    node = models.CharField(_("发生节点"), max_length=20)
    actor = models.CharField(_("操作人"), max_length=40, blank=True)
    at = models.DateTimeField(_("时间"))
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    state_after = models.CharField(_("操作后状态"), max_length=12)
    sent_to = models.CharField(_("转发至"), max_length=20, blank=True)
    message_id = models.UUIDField(_("消息标识"), null=True, blank=True, unique=True)

    scope_fields = {"sp": "order__sp_code"}

    class Meta:
        ordering = ["order_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="hub_event_seq_unique")]
        verbose_name = _("枢纽工单事件")
        verbose_name_plural = _("枢纽工单事件")

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"
