from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.telephony import services
from kefu.telephony.choices import CallEventKind, CallState

PROBLEM = OpenApiResponse(description="problem+json")


class CtiEventSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=CallEventKind.CHOICES)
    call_id = serializers.CharField(max_length=64)
    calling_number = serializers.RegexField(r"^\+?\d{3,20}$", max_length=20)
    called_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    agent_job_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    time = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if not attrs.get("agent_job_number") and attrs["event"] not in CallEventKind.AGENT_OPTIONAL:
            raise serializers.ValidationError({"agent_job_number": _("该事件必须提供座席工号")})
        return attrs


class CallSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    state = serializers.ChoiceField(choices=CallState.CHOICES, allow_null=True)
    contact_id = fields.IntegerField(allow_null=True)


class MayReportCalls(permissions.BasePermission):
    """The CTI adapter posts as an administrator; an agent may post their own calls (softphone)."""

    message = _("只有管理员或本人工号可以上报话务事件")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.role == "administrator":
            return True
        return (
            request.data.get("agent_job_number") == user.job_number if hasattr(request.data, "get") else False
        )


class CtiEventView(APIView):
    """Ring, answer and hangup events from the telephony platform (VIEW-1)."""

    permission_classes = [MayReportCalls]
    # what applies the event; the routing API's view (mounted in this one's place) wraps it with routing
    apply_event = staticmethod(services.cti_event)

    @extend_schema(
        summary="Report a call event: ring, answer, hangup, resume (VIEW-1)",
        description=(
            "A seat holds at most `KEFU_CALLS_PER_SEAT` calls, answered or on hold (default 1).\n\n"
            "- `ring` / `answer` of a new call on a full seat: **409 `seat_busy`**, nothing recorded; the "
            "ACD should offer the call to another seat. A ring on a seat with room left is pushed to the "
            "desk (`ringing`) without touching the call in progress.\n"
            "- `answer` with room left (`KEFU_CALLS_PER_SEAT` >= 2): the call in progress goes on hold "
            "(state `held`); the new caller's view pops (`screen_pop`, whose `held` lists the calls on hold).\n"
            "- `resume` of a held call: it is answered again and its view pops again (`resumed: true`); the "
            "call in progress, if any, goes on hold. The seconds on hold are added to the call and to its "
            "contact record (`held_seconds`). 409 `call_not_held` for a call not on hold, 404 "
            "`unknown_call` for a call never reported.\n"
            "- `hangup` of any call, on hold or not, ends it and closes its contact record; the `hangup` "
            "push lists the calls still on hold, which the desk offers to resume.\n\n"
            "Events are idempotent: a repeated event changes nothing."
        ),
        request=CtiEventSerializer,
        responses={200: CallSerializer, 404: PROBLEM, 409: PROBLEM},
    )
    def post(self, request):
        data = CtiEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call = self.apply_event(
            actor=request.user,
            kind=v["event"],
            call_id=v["call_id"],
            calling_number=v["calling_number"],
            called_number=v.get("called_number", ""),
            agent_job_number=v.get("agent_job_number", ""),
            at=v.get("time"),
        )
        return Response(call_answer(v["call_id"], call))


def call_answer(call_id: str, call) -> dict:
    """The answer of an event: the call as recorded here (an abandon of a call that never rang: none)."""
    if call is None:
        return {"call_id": call_id, "state": None, "contact_id": None}
    return {"call_id": call.call_id, "state": call.state, "contact_id": call.contact_id}
