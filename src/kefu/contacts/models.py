"""Contact records (CON-1..7) and the service requests raised in them (SR-1).

A contact record is append-mostly: it is opened (by a channel or by hand), closed once, and afterwards
only the fields of :data:`CORRECTABLE_FIELDS` may be corrected, each correction kept as history.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.choices import (
    CallbackPurpose,
    CallbackState,
    Channel,
    ContactStatus,
    Direction,
    LinkKind,
    RequestModule,
)
from kefu.core.choices import DepartmentKind, RequestType, Role
from kefu.core.models import City, Province, Staff

# Fields a permitted user may correct after the fact (CON-6).
CORRECTABLE_FIELDS = ("request_type", "category", "summary")


class ContactRecord(models.Model):
    """One interaction, inbound or outbound, in any channel (CON-1)."""

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction, default=Direction.INBOUND)
    subscriber = models.ForeignKey(
        "customers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("用户"),
    )
    number = models.CharField(_("联系号码"), max_length=20, blank=True, db_index=True)
    staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人")
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("时长(秒)"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=ContactStatus, default=ContactStatus.OPEN)
    request_type = models.CharField(_("请求类型"), max_length=20, choices=RequestType, blank=True)
    category = models.ForeignKey(
        "catalog.CategoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求分类"),
    )
    summary = models.TextField(_("接触摘要"), blank=True)
    recording_ref = models.CharField(_("录音编号"), max_length=80, blank=True)
    call_id = models.CharField(_("呼叫标识"), max_length=64, blank=True, db_index=True)
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # a call's time on hold while the agent took another call (KEFU_CALLS_PER_SEAT >= 2)
    held_seconds = models.PositiveIntegerField(_("保持时长(秒)"), default=0)
    # after-call work (话后处理): why the contact ended, written with the summary by its agent
    wrap_up_reason = models.ForeignKey(
        "contacts.WrapUpReason",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("话后处理原因"),
    )
    wrapped_up_at = models.DateTimeField(_("话后处理时间"), null=True, blank=True)
    wrapped_up_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("话后处理人")
    )

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # the history screen: one subscriber's contacts, newest first, keyset on (started_at, id)
            models.Index(fields=["subscriber", "-started_at", "-id"], name="contact_subscriber_time"),
            models.Index(fields=["province", "-started_at", "-id"], name="contact_province_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call_id"], condition=~models.Q(call_id=""), name="contact_unique_call"
            ),
        ]
        verbose_name = _("接触记录")
        verbose_name_plural = _("接触记录")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.number} {self.started_at:%Y-%m-%d %H:%M}"


class WrapUpReason(models.Model):
    """One reason an agent may give when wrapping up a contact (话后处理原因, CON-1): a list the
    administrator keeps in the admin; a reason in use is retired (``active``), never deleted."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("话后处理原因")
        verbose_name_plural = _("话后处理原因")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the user's language (the English name when there is one)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class ServiceRequest(models.Model):
    """What the customer asked for in one contact (SR-1); each type leads to its module."""

    contact = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="requests")
    request_type = models.CharField(_("请求类型"), max_length=20, choices=RequestType)
    category = models.ForeignKey(
        "catalog.CategoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求分类"),
    )
    description = models.TextField(_("描述"), blank=True)
    module = models.CharField(_("处理模块"), max_length=24, choices=RequestModule)
    reference = models.CharField(_("关联单号"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_fields = {"province": "contact__province_id", "city": "contact__city_id"}

    class Meta:
        ordering = ["id"]
        verbose_name = _("服务请求")
        verbose_name_plural = _("服务请求")

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} #{self.pk}"


class ContactLink(models.Model):
    """Two related contacts (CON-3): a repeat contact found automatically, or a link made by hand."""

    from_contact = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="links_out")
    to_contact = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关联类型"), max_length=8, choices=LinkKind)
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_fields = {"province": "from_contact__province_id", "city": "from_contact__city_id"}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_contact", "to_contact"], name="contact_link_once"),
            models.CheckConstraint(
                condition=~models.Q(from_contact=models.F("to_contact")), name="contact_link_not_self"
            ),
        ]
        verbose_name = _("接触关联")
        verbose_name_plural = _("接触关联")

    def __str__(self) -> str:
        return f"{self.from_contact_id} → {self.to_contact_id}"


class ContactCorrection(models.Model):
    """One corrected field of a contact record, with who, when, why and the old value (CON-6)."""

    contact = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("字段"), max_length=32)
    old_value = models.TextField(_("原值"), blank=True)
    new_value = models.TextField(_("新值"), blank=True)
    reason = models.CharField(_("更正原因"), max_length=200)
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    scope_fields = {"province": "contact__province_id", "city": "contact__city_id"}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("接触记录更正")
        verbose_name_plural = _("接触记录更正")

    def __str__(self) -> str:
        return f"{self.contact_id}.{self.field}"


class CallbackTask(models.Model):
    """A callback (回访) someone owes a customer: phone them, tell them what ``summary`` says, and
    record the call (SR-2's callback request, PRO-1, WO-7's result by phone).

    Assigned to one person (the customer's account manager, SVC-2) or, when there is none, to a
    department (the centre holding the order). Completing it leaves an outbound contact record,
    which the task points to (CON-1). ``reference`` names what it is about (a work order number).
    """

    purpose = models.CharField(_("回访目的"), max_length=16, choices=CallbackPurpose)
    state = models.CharField(_("状态"), max_length=12, choices=CallbackState, default=CallbackState.OPEN)
    subscriber = models.ForeignKey(
        "customers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("用户"),
    )
    number = models.CharField(_("回访号码"), max_length=20)
    reference = models.CharField(_("关联单号"), max_length=40, blank=True, db_index=True)
    summary = models.TextField(_("回访内容"))
    assignee_staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("回访人")
    )
    assignee_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回访部门"),
    )
    due_at = models.DateTimeField(_("回访期限"), null=True, blank=True)
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("完成人")
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    outcome = models.TextField(_("回访结果"), blank=True)
    contact = models.ForeignKey(
        ContactRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("接触记录"),
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-id"]
        indexes = [
            # "my open callbacks": one person's or one department's open tasks, newest first
            models.Index(fields=["assignee_staff", "state", "-id"], name="callback_staff_state"),
            models.Index(fields=["assignee_department", "state", "-id"], name="callback_dept_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignee_staff__isnull=False)
                | models.Q(assignee_department__isnull=False),
                name="callback_has_assignee",
            ),
        ]
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.number} {self.reference}".strip()

    def is_assigned_to(self, staff) -> bool:
        """The assignee; for a department, its members and — for staff filed without a department —
        the centre's back office and hotline agents of its province, or a city team's handlers of
        its city (the rule work orders use for their holders)."""
        if self.assignee_staff_id is not None:
            return self.assignee_staff_id == staff.pk
        department = self.assignee_department
        if department is None:
            return False
        if staff.department_id is not None:
            return staff.department_id == department.pk
        if department.kind == DepartmentKind.CITY_TEAM:
            return staff.role == Role.CITY_HANDLER and staff.city_id == department.city_id
        if department.kind == DepartmentKind.CENTRE:
            return (
                staff.role in (Role.BACK_OFFICE, Role.HOTLINE_AGENT)
                and staff.province_id == department.province_id
                and not staff.city_id
            )
        return False
