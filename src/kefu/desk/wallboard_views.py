"""The supervisors' live wallboard (ST-1, ST-2, SP-3; issue 14): the page ``/desk/routing/wallboard/``
and its JSON, ``GET /api/v1/routing/wallboard``.

Both build the same document (:func:`kefu.routing.wallboard.build`) from the router's live snapshot
(``kefu.routing.client.router().snapshot()``) and the day's stored interval counts
(``kefu.routing.models.IntervalCount``). The JSON serves the page's first load and is its fallback
while the stream is down; while the stream is up the router pushes its snapshot on channel
``wallboard:<province code>`` at most once a second (``kefu.desk.stream`` subscribes supervisors to
it) and the page recomputes the document from the pushed snapshot and the day's stored counts it got
with the JSON (``day_counts``): no request per push and viewer, and the router is asked for nothing by
viewers. When the pushed snapshot starts a new interval, the page fetches the JSON once again, so the
interval just closed is read as stored.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.access import admits
from kefu.core.api import fields
from kefu.core.choices import Role
from kefu.core.models import Province
from kefu.routing import client, kpi, wallboard
from kefu.routing.models import AgentGroup, IntervalCount, RoutingQueue

logger = logging.getLogger("kefu.routing")

WALLBOARD_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
DEFAULT_THRESHOLD = 15  # SP-3: the 15-second answer rate
SP3_TARGET = 0.85  # SP-3: the 15-second answer rate above 85%


def opens_wallboard(user) -> bool:
    return getattr(user, "role", None) in WALLBOARD_ROLES


def province_code(user) -> str:
    """The province whose router the user watches: their own, or this node's for a national user."""
    if getattr(user, "province_id", None):
        return user.province.code
    return settings.KEFU_NODE_CODE


def user_province_id(user) -> int | None:
    """The id of :func:`province_code`'s province."""
    if getattr(user, "province_id", None):
        return user.province_id
    return Province.objects.filter(code=settings.KEFU_NODE_CODE).values_list("pk", flat=True).first()


def wallboard_channel(user) -> str:
    return f"wallboard:{province_code(user)}"


def _names(province: str) -> dict:
    """The province's queue and group names and each queue's N (two queries). A group's city is shown
    by name (a foreign key to ``City``) or as stored (a code)."""
    groups = AgentGroup.objects.filter(province__code=province).order_by("code")
    city_is_row = AgentGroup._meta.get_field("city").is_relation
    if city_is_row:
        groups = groups.select_related("city")
    return {
        "queues": {
            q.code: {"name": q.name, "answer_threshold": q.answer_threshold}
            for q in RoutingQueue.objects.filter(province__code=province).order_by("code")
        },
        "groups": {
            g.code: {"name": g.name, "city": (g.city.name if city_is_row else g.city) if g.city else None}
            for g in groups
        },
    }


def _day_counts(now: float) -> dict[str, dict[float, dict]]:
    """Today's stored interval counts (local day of the router's clock), per queue and interval start
    (epoch seconds). One query."""
    local = datetime.fromtimestamp(now, timezone.get_current_timezone())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = IntervalCount.objects.filter(start__gte=midnight, start__lt=midnight + timedelta(days=1))
    day: dict[str, dict[float, dict]] = {}
    for row in rows.order_by("queue_code", "start").values("queue_code", "start", *kpi.COUNT_FIELDS):
        queue, start = row.pop("queue_code"), row.pop("start")
        day.setdefault(queue, {})[start.timestamp()] = row
    return day


def _now() -> float:
    """The clock when the router does not answer (the router's own is epoch seconds as well)."""
    return time.time()


def _snapshot() -> tuple[dict, bool]:
    """The router's live snapshot, and whether the router answered (if not: an empty board)."""
    try:
        return client.router().snapshot(), True
    except Exception:  # noqa: BLE001 - whatever the failure, the board shows the stored day
        logger.warning("the router did not answer the wallboard's snapshot", exc_info=True)
        return {"now": _now(), "queues": {}, "groups": {}}, False


def wallboard_document(user) -> dict:
    """The wallboard for ``user`` (a supervisor or an administrator) with what the page needs to
    recompute it from pushed snapshots: the stored ``day_counts``, the ``names`` and the stream's
    ``channel``. Three queries."""
    snapshot, live = _snapshot()
    full_groups = snapshot.get("groups", {})
    names = _names(province_code(user))
    # one router serves every province of the node: keep this province's queues and groups, and of
    # the groups those the router knows (the reference data has a group for every city)
    snapshot = {
        **snapshot,
        "queues": {c: q for c, q in snapshot.get("queues", {}).items() if c in names["queues"]},
        "groups": {c: g for c, g in snapshot.get("groups", {}).items() if c in names["groups"]},
    }
    if snapshot["groups"]:
        names["groups"] = {c: g for c, g in names["groups"].items() if c in snapshot["groups"]}
    if len(snapshot["groups"]) < len(full_groups):
        # "agents" counts every province's: take this province's (each agent once), else add up groups
        site = snapshot.get("sites", {}).get(str(user_province_id(user)))
        if site is not None:
            snapshot["agents"] = site
        else:
            snapshot.pop("agents", None)
    day = _day_counts(snapshot["now"])
    document = wallboard.build(snapshot, day=day, names=names, threshold=DEFAULT_THRESHOLD)
    document.update(
        live=live,
        channel=wallboard_channel(user),
        names=names,
        day_counts={queue: {str(start): c for start, c in rows.items()} for queue, rows in day.items()},
    )
    return document


@admits(opens_wallboard, message=gettext_lazy("只有班长和系统管理员可以打开监控大屏"))
def wallboard_page(request):
    """``GET /desk/routing/wallboard/``: the live wallboard."""
    context = {
        "board": wallboard_document(request.user),
        "labels": wallboard_labels(),
        "target": SP3_TARGET,
        "target_label": f"{SP3_TARGET:.0%}",
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "desk/wallboard.html", context)


# --- the JSON --------------------------------------------------------------------------------------


class IsWallboardViewer(permissions.BasePermission):
    message = gettext_lazy("只有班长和系统管理员可以查看监控大屏")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and opens_wallboard(request.user))


def _number(**kwargs):
    # a JSON number in the OpenAPI document (these serializers only describe the output)
    return fields.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, **kwargs)


class AgentsSerializer(serializers.Serializer):
    logged_out = fields.IntegerField()
    ready = fields.IntegerField()
    not_ready = fields.IntegerField()
    ringing = fields.IntegerField()
    talking = fields.IntegerField()
    wrapup = fields.IntegerField()


class FiguresSerializer(serializers.Serializer):
    offered = fields.IntegerField(help_text="人工请求量: every call that asked for an agent")
    answered = fields.IntegerField(help_text="人工接通量")
    answered_in_threshold = fields.IntegerField(help_text="answered within N s of queue + ring time")
    abandoned = fields.IntegerField()
    abandoned_short = fields.IntegerField(help_text="abandons within the queue's short-abandon time")
    abandoned_long = fields.IntegerField()
    abandoned_ringing = fields.IntegerField()
    fallback = fields.IntegerField(help_text="left by the queue's limits (full, longest wait)")
    no_answer = fields.IntegerField()
    handled = fields.IntegerField()
    max_wait = _number()
    answer_rate = _number(allow_null=True, help_text="人工接通率 = answered / offered")
    service_level = _number(
        allow_null=True, help_text="N秒人工接通率 = answered within N s / offered (null: no calls)"
    )
    service_levels = serializers.DictField(
        child=_number(allow_null=True), help_text="variants 1-5 of docs (acd.md section 2)"
    )
    abandon_rate = _number(allow_null=True)
    short_abandon_rate = _number(allow_null=True)
    asa = _number(allow_null=True, help_text="average speed of answer, seconds")
    average_abandon_wait = _number(allow_null=True)
    aht = _number(allow_null=True, help_text="(talk + wrap-up) / handled, seconds")
    occupancy = _number(allow_null=True, help_text="from agent state seconds (totals only)")


class TrendPointSerializer(serializers.Serializer):
    start = _number(help_text="interval start, epoch seconds")
    offered = fields.IntegerField()
    answered = fields.IntegerField()
    abandoned = fields.IntegerField()
    service_level = _number(allow_null=True)
    answer_rate = _number(allow_null=True)


class QueueBoardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    threshold = fields.IntegerField(help_text="N of N秒人工接通率 (the queue's answer_threshold)")
    waiting = fields.IntegerField()
    longest_wait = _number()
    groups = serializers.ListField(child=serializers.CharField())
    agents = AgentsSerializer(help_text="agents of the queue's groups by state")
    staffed = fields.IntegerField()
    occupancy_now = _number(allow_null=True)
    interval = FiguresSerializer()
    day = FiguresSerializer()
    trend = TrendPointSerializer(many=True)


class GroupBoardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    agents = AgentsSerializer()
    staffed = fields.IntegerField()
    occupancy_now = _number(allow_null=True)


class TotalsBoardSerializer(serializers.Serializer):
    waiting = fields.IntegerField()
    longest_wait = _number()
    agents = AgentsSerializer()
    staffed = fields.IntegerField()
    occupancy_now = _number(allow_null=True)
    interval = FiguresSerializer()
    day = FiguresSerializer()
    trend = TrendPointSerializer(many=True)


class WallboardSerializer(serializers.Serializer):
    now = _number(help_text="the router's clock, epoch seconds")
    at = serializers.DateTimeField()
    interval_start = _number(allow_null=True)
    threshold = fields.IntegerField()
    live = serializers.BooleanField(help_text="false: the router did not answer; the stored day only")
    channel = serializers.CharField(help_text="the stream's channel of the pushed snapshots")
    queues = QueueBoardSerializer(many=True)
    groups = GroupBoardSerializer(many=True)
    totals = TotalsBoardSerializer()
    names = serializers.DictField(help_text="queue and group names, each queue's answer_threshold")
    day_counts = serializers.DictField(
        help_text="today's stored raw counts per queue and interval start: the page recomputes from them"
    )


class WallboardApi(APIView):
    """The live wallboard as JSON (ST-1, ST-2, SP-3)."""

    permission_classes = [IsWallboardViewer]

    @extend_schema(
        operation_id="routing_wallboard",
        summary="The supervisors' live wallboard",
        description=(
            "Per queue: calls waiting, longest wait, agents by state, this interval's and today's "
            "offered / answered / abandoned (short abandons apart), 人工接通率, N秒人工接通率 (N = the "
            "queue's answer_threshold, 15 for SP-3), ASA, AHT; per group the agents by state; totals "
            "with occupancy. Supervisors and administrators only (403 `permission_denied`). Live "
            "updates arrive on the desk's stream as events `wallboard` carrying the router's snapshot."
        ),
        responses={200: WallboardSerializer, 403: OpenApiResponse(description="problem+json")},
        tags=["routing"],
    )
    def get(self, request):
        return Response(wallboard_document(request.user))


def wallboard_labels() -> dict[str, str]:
    """The words the page's script writes (translated here: the script has no catalogue). In context
    "wallboard": the call bar and the staffing page use some of the same words in other senses."""
    return {
        "logged_out": pgettext("wallboard", "签出"),
        "ready": pgettext("wallboard", "就绪"),
        "not_ready": pgettext("wallboard", "未就绪"),
        "ringing": pgettext("wallboard", "振铃"),
        "talking": pgettext("wallboard", "通话中"),
        "wrapup": pgettext("wallboard", "话后处理"),
        "interval": pgettext("wallboard", "本时段"),
        "day": pgettext("wallboard", "当日"),
        "offered": pgettext("wallboard", "人工请求量"),
        "answered": pgettext("wallboard", "人工接通量"),
        "abandoned": pgettext("wallboard", "放弃"),
        "abandoned_short": pgettext("wallboard", "短放弃"),
        "answer_rate": pgettext("wallboard", "人工接通率"),
        "service_level": pgettext("wallboard", "%(n)s秒人工接通率"),
        "asa": pgettext("wallboard", "平均应答时长"),
        "aht": pgettext("wallboard", "平均处理时长"),
        "occupancy": pgettext("wallboard", "占用率"),
        "waiting": pgettext("wallboard", "排队"),
        "longest_wait": pgettext("wallboard", "最长等待"),
        "agents": pgettext("wallboard", "坐席"),
        "target": pgettext("wallboard", "目标"),
        "none": pgettext("wallboard", "无呼叫"),
        "live": pgettext("wallboard", "实时"),
        "connecting": pgettext("wallboard", "连接中"),
        "down": pgettext("wallboard", "实时推送中断，每5秒刷新"),
        "router_down": pgettext("wallboard", "路由进程未响应：只显示已保存的当日数据"),
        "updated": pgettext("wallboard", "更新于"),
        "no_queues": pgettext("wallboard", "尚未配置队列"),
    }
