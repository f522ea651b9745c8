"""``GET /api/v1/desk/live``: a snapshot of what the desk's live stream would have told the agent.

The desk's script (``live.js``) fetches it once on every (re)connection of the stream and every ten
seconds while the stream is down, so that nothing is missed while a proxy, a restart or a network
change cut the stream: the agent's call in progress, the unread notices, and how many open orders
wait in each of the agent's queues.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.bulletins.selectors import unread_count
from kefu.core.api import fields
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call
from kefu.workorders.queues import member_holders, queue_orders


class LiveCallSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=["ringing", "active"], help_text="as the call bar shows it")
    contact_id = fields.IntegerField(allow_null=True)
    known = serializers.BooleanField(help_text="the caller is a subscriber of this node")
    started_at = serializers.DateTimeField(help_text="answered (active) or rang (ringing) at")
    view_url = serializers.CharField(help_text="the caller's customer view; empty for an unknown caller")


class LiveQueueSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"mine" or a holder ref such as "department:CITY-3201"')
    label = serializers.CharField()
    open = fields.IntegerField(help_text="open orders in the queue")


class LiveSnapshotSerializer(serializers.Serializer):
    call = LiveCallSerializer(allow_null=True)
    notices_unread = fields.IntegerField()
    queues = LiveQueueSerializer(many=True)
    at = serializers.DateTimeField()


def _call(user) -> dict | None:
    call = (
        Call.objects.filter(agent=user, state__in=[CallState.RINGING, CallState.ANSWERED])
        .select_related("contact")
        .order_by("-id")
        .first()
    )
    if call is None:
        return None
    known = bool(call.contact_id and call.contact.subscriber_id)
    answered = call.state == CallState.ANSWERED
    return {
        "call_id": call.call_id,
        "number": call.calling_number,
        "state": "active" if answered else "ringing",
        "contact_id": call.contact_id,
        "known": known,
        "started_at": (call.answered_at if answered else call.rang_at) or timezone.now(),
        "view_url": f"/desk/customers/{call.calling_number}/" if known else "",
    }


def live_snapshot(user) -> dict:
    """The agent's live state in a few indexed queries: one for the call, one for the notices, one
    count per queue (the agent's own, and one per holder they belong to)."""
    queues = [("mine", _("我的待办")), *member_holders(user)]
    return {
        "call": _call(user),
        "notices_unread": unread_count(user),
        "queues": [
            {
                "key": key,
                "label": label,
                "open": queue_orders(user=user, queue=key, filters={"open_only": True}).queryset().count(),
            }
            for key, label in queues
        ],
        "at": timezone.now(),
    }


class DeskLiveApi(APIView):
    """The signed-in agent's live snapshot (VIEW-1, SYS-1, WO-6): the stream's fallback."""

    @extend_schema(responses={200: LiveSnapshotSerializer}, operation_id="desk_live")
    def get(self, request):
        return Response(LiveSnapshotSerializer(live_snapshot(request.user)).data)
