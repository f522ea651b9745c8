"""Agent states, not-ready reasons and the outcomes of routed calls (ORG-4, ORG-6, TIER-1)."""

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet
from kefu.routing import core


class AgentStateChoices(ChoiceSet):
    LOGGED_OUT = core.AgentState.LOGGED_OUT.value
    READY = core.AgentState.READY.value
    NOT_READY = core.AgentState.NOT_READY.value
    RINGING = core.AgentState.RINGING.value
    TALKING = core.AgentState.TALKING.value
    WRAPUP = core.AgentState.WRAPUP.value

    # what an agent (or a supervisor) may set; the others follow from calls
    SETTABLE = (READY, NOT_READY, LOGGED_OUT)

    LABELS = {
        LOGGED_OUT: _("签出"),
        READY: _("就绪"),
        NOT_READY: _("未就绪"),
        RINGING: _("振铃"),
        TALKING: _("通话中"),
        WRAPUP: _("话后处理"),
    }


# the states an agent or a supervisor may set, as choices (the API's request)
SETTABLE_STATE_CHOICES = [
    (v, label) for v, label in AgentStateChoices.CHOICES if v in AgentStateChoices.SETTABLE
]


class NotReadyReason(ChoiceSet):
    BREAK = "break"
    MEAL = "meal"
    TRAINING = "training"
    MEETING = "meeting"
    AFTER_CALL = "after_call"
    NO_ANSWER = "no_answer"  # set by the router after max_no_answer missed offers
    OTHER = "other"

    LABELS = {
        BREAK: _("小休"),
        MEAL: _("用餐"),
        TRAINING: _("培训"),
        MEETING: _("会议"),
        AFTER_CALL: _("事后整理"),
        NO_ANSWER: _("未接听"),
        OTHER: _("其他"),
    }


class RoutedCallState(ChoiceSet):
    QUEUED = core.CallState.QUEUED.value
    OFFERED = core.CallState.OFFERED.value
    TALKING = core.CallState.TALKING.value
    ENDED = core.CallState.ENDED.value
    ABANDONED = core.CallState.ABANDONED.value
    FALLBACK = core.CallState.FALLBACK.value

    LIVE = (QUEUED, OFFERED, TALKING)

    LABELS = {
        QUEUED: _("排队中"),
        OFFERED: _("振铃"),
        TALKING: _("通话中"),
        ENDED: _("已结束"),
        ABANDONED: _("放弃"),
        FALLBACK: _("转兜底"),
    }


class StrategyChoices(ChoiceSet):
    LONGEST_IDLE = core.Strategy.LONGEST_IDLE.value
    FEWEST_CALLS = core.Strategy.FEWEST_CALLS.value
    ROUND_ROBIN = core.Strategy.ROUND_ROBIN.value
    RING_ALL = core.Strategy.RING_ALL.value

    LABELS = {
        LONGEST_IDLE: _("最长空闲"),
        FEWEST_CALLS: _("最少接听"),
        ROUND_ROBIN: _("轮询"),
        RING_ALL: _("同振"),
    }


class PriorityChoices(ChoiceSet):
    STRICT = core.Priority.STRICT.value
    SCORE = core.Priority.SCORE.value

    LABELS = {STRICT: _("严格按级别"), SCORE: _("等待时长加级别分")}
