"""SIMS (ORG-3, SP-1, SP-3): SP organisations with their duty profile and its change history, the SP
complaint orders the hub sends, their events, SP points rules and the points deducted by them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet
from kefu.crosslevel.copies import OrderCopy, OrderCopyEvent
from kefu.workorders.choices import WorkOrderState

# An SP order still waiting for the SP's reply: its reply limit runs (SP-1, the overdue rule).
AWAITING_REPLY = [WorkOrderState.DISPATCHED, WorkOrderState.PROCESSING]


class SpOrganisation(models.Model):
    """An SP (service provider) and its SP-3 service duties: a 7x24 hotline on a fixed line and a
    service mobile on the operator's network; the service contact and mobile may not change during
    the contract; a changed hotline stays on record for two months."""

    code = models.CharField(_("SP代码"), max_length=20, unique=True)
    name = models.CharField(_("SP名称"), max_length=80)
    hotline = models.CharField(_("客服热线(固定电话)"), max_length=20, blank=True)
    service_mobile = models.CharField(_("服务手机"), max_length=20, blank=True)
    contact_name = models.CharField(_("服务联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=20, blank=True)
    contract_start = models.DateField(_("合同开始"), null=True, blank=True)
    contract_end = models.DateField(_("合同结束"), null=True, blank=True)
    base_points = models.PositiveIntegerField(_("每月基础分"), default=100)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_fields = {"sp": "code"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("SP")
        verbose_name_plural = _("SP")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def under_contract(self, day) -> bool:
        return bool(
            self.contract_end
            and self.contract_end >= day
            and (not self.contract_start or self.contract_start <= day)
        )


class ContactField(ChoiceSet):
    HOTLINE = "hotline"
    SERVICE_MOBILE = "service_mobile"
    CONTACT_NAME = "contact_name"
    CONTACT_PHONE = "contact_phone"

    LABELS = {
        HOTLINE: _("客服热线"),
        SERVICE_MOBILE: _("服务手机"),
        CONTACT_NAME: _("服务联系人"),
        CONTACT_PHONE: _("联系人电话"),
    }


class SpContactChange(models.Model):
    """One change of an SP's duty contacts (append-only). A replaced hotline stays on record — it still
    identifies the SP — until ``keep_until`` (two months after the change)."""

    sp = models.ForeignKey(SpOrganisation, on_delete=models.PROTECT, related_name="contact_changes")
    field = models.CharField(_("项目"), max_length=16, choices=ContactField)
    old_value = models.CharField(_("原值"), max_length=80, blank=True)
    new_value = models.CharField(_("新值"), max_length=80, blank=True)
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)
    changed_by = models.CharField(_("变更人"), max_length=20, blank=True)
    keep_until = models.DateField(_("原号码保留至"), null=True, blank=True)

    scope_fields = {"sp": "sp__code"}

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("SP服务联系方式变更")
        verbose_name_plural = _("SP服务联系方式变更")

    def __str__(self) -> str:
        return f"{self.sp_id} {self.field} {self.old_value} → {self.new_value}"


class SpOrder(OrderCopy):
    """An SP complaint order as SIMS holds it: sent by the hub, handled by the SP (SP-1) — the copy of
    :mod:`kefu.crosslevel.copies` with the hub it came through, who handles it and its reply limit."""

    hub = models.CharField(_("枢纽"), max_length=20)
    origin = models.CharField(_("发起省"), max_length=20, blank=True)
    sp_code = models.CharField(_("SP代码"), max_length=20)
    kind = models.CharField(_("工单类型"), max_length=20, blank=True)
    handler = models.CharField(_("处理人"), max_length=20, blank=True)
    dispatched_at = models.DateTimeField(_("派发时间"), default=timezone.now)
    reply_due_at = models.DateTimeField(_("回复期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta(OrderCopy.Meta):
        indexes = [
            models.Index(fields=["sp_code", "state", "-id"], name="sims_order_sp_state"),
            models.Index(
                fields=["reply_due_at"],
                name="sims_order_due",
                condition=models.Q(state__in=AWAITING_REPLY),
            ),
        ]
        verbose_name = _("SP投诉工单")
        verbose_name_plural = _("SP投诉工单")


class SpOrderEvent(OrderCopyEvent):
    """One action on an SP order (append-only)."""

    order = models.ForeignKey(SpOrder, on_delete=models.PROTECT, related_name="events")

    class Meta(OrderCopyEvent.Meta):
        verbose_name = _("SP投诉工单事件")
        verbose_name_plural = _("SP投诉工单事件")


class PointEvent(ChoiceSet):
    """What a points rule deducts for (SP-1)."""

    COMPLAINT = "complaint"
    OVERDUE_REPLY = "overdue_reply"
    REPROCESS = "reprocess"
    DISSATISFIED = "dissatisfied"

    LABELS = {
        COMPLAINT: _("每张投诉"),
        OVERDUE_REPLY: _("超时未回复"),
        REPROCESS: _("每次再处理"),
        DISSATISFIED: _("客户不满意"),
    }


class SpPointRule(models.Model):
    """A configurable points rule: ``points`` deducted for each ``event``; ``hours`` is the reply limit
    of the overdue rule."""

    event = models.CharField(_("扣分事件"), max_length=16, choices=PointEvent, unique=True)
    points = models.PositiveIntegerField(_("扣分"))
    hours = models.PositiveIntegerField(_("时限(小时)"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope_fields = None  # configuration, read by all

    class Meta:
        ordering = ["event"]
        verbose_name = _("SP扣分规则")
        verbose_name_plural = _("SP扣分规则")

    def __str__(self) -> str:
        return f"{self.get_event_display()} -{self.points}"


class SpPointEntry(models.Model):
    """One deduction (append-only); at most one per order, event and round."""

    sp_code = models.CharField(_("SP代码"), max_length=20)
    order_number = models.CharField(_("工单编号"), max_length=40)
    event = models.CharField(_("扣分事件"), max_length=16, choices=PointEvent)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    points = models.PositiveIntegerField(_("扣分"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    month = models.DateField(_("月份"))

    scope_fields = {"sp": "sp_code"}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["sp_code", "month"], name="sims_points_sp_month")]
        constraints = [
            models.UniqueConstraint(fields=["order_number", "event", "round"], name="sims_points_once")
        ]
        verbose_name = _("SP扣分记录")
        verbose_name_plural = _("SP扣分记录")

    def __str__(self) -> str:
        return f"{self.sp_code} {self.event} -{self.points}"
