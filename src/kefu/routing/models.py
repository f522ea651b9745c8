"""Routing's tables (ORG-4, ORG-6, TIER-1, ST-1/ST-2): number segments, queues, seats, agent states,
routed calls and the raw counters per queue and interval.

The decision core (:mod:`kefu.routing.core`) holds the live state in memory; these rows are what it
is rebuilt from after a restart (:mod:`kefu.routing.service`) and what reports read. Agent groups are
the organisation's logical groups (``core.AgentGroup``: one per city plus the province's public
group), re-exported here as ``AgentGroup``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import AgentGroup, City, Province, Staff
from kefu.routing import core
from kefu.routing.choices import (
    AgentStateChoices,
    NotReadyReason,
    PriorityChoices,
    RoutedCallState,
    StrategyChoices,
)

__all__ = [
    "AgentGroup",
    "AgentStateChange",
    "AgentStatus",
    "IntervalCount",
    "NumberSegment",
    "RoutedCall",
    "RoutingQueue",
    "Seat",
]


class NumberSegment(models.Model):
    """A seven-digit number segment (号段) and the province and city its numbers belong to."""

    prefix = models.CharField(_("号段"), max_length=7, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = None  # reference data

    class Meta:
        ordering = ["prefix"]
        verbose_name = _("号段")
        verbose_name_plural = _("号段")

    def __str__(self) -> str:
        return self.prefix


def default_tiers() -> list[dict]:
    """The seeds' rule (ORG-4): home city at once, then public when all busy, other cities after 30 s."""
    return [
        {"groups": core.HOME, "wait": 0},
        {"groups": core.PUBLIC, "wait": 0},
        {"groups": core.OTHERS, "wait": 30},
    ]


class RoutingQueue(models.Model):
    """A queue of one hotline (and optionally one skill, ORG-6) with its tiers and limits."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    hotline = models.CharField(_("接入号码"), max_length=20, unique=True)
    skill = models.CharField(_("技能"), max_length=32, blank=True)
    min_level = models.PositiveSmallIntegerField(_("最低技能等级"), default=1)
    # [{"groups": "@home" | "@public" | "@others" | <group code>, "wait": seconds}]
    tiers = models.JSONField(_("溢出层级"), default=default_tiers)
    strategy = models.CharField(
        _("分配策略"), max_length=16, choices=StrategyChoices, default=StrategyChoices.LONGEST_IDLE
    )
    priority = models.CharField(
        _("优先规则"), max_length=8, choices=PriorityChoices, default=PriorityChoices.STRICT
    )
    # seconds of bonus per customer level (score priority): {"3": 60, "4": 120}
    level_bonus = models.JSONField(_("级别加分"), default=dict, blank=True)
    wrapup_seconds = models.FloatField(_("话后处理时长(秒)"), default=10)
    max_no_answer = models.PositiveSmallIntegerField(_("连续未接次数上限"), default=3)
    max_length = models.PositiveIntegerField(_("队列长度上限"), default=0)
    max_wait = models.FloatField(_("最长等待(秒)"), default=0)
    fallback = models.CharField(_("兜底去向"), max_length=200, default="voicemail")
    answer_threshold = models.FloatField(_("接通率门限(秒)"), default=15)
    short_abandon = models.FloatField(_("短时放弃(秒)"), default=5)

    scope_fields = {"province": "province_id"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("路由队列")
        verbose_name_plural = _("路由队列")

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """An agent's seat: the groups they serve, their skills with levels (ORG-6) and where calls ring."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="seat")
    groups = models.ManyToManyField(AgentGroup, blank=True, related_name="+", verbose_name=_("逻辑组"))
    skills = models.JSONField(_("技能"), default=dict, blank=True)  # {skill: level}
    contact = models.CharField(_("联系地址"), max_length=200, blank=True)  # e.g. sip:js1001@127.0.0.1:5070

    scope_fields = {"province": "staff__province_id", "city": "staff__city_id"}

    class Meta:
        ordering = ["staff__job_number"]
        verbose_name = _("座席")
        verbose_name_plural = _("座席")

    def __str__(self) -> str:
        return str(self.staff)


class AgentStatus(models.Model):
    """An agent's current routing state (one row per agent who ever had one)."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="routing_status")
    state = models.CharField(_("状态"), max_length=12, choices=AgentStateChoices)
    reason = models.CharField(_("原因"), max_length=16, choices=NotReadyReason, blank=True)
    since = models.DateTimeField(_("开始时间"))
    call_id = models.CharField(_("呼叫标识"), max_length=64, blank=True)
    queue_code = models.CharField(_("队列"), max_length=32, blank=True)
    wrapup_until = models.DateTimeField(_("话后处理截止"), null=True, blank=True)
    answered = models.PositiveIntegerField(_("已接听"), default=0)

    scope_fields = {"province": "staff__province_id", "city": "staff__city_id"}

    class Meta:
        verbose_name = _("座席状态")
        verbose_name_plural = _("座席状态")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.state}"


class AgentStateChange(models.Model):
    """Every change of an agent's state, with its time and who made it (the agent, a supervisor, or
    the router: ``by`` empty)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=AgentStateChoices)
    reason = models.CharField(_("原因"), max_length=16, choices=NotReadyReason, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.CharField(_("操作工号"), max_length=20, blank=True)
    call_id = models.CharField(_("呼叫标识"), max_length=64, blank=True)

    scope_fields = {"province": "staff__province_id", "city": "staff__city_id"}

    class Meta:
        indexes = [models.Index(fields=["staff", "at"], name="agent_state_change_at")]
        verbose_name = _("座席状态变更")
        verbose_name_plural = _("座席状态变更")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.state} {self.at:%H:%M:%S}"


class RoutedCall(models.Model):
    """One call through the router: where it queued, who took it and why (``reason``: the core's)."""

    call_id = models.CharField(_("呼叫标识"), max_length=64, unique=True)
    calling_number = models.CharField(_("主叫号码"), max_length=20)
    called_number = models.CharField(_("被叫号码"), max_length=20)
    queue = models.ForeignKey(RoutingQueue, on_delete=models.PROTECT, related_name="calls")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("客户级别"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=RoutedCallState)
    agent = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agents = models.JSONField(_("振铃座席"), default=list, blank=True)
    front = models.BooleanField(_("未接后排队首"), default=False)
    joined_at = models.DateTimeField(_("进入队列"))
    offered_at = models.DateTimeField(_("振铃时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    position = models.PositiveIntegerField(_("排队位置"), default=0)
    reason = models.JSONField(_("路由依据"), default=dict, blank=True)
    outcome = models.CharField(_("结果"), max_length=200, blank=True)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        indexes = [models.Index(fields=["state"], name="routed_call_state")]
        verbose_name = _("路由呼叫")
        verbose_name_plural = _("路由呼叫")

    def __str__(self) -> str:
        return self.call_id


# the fields of core.Counters, which IntervalCount mirrors one to one
COUNTER_FIELDS = tuple(core.Counters.__dataclass_fields__)


class IntervalCount(models.Model):
    """Raw counts of one queue in one interval (``core.Counters``, same field names): every rate of
    ST-1/ST-2/SP-3 is recomputed from these, in any variant."""

    queue_code = models.CharField(_("队列"), max_length=32)
    start = models.DateTimeField(_("时段开始"))
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_in_threshold = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    abandoned_short = models.PositiveIntegerField(default=0)
    abandoned_ringing = models.PositiveIntegerField(default=0)
    abandoned_in_threshold = models.PositiveIntegerField(default=0)  # main's core counts it (SL variants)
    fallback = models.PositiveIntegerField(default=0)
    no_answer = models.PositiveIntegerField(default=0)
    wait_answered = models.FloatField(default=0)
    wait_abandoned = models.FloatField(default=0)
    talk_seconds = models.FloatField(default=0)
    wrapup_seconds = models.FloatField(default=0)
    handled = models.PositiveIntegerField(default=0)
    max_wait = models.FloatField(default=0)

    scope_fields = {"province": "province_id"}

    class Meta:
        ordering = ["start", "queue_code"]
        constraints = [models.UniqueConstraint(fields=["queue_code", "start"], name="interval_count_unique")]
        verbose_name = _("时段话务计数")
        verbose_name_plural = _("时段话务计数")

    def __str__(self) -> str:
        return f"{self.queue_code} {self.start:%Y-%m-%d %H:%M}"
