"""The routing API (issue 14): offer calls, read them (with a long poll), agents' states, seats and
queues. Views parse, call :mod:`kefu.routing.services`, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core import scope
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.routing import services
from kefu.routing.choices import (
    SETTABLE_STATE_CHOICES,
    AgentStateChoices,
    NotReadyReason,
    PriorityChoices,
    RoutedCallState,
    StrategyChoices,
)
from kefu.routing.models import RoutingQueue
from kefu.telephony.api.views import CallSerializer, CtiEventSerializer, CtiEventView

PROBLEM = OpenApiResponse(description="problem+json")
MAX_WAIT = 120


class CallOfferSerializer(serializers.Serializer):
    call_id = serializers.CharField(max_length=64)
    calling_number = serializers.RegexField(r"^\+?\d{3,20}$", max_length=20)
    called_number = serializers.RegexField(r"^\+?\d{3,20}$", max_length=20)


class RoutedCallSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    state = serializers.ChoiceField(choices=RoutedCallState.CHOICES)
    queue = serializers.CharField()
    position = fields.IntegerField(help_text="1-based place in the queue while queued, else 0")
    agent = serializers.CharField(help_text="job number of the agent it rings at (or who took it)")
    contact = serializers.CharField(help_text="where to send the call, e.g. sip:js1001@127.0.0.1:5070")
    reason = serializers.JSONField(
        help_text="why: rule (offered, all_busy, queue_full, max_wait), tier, groups, strategy, level, "
        "score, candidates, the tiers weighed; fallback: the queue's fallback"
    )


class AgentStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=SETTABLE_STATE_CHOICES)
    reason = serializers.ChoiceField(choices=NotReadyReason.CHOICES, required=False, allow_blank=True)


class AgentSerializer(serializers.Serializer):
    job_number = serializers.CharField()
    state = serializers.ChoiceField(choices=AgentStateChoices.CHOICES)
    reason = serializers.CharField(allow_blank=True)
    since = serializers.DateTimeField(allow_null=True)
    call_id = serializers.CharField(allow_blank=True)
    groups = serializers.ListField(child=serializers.CharField())
    skills = serializers.DictField(child=fields.IntegerField())
    contact = serializers.CharField(allow_blank=True)
    wrapup_until = serializers.DateTimeField(allow_null=True)


class AgentHistorySerializer(serializers.Serializer):
    state = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_blank=True)
    call_id = serializers.CharField(allow_blank=True)


class AgentDetailSerializer(AgentSerializer):
    history = AgentHistorySerializer(many=True)


class SeatSerializer(serializers.Serializer):
    job_number = serializers.CharField(read_only=True)
    groups = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    skills = serializers.DictField(child=fields.IntegerField(min_value=0, max_value=10), required=False)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _seat(seat) -> dict:
    return {
        "job_number": seat.staff.job_number,
        "groups": sorted(g.code for g in seat.groups.all()),
        "skills": seat.skills,
        "contact": seat.contact,
    }


class CallsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Offer a new call to the router (ORG-4, ORG-6, TIER-1)",
        description=(
            "Classifies the call — the queue by the called number (a skill queue has a number of its "
            "own), the caller's home city by the subscriber or the number segment (号段), the priority by "
            "the customer level — and decides at once: `offered` (ringing at `agent`, send the call to "
            "`contact`), `queued` (`position` in `queue`; long-poll `GET …/calls/{call_id}?wait=S`) or "
            "`fallback` (queue full: `reason.fallback`). 409 `call_exists` for an id seen before, "
            "404 `unknown_queue` for a number without a queue."
        ),
        request=CallOfferSerializer,
        responses={201: RoutedCallSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    def post(self, request):
        data = CallOfferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.call_offer(actor=request.user, **data.validated_data)
        return Response(answer, status=status.HTTP_201_CREATED)


class CallView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="A routed call's state, optionally waiting while it is queued",
        description=(
            "With `wait=S` (at most 120) the answer comes once the call is no longer `queued`, or after S "
            "seconds: a SIP proxy holding the INVITE long-polls this. 404 `unknown_call`."
        ),
        parameters=[OpenApiParameter("wait", float, description="seconds to wait while queued (0–120)")],
        responses={200: RoutedCallSerializer, 404: PROBLEM},
    )
    def get(self, request, call_id: str):
        try:
            wait = min(max(float(request.query_params.get("wait", 0) or 0), 0.0), MAX_WAIT)
        except ValueError:
            raise serializers.ValidationError({"wait": "a number of seconds"})
        return Response(services.call_get(actor=request.user, call_id=call_id, wait=wait))


class AgentStateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Set an agent's state: ready, not ready (with a reason) or logged out",
        description=(
            "The agent sets their own; a supervisor anyone's in their scope. During a call, not ready or "
            "logged out applies when the call's wrap-up ends. 409 `agent_not_logged_in` (not ready or "
            "logged out while logged out), 409 `agent_busy` (ready while on a call), 404 `unknown_agent`."
        ),
        request=AgentStateSerializer,
        responses={200: AgentSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    def post(self, request, job_number: str):
        services.agent_check(actor=request.user, job_number=job_number)  # who, before what
        data = AgentStateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return Response(
            services.agent_state_set(
                actor=request.user, job_number=job_number, state=v["state"], reason=v.get("reason", "")
            )
        )


class AgentWrapupEndView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="End the agent's after-call work (wrap-up) now",
        request=None,
        responses={200: AgentSerializer, 404: PROBLEM, 409: PROBLEM},
    )
    def post(self, request, job_number: str):
        return Response(services.agent_wrapup_end(actor=request.user, job_number=job_number))


class AgentView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="An agent's routing state, since when, and today's changes",
        responses={200: AgentDetailSerializer, 403: PROBLEM, 404: PROBLEM},
    )
    def get(self, request, job_number: str):
        return Response(services.agent_get(actor=request.user, job_number=job_number))


class SeatView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="A seat's groups, skills and contact", responses={200: SeatSerializer, 404: PROBLEM}
    )
    def get(self, request, job_number: str):
        return Response(_seat(services.seat_get(actor=request.user, job_number=job_number)))

    @extend_schema(
        summary="Change a seat's groups, skills (ORG-6 specialised seats) or contact (supervisors)",
        request=SeatSerializer,
        responses={200: SeatSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    def patch(self, request, job_number: str):
        data = SeatSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        seat = services.seat_update(actor=request.user, job_number=job_number, **data.validated_data)
        return Response(_seat(seat))


class QueueSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    strategy = serializers.ChoiceField(choices=StrategyChoices.CHOICES, required=False)
    priority = serializers.ChoiceField(choices=PriorityChoices.CHOICES, required=False)

    class Meta:
        model = RoutingQueue
        fields = [
            "code", "name", "province", "hotline", "skill", "min_level", "tiers", "strategy", "priority",
            "level_bonus", "wrapup_seconds", "max_no_answer", "max_length", "max_wait", "fallback",
            "answer_threshold", "short_abandon",
        ]  # fmt: skip
        read_only_fields = ["code", "province"]

    def validate_tiers(self, tiers):
        if not isinstance(tiers, list) or not tiers:
            raise serializers.ValidationError("a list of {groups, wait}")
        for tier in tiers:
            if not isinstance(tier, dict) or not isinstance(tier.get("groups"), str):
                raise serializers.ValidationError(
                    "each tier needs groups (@home, @public, @others or a code)"
                )
            if not isinstance(tier.get("wait", 0), int | float) or tier.get("wait", 0) < 0:
                raise serializers.ValidationError("wait: seconds, 0 or more")
        return tiers


class QueuesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="The routing queues in scope", responses={200: QueueSerializer(many=True)})
    def get(self, request):
        queues = scope.restrict(RoutingQueue.objects.select_related("province"), request.user)
        return Response(QueueSerializer(queues, many=True).data)


class QueueView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Change a queue's tiers, strategy, priority, limits (supervisors)",
        request=QueueSerializer,
        responses={200: QueueSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    def patch(self, request, code: str):
        queue = services.queue_get(actor=request.user, code=code)
        data = QueueSerializer(queue, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        queue = services.queue_update(actor=request.user, queue=queue, changes=data.validated_data)
        return Response(QueueSerializer(queue).data)


class RoutedCtiEventView(CtiEventView):
    """``POST /api/v1/cti/events`` with routing: telephony's events (screen pop, contact record) and,
    for a routed call, the router's (answer, hangup, abandon, no_answer). Telephony (layer 3) does not
    know routing (layer 4): this view, mounted in its place by the API composition, wraps the event."""

    apply_event = staticmethod(services.cti_event)

    @extend_schema(
        summary="Report a call event: ring, answer, hangup, resume, abandon, no_answer (VIEW-1, issue 14)",
        description=(
            "Telephony's rules: a seat holds at most `KEFU_CALLS_PER_SEAT` calls (409 `seat_busy`); "
            "`answer` pops the caller's view and opens a contact record, `hangup` closes it; `resume` takes "
            "a held call back.\n\n"
            "For a call routed by `POST /api/v1/routing/calls`: `answer` makes the agent talking, `hangup` "
            "puts them in wrap-up (a hangup while queued or ringing is an abandon), `abandon` (the caller "
            "left while queued or ringing; `agent_job_number` optional) and `no_answer` (the offered agent "
            "did not pick up: the call goes back to the front of its queue and may be offered at once; the "
            "agent is set not ready after the queue's `max_no_answer` misses in a row). `abandon` or "
            "`no_answer` of a call never routed: 404 `unknown_call`. A refused event changes nothing."
        ),
        request=CtiEventSerializer,
        responses={200: CallSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    def post(self, request):
        return super().post(request)
