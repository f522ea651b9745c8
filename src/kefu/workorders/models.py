"""Work orders (WO-1..10): the order, its immutable event log, attachments, order numbers,
idempotency keys, flow configuration (SYS-3) and business calendars (WO-5).

``WorkOrder.state`` and the holder fields are written only by :mod:`kefu.workorders.services`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import CustomerLevel, CustomerType, DepartmentKind, Role
from kefu.core.models import AgentGroup, City, Department, Province, Staff
from kefu.workorders.choices import (
    Approval,
    BroadbandFaultClass,
    ContactMethod,
    CoordinationKind,
    EventAction,
    FaultProduct,
    HolderKind,
    InfoTopic,
    InstallOutcome,
    LineAction,
    RepairStatus,
    Satisfaction,
    SlaLevel,
    WorkOrderKind,
    WorkOrderState,
)

# TIER-1: queue ranks by customer level; enterprise customers rank at least with gold (SVC-2)
PRIORITY_OF_LEVEL = {
    CustomerLevel.ORDINARY: 0,
    CustomerLevel.SILVER: 1,
    CustomerLevel.GOLD: 2,
    CustomerLevel.DIAMOND: 3,
    CustomerLevel.SUPREME: 4,
}
ENTERPRISE_PRIORITY = PRIORITY_OF_LEVEL[CustomerLevel.GOLD]

ORDER_SCOPE = {"province": "order__province_id", "city": "order__city_id"}


class WorkOrder(models.Model):
    """The unit of back-office work (工单).

    The holder is one of a group, a city team or department, or a person (WO-2); ``peer_*`` is the
    other side — whoever dispatched it while it is out, whoever replied once it is back — so a
    reply, a return or a reprocess sends the order back by swapping the two. ``handler`` is the
    person who received it into work. Deadlines are stored (architecture: "stored deadlines"),
    computed from the catalog's time limit and the business calendar.
    """

    number = models.CharField(_("工单编号"), max_length=24, unique=True)
    kind = models.CharField(_("工单类型"), max_length=20, choices=WorkOrderKind)
    flow = models.ForeignKey(
        "workorders.FlowDefinition", on_delete=models.PROTECT, related_name="+", verbose_name=_("流程")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=WorkOrderState, default=WorkOrderState.ACCEPTED
    )
    title = models.CharField(_("标题"), max_length=120, blank=True)
    description = models.TextField(_("问题描述"), blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)

    subscriber = models.ForeignKey(  # indexed by wo_subscriber
        "customers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("用户"),
        db_index=False,
    )
    contact_number = models.CharField(_("联系号码"), max_length=20, blank=True)
    customer_level = models.CharField(
        _("客户级别"), max_length=12, choices=CustomerLevel, default=CustomerLevel.ORDINARY
    )
    # SVC-2, TIER-1: an enterprise (group) customer's orders have their own limits and sort ahead
    customer_type = models.CharField(_("客户类型"), max_length=12, choices=CustomerType, blank=True)
    # TIER-1: the rank of the order in its holders' queues, fixed at acceptance (priority_of)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=0)
    contact_method = models.CharField(_("结果告知方式"), max_length=8, choices=ContactMethod, blank=True)
    contact_address = models.CharField(_("告知地址"), max_length=100, blank=True, help_text=_("邮箱或传真号"))
    province = models.ForeignKey(  # indexed by wo_province_state and wo_province_kind
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"), db_index=False
    )
    city = models.ForeignKey(  # indexed by wo_city
        City,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("地市"),
        db_index=False,
    )
    business = models.ForeignKey(  # indexed by wo_business
        "catalog.Business",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务"),
        db_index=False,
    )
    # The node belongs to one category version: the order keeps the version it was filed under (SR-4).
    category = models.ForeignKey(  # indexed by wo_category
        "catalog.CategoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求分类"),
        db_index=False,
    )
    service_request = models.ForeignKey(
        "contacts.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求"),
    )

    # fault reports (WO-8)
    fault_product = models.CharField(_("障碍产品"), max_length=12, choices=FaultProduct, blank=True)
    fault_class = models.CharField(_("宽带障碍分类"), max_length=24, choices=BroadbandFaultClass, blank=True)
    repair_status = models.CharField(_("修复进度"), max_length=20, choices=RepairStatus, blank=True)

    # holder and peer (WO-2)
    holder_kind = models.CharField(_("持有方类型"), max_length=12, choices=HolderKind)
    holder_group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_department = models.ForeignKey(  # indexed by wo_holder_dept_id
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    holder_staff = models.ForeignKey(  # indexed by wo_holder_staff
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    peer_kind = models.CharField(_("对端类型"), max_length=12, choices=HolderKind, blank=True)
    peer_group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    peer_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    peer_staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人")
    )

    # results
    result = models.TextField(_("处理结果"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction, blank=True)
    responsibility_cause = models.ForeignKey(
        "catalog.ResponsibilityCause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任原因"),
    )
    responsible_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DepartmentKind.RESPONSIBLE},
        verbose_name=_("责任部门"),
    )
    rounds = models.PositiveSmallIntegerField(_("处理轮次"), default=1)

    # office system link (WO-10)
    oa_reference = models.CharField(_("OA编号"), max_length=60, blank=True)
    oa_url = models.URLField(_("OA链接"), max_length=300, blank=True)

    # time limits (WO-5, TIER-1)
    time_limit_hours = models.PositiveIntegerField(_("工单时限(小时)"), null=True, blank=True)
    step_limit_hours = models.PositiveIntegerField(_("环节时限(小时)"), null=True, blank=True)
    round_the_clock = models.BooleanField(_("7x24小时计时"), default=False)
    accepted_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    order_due_at = models.DateTimeField(_("工单到期时间"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("环节开始时间"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("环节到期时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时时间"), null=True, blank=True)
    pause_reason = models.CharField(_("暂停原因"), max_length=200, blank=True)
    paused_seconds = models.PositiveIntegerField(_("累计暂停(秒)"), default=0)
    sla = models.CharField(_("时限状态"), max_length=8, choices=SlaLevel, default=SlaLevel.ON_TIME)
    warned_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    step_overdue_at = models.DateTimeField(_("环节超时时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("升级至")
    )
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    last_urged_at = models.DateTimeField(_("最近催办时间"), null=True, blank=True)
    # WO-9: when the holder last acknowledged an urge (an urge is pending while this is older)
    urge_acknowledged_at = models.DateTimeField(_("催办签收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # sequence number of the last event: a per-order sequence for federation messages
    event_seq = models.PositiveIntegerField(default=0, editable=False)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            # the back-office list: one province, newest first, keyset on id; by state, by city
            models.Index(fields=["province", "state", "-id"], name="wo_province_state"),
            models.Index(fields=["province", "kind", "-id"], name="wo_province_kind"),
            models.Index(fields=["city", "state", "-id"], name="wo_city_state"),
            # one city, one holder department, one category, newest first (these replace the plain
            # foreign-key indexes, which cannot give id order)
            models.Index(fields=["city", "-id"], name="wo_city"),
            models.Index(fields=["holder_department", "-id"], name="wo_holder_dept_id"),
            models.Index(fields=["category", "-id"], name="wo_category"),
            models.Index(fields=["holder_department", "state", "-id"], name="wo_holder_dept"),
            models.Index(fields=["holder_staff", "state", "-id"], name="wo_holder_staff"),
            models.Index(fields=["subscriber", "-id"], name="wo_subscriber"),
            models.Index(fields=["business", "-id"], name="wo_business"),
            models.Index(
                fields=["province", "-id"], name="wo_overdue", condition=Q(overdue_at__isnull=False)
            ),
            # TIER-1: "我的待办" ranks a holder's open orders (rank, then newest): one range scan per
            # way of holding instead of a sort of every open order the department holds
            models.Index(
                fields=["holder_department", "-priority", "-id"],
                name="wo_rank_dept",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
            models.Index(
                fields=["holder_group", "-priority", "-id"],
                name="wo_rank_group",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
            models.Index(
                fields=["holder_staff", "-priority", "-id"],
                name="wo_rank_staff",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
            # open orders only (the working list): any subset of open states, newest first, is a
            # backward range scan of these instead of a sort of every row in those states
            models.Index(
                fields=["province", "-id"],
                name="wo_open_province",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
            models.Index(
                fields=["city", "-id"], name="wo_open_city", condition=Q(state__in=list(WorkOrderState.OPEN))
            ),
            # the SLA sweep: open orders by deadline
            models.Index(
                fields=["order_due_at"],
                name="wo_sweep_due",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
            # open orders not flagged overdue yet, by deadline: the sweep's backlog once past due
            # (the list's overdue filter reads it too); small while the sweep keeps up
            models.Index(
                fields=["order_due_at"],
                name="wo_due_unflagged",
                condition=Q(state__in=list(WorkOrderState.OPEN), overdue_at__isnull=True),
            ),
            models.Index(
                fields=["step_due_at"],
                name="wo_sweep_step_due",
                condition=Q(state__in=list(WorkOrderState.OPEN)),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def priority_of(level: str, customer_type: str = "") -> int:
        """The queue rank of an order for a customer of ``level`` and ``customer_type`` (TIER-1):
        ordinary 0, silver 1, gold 2, diamond 3, supreme 4; an enterprise (group) customer ranks
        at least with gold (SVC-2), a higher VIP level of the line keeps its own rank."""
        rank = PRIORITY_OF_LEVEL.get(level, 0)
        if customer_type == CustomerType.ENTERPRISE:
            rank = max(rank, ENTERPRISE_PRIORITY)
        return rank

    # predicates --------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state not in WorkOrderState.TERMINAL

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None

    def needs_archive_data(self) -> bool:
        """SR-4: a complaint is archived only with its responsibility cause and department."""
        return self.kind == WorkOrderKind.COMPLAINT and not (
            self.responsibility_cause_id and self.responsible_department_id
        )

    @property
    def urge_pending(self) -> bool:
        """WO-9: an urge the holder has not acknowledged yet."""
        return self.last_urged_at is not None and (
            self.urge_acknowledged_at is None or self.urge_acknowledged_at < self.last_urged_at
        )

    def is_held_by(self, staff) -> bool:
        """Whether ``staff`` belongs to the current holder (may act where the table says HOLDER)."""
        return holder_includes(
            kind=self.holder_kind,
            group_id=self.holder_group_id,
            department=self.holder_department,
            staff_id=self.holder_staff_id,
            who=staff,
        )

    @property
    def holder(self):
        """The holding group, department or person (one object)."""
        return {
            HolderKind.GROUP: self.holder_group,
            HolderKind.PERSON: self.holder_staff,
        }.get(self.holder_kind, self.holder_department)

    @property
    def holder_label(self) -> str:
        holder = self.holder
        return str(holder) if holder is not None else ""


def holder_includes(*, kind: str, group_id, department, staff_id, who) -> bool:
    """Membership rule of a holder: a person is themself; a group its members; a department its
    members, and — for staff filed without a department — a city team includes the city handlers
    of its city and a centre the province's back office without a city."""
    if who is None:
        return False
    if kind == HolderKind.PERSON:
        return who.pk == staff_id
    if kind == HolderKind.GROUP:
        return group_id is not None and who.agent_group_id == group_id
    if department is None:
        return False
    if who.department_id == department.pk:
        return True
    if who.department_id is not None:
        return False
    if department.kind == DepartmentKind.CITY_TEAM:
        return who.role == Role.CITY_HANDLER and who.city_id == department.city_id
    if department.kind == DepartmentKind.CENTRE:
        return who.role == Role.BACK_OFFICE and who.province_id == department.province_id and not who.city_id
    return False


class WorkOrderEvent(models.Model):
    """One immutable entry of an order's history: who did what, when, from which state and holder
    to which, with the comment and data given. Append-only."""

    order = models.ForeignKey(  # indexed by wo_event_seq_unique (order, seq)
        WorkOrder, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=12, choices=EventAction)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_job_number = models.CharField(_("工号"), max_length=20, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)
    state_before = models.CharField(_("操作前状态"), max_length=12, blank=True)
    state_after = models.CharField(_("操作后状态"), max_length=12)
    holder_before = models.CharField(_("操作前持有方"), max_length=80, blank=True)
    holder_after = models.CharField(_("操作后持有方"), max_length=80, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    scope_fields = ORDER_SCOPE

    class Meta:
        ordering = ["order_id", "seq"]
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="wo_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("work-order events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("work-order events are append-only")


def attachment_path(instance: Attachment, filename: str) -> str:
    # content-addressed under the order's month; the original name is kept in the row only
    return f"workorders/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file attached to an order, stored outside the database under MEDIA_ROOT (WO-6)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        WorkOrderEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_fields = ORDER_SCOPE

    class Meta:
        ordering = ["id"]
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")

    def __str__(self) -> str:
        return self.name


class OrderNumberCounter(models.Model):
    """Next sequence number of order numbers per node and day (``JS20261122000123``)."""

    node = models.CharField(max_length=8)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    scope_fields = None  # machine data, never exposed through the API

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "day"], name="wo_counter_node_day")]

    def __str__(self) -> str:
        return f"{self.node}{self.day:%Y%m%d}: {self.value}"


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` seen on order creation: same key and body → the same order."""

    actor = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_fields = {"province": "order__province_id", "city": "order__city_id"}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="wo_idempotency_once")]

    def __str__(self) -> str:
        return self.key


class FlowDefinition(models.Model):
    """One published version of a work-order flow (SYS-3): which steps an order of a kind (and
    optionally a business or category) goes through, who holds each step and its time limit.

    ``definition`` is validated against the transition table by :func:`kefu.workorders.flows.validate`.
    Versions are never edited: publishing copies into version n+1. Orders keep the version they
    were accepted under.
    """

    code = models.CharField(_("流程代码"), max_length=40)
    name = models.CharField(_("流程名称"), max_length=60)
    kind = models.CharField(_("工单类型"), max_length=20, choices=WorkOrderKind)
    business_code = models.CharField(_("业务代码"), max_length=32, blank=True)
    category_code = models.CharField(_("分类代码"), max_length=40, blank=True)
    version = models.PositiveIntegerField(_("版本号"))
    is_current = models.BooleanField(_("当前版本"), default=True)
    is_default = models.BooleanField(_("该类型默认流程"), default=False)
    definition = models.JSONField(_("流程定义"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.CharField(_("发布人工号"), max_length=20, blank=True)
    note = models.CharField(_("变更说明"), max_length=200, blank=True)

    scope_fields = None  # configuration: read by all, changed by administrators

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("工单流程")
        verbose_name_plural = _("工单流程")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="wo_flow_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="wo_flow_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def steps(self) -> list[dict]:
        return list(self.definition.get("steps", []))

    @property
    def step_actions(self) -> set[str]:
        return {step["action"] for step in self.steps}

    @property
    def feedback_required(self) -> bool:
        return bool(self.definition.get("feedback_required", True))

    def step(self, action: str) -> dict | None:
        return next((s for s in self.steps if s["action"] == action), None)


class BusinessCalendar(models.Model):
    """Working hours of a province (or, with no province, the national default) for time limits
    counted on a business calendar (WO-5)."""

    province = models.OneToOneField(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    work_start = models.TimeField(_("上班时间"), default=dt.time(8, 30))
    work_end = models.TimeField(_("下班时间"), default=dt.time(17, 30))
    workdays = models.CharField(_("工作日"), max_length=7, default="12345", help_text=_("ISO星期, 1=周一"))

    scope_fields = None

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [
            models.CheckConstraint(
                condition=Q(work_end__gt=models.F("work_start")), name="wo_calendar_hours"
            ),
        ]

    def __str__(self) -> str:
        return str(self.province) if self.province_id else str(_("全国默认"))


class Holiday(models.Model):
    """A day off on a working day, or a make-up working day on a weekend (调休), nationally
    (no province) or in one province."""

    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        constraints = [
            models.UniqueConstraint(fields=["province", "date"], name="wo_holiday_once"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(province__isnull=True), name="wo_holiday_national_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CoordinationDetail(models.Model):
    """The data of one WO-9 coordination order and what its effect left behind: the address,
    appointment window and result of an installation or move; the line action, reason and period of
    a suspension or resumption and the line state billing reports after it; the amount and reason of
    a billing adjustment, the supervisor's decision and the balance after it; the topic, area and
    validity of information a city feeds to the centre. Only the group of the order's ``kind`` is
    filled (``services.coordination`` writes it)."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="coordination")
    kind = models.CharField(_("协同类型"), max_length=20, choices=CoordinationKind)
    # installation / move
    address = models.CharField(_("装机地址"), max_length=200, blank=True)
    appointment_start = models.DateTimeField(_("预约开始"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("预约结束"), null=True, blank=True)
    outcome = models.CharField(_("装移机结果"), max_length=12, choices=InstallOutcome, blank=True)
    # suspension / resumption
    line_action = models.CharField(_("停复机"), max_length=8, choices=LineAction, blank=True)
    period_start = models.DateField(_("起始日期"), null=True, blank=True)
    period_end = models.DateField(_("截止日期"), null=True, blank=True)
    line_state_after = models.CharField(_("办理后号码状态"), max_length=16, blank=True)
    # the end of a suspension period: the sweep resumes the line once (resumed_at); a billing refusal
    # is kept here and retried at the next sweep
    resumed_at = models.DateTimeField(_("期满复机时间"), null=True, blank=True)
    resume_attempts = models.PositiveSmallIntegerField(_("期满复机尝试次数"), default=0)
    resume_error = models.CharField(_("期满复机失败原因"), max_length=200, blank=True)
    # billing adjustment
    amount = models.DecimalField(_("调整金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    approval = models.CharField(_("审批"), max_length=10, choices=Approval, blank=True)
    decided_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    balance_after = models.DecimalField(
        _("调整后余额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # information sync
    topic = models.CharField(_("信息类别"), max_length=20, choices=InfoTopic, blank=True)
    affected_area = models.CharField(_("影响范围"), max_length=200, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    # shared: the reason of a suspension or an adjustment; when billing applied the effect
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    applied_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    scope_fields = ORDER_SCOPE

    class Meta:
        verbose_name = _("协同流程数据")
        verbose_name_plural = _("协同流程数据")

    def __str__(self) -> str:
        return f"{self.kind}:{self.order_id}"
