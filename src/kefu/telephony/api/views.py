from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.telephony import services
from kefu.telephony.choices import CallEventKind, CallState


class CtiEventSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=CallEventKind.CHOICES)
    call_id = serializers.CharField(max_length=64)
    calling_number = serializers.RegexField(r"^\+?\d{3,20}$", max_length=20)
    called_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    agent_job_number = serializers.CharField(max_length=20)
    time = serializers.DateTimeField(required=False)


class CallSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    state = serializers.ChoiceField(choices=CallState.CHOICES)
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

    @extend_schema(request=CtiEventSerializer, responses={200: CallSerializer})
    def post(self, request):
        data = CtiEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call = services.cti_event(
            actor=request.user,
            kind=v["event"],
            call_id=v["call_id"],
            calling_number=v["calling_number"],
            called_number=v.get("called_number", ""),
            agent_job_number=v["agent_job_number"],
            at=v.get("time"),
        )
        return Response({"call_id": call.call_id, "state": call.state, "contact_id": call.contact_id})
