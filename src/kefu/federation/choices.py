"""Choice sets of the federation protocol."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class Mode(ChoiceSet):
    """How a message travels: an event through the outbox, or a synchronous request."""

    EVENT = "event"
    REQUEST = "request"

    LABELS = {EVENT: _("事件"), REQUEST: _("同步请求")}


class InboxStatus(ChoiceSet):
    APPLIED = "applied"
    HELD = "held"  # arrived before its predecessor in the order's sequence; waits

    LABELS = {APPLIED: _("已处理"), HELD: _("等待前序消息")}


class Direction(ChoiceSet):
    OUT = "out"
    IN = "in"

    LABELS = {OUT: _("发出"), IN: _("收到")}
