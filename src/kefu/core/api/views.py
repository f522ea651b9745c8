from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api.base import IsAdministrator, ScopedReadOnlyViewSet
from kefu.core.api.serializers import (
    AgentGroupSerializer,
    AuditEventSerializer,
    CitySerializer,
    DepartmentSerializer,
    ProvinceSerializer,
    StaffSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from kefu.core.auth import staff_login
from kefu.core.models import AgentGroup, AuditEvent, City, Department, Province, Staff


class TokenView(APIView):
    """Exchange a job number and password for a bearer token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        staff = staff_login(
            job_number=data.validated_data["job_number"], password=data.validated_data["password"]
        )
        token, _ = Token.objects.get_or_create(user=staff)
        return Response({"token": token.key})


class MeView(APIView):
    """The signed-in member of staff and their data scope."""

    @extend_schema(responses={200: StaffSerializer})
    def get(self, request):
        return Response(StaffSerializer(request.user).data)


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    lookup_field = "code"
    pagination_class = None


class CityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = City.objects.select_related("province")
    serializer_class = CitySerializer
    lookup_field = "code"
    pagination_class = None
    filterset_fields = {"province__code": ["exact"]}


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.select_related("province", "city")
    serializer_class = DepartmentSerializer
    lookup_field = "code"
    pagination_class = None
    filterset_fields = {"kind": ["exact"], "province__code": ["exact"]}


class AgentGroupViewSet(ScopedReadOnlyViewSet):
    queryset = AgentGroup.objects.select_related("province", "city")
    serializer_class = AgentGroupSerializer
    lookup_field = "code"


class StaffViewSet(ScopedReadOnlyViewSet):
    queryset = Staff.objects.select_related("province", "city")
    serializer_class = StaffSerializer
    lookup_field = "job_number"
    filterset_fields = {"role": ["exact"], "province__code": ["exact"], "city__code": ["exact"]}


class AuditEventFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    actor = django_filters.CharFilter(field_name="actor_job_number")
    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith")

    class Meta:
        model = AuditEvent
        fields = ["object_type", "object_id"]


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """Audit events (SYS-2), for administrators, within their scope."""

    queryset = AuditEvent.objects.select_related("province", "city")
    serializer_class = AuditEventSerializer
    permission_classes = [IsAdministrator]
    filterset_class = AuditEventFilter
