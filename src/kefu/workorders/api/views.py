"""The native work-order API (WO-6, WO-4): list, create (idempotent), detail with history, one
POST per action, attachments, OA export, flows and the transition table. Views parse, call one
service or selector, and render."""

from __future__ import annotations

import csv
import io

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.catalog import nodes
from kefu.core import audit, compiled, scope
from kefu.core.api.base import KeysetPagination, ReadOnlyOrAdministrator, ScopedQuerysetMixin
from kefu.core.errors import ErrorCode, NotFoundError
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber
from kefu.telephony.api.headers import call_contact_of
from kefu.workorders import attachments, pickers, selectors, services, transitions
from kefu.workorders.actions import ACTIONS, OrderAction
from kefu.workorders.api import serializers
from kefu.workorders.choices import Action, CoordinationKind
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import Attachment, FlowDefinition, WorkOrder

LIST_FILTERS = [
    OpenApiParameter("state", str, description="state, or several separated by commas"),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("level", str, description="customer level"),
    OpenApiParameter("business", str, description="business code, or its name (see /api/v1/pickers)"),
    OpenApiParameter("category", str, description="category node code (any version), or its name"),
    OpenApiParameter("city", str, description="city code, or its name (南京 → 3201)"),
    OpenApiParameter(
        "holder",
        str,
        description="department:<code> | group:<code> | staff:<job number> | me, or a holder's name; "
        "a name several holders match is refused (name_ambiguous) with the candidates",
    ),
    OpenApiParameter("kind", str),
    OpenApiParameter("subscriber", str, description="subscriber number"),
    OpenApiParameter("flow", str, description="flow code"),
    OpenApiParameter("open", bool, description="only orders not archived or cancelled"),
]


def _filtered_orders(request) -> selectors.OrderSearch:
    """The order list filters (LIST_FILTERS) as the list and the OA export both take them: a search
    read by pages, one index range scan per branch of a multi-value filter."""
    p = request.query_params
    # a name where a code is expected (city=南京) is resolved, or refused with the candidates
    named = pickers.resolve_filters(
        {k: p.get(k, "") for k in ("business", "category", "city", "holder")}, user=request.user
    )
    return selectors.order_search(
        user=request.user,
        state=p.get("state", ""),
        overdue=p.get("overdue"),
        level=p.get("level", ""),
        business=named["business"],
        category=named["category"],
        city=named["city"],
        holder=named["holder"],
        kind=p.get("kind", ""),
        subscriber=p.get("subscriber", ""),
        flow=p.get("flow", ""),
        open_only=p.get("open"),
    )


class WorkOrderPagination(KeysetPagination):
    """Keyset pagination on id, newest first: the first page is one index range scan."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


def _files(request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):  # multipart: fields plus the files' names and sizes
        body = {k: v for k, v in data.lists() if k != "files"}
        body["files"] = [(f.name, f.size) for f in _files(request)]
    else:
        body = data
    return services.fingerprint(body)


# the lookups every create makes, compiled once per connection (docs/benchmarks.md: the accept path;
# the category: see kefu.catalog.nodes)
_SUBSCRIBER = compiled.CompiledQuery(lambda number: Subscriber.objects.filter(number=number)[:1])


class WorkOrderViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Work orders: ``GET/POST /api/v1/work-orders``, ``GET /api/v1/work-orders/{number}``,
    ``POST /api/v1/work-orders/{number}/{action}``."""

    queryset = WorkOrder.objects.all()
    serializer_class = serializers.WorkOrderSerializer
    pagination_class = WorkOrderPagination
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().select_related(*selectors.LIST_RELATED, "flow")

    @extend_schema(parameters=LIST_FILTERS)
    def list(self, request, *args, **kwargs):
        search = selectors.for_list(
            _filtered_orders(request), columns=serializers.WorkOrderSerializer.COLUMNS
        )
        page = self.paginate_queryset(search)
        return self.get_paginated_response(serializers.WorkOrderSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.WorkOrderCreateSerializer,
        parameters=[
            OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER),
            OpenApiParameter(
                "X-Call-Id",
                str,
                location=OpenApiParameter.HEADER,
                description="the agent's call in progress: the order is filed under its contact (CON-1)",
            ),
            OpenApiParameter(
                "X-Contact-Id",
                int,
                location=OpenApiParameter.HEADER,
                description=(
                    "the contact of the agent's call in progress (or own open contact); any other: "
                    "409 `contact_not_in_call`, nothing created"
                ),
            ),
        ],
        responses={201: serializers.WorkOrderStateSerializer, 200: serializers.WorkOrderStateSerializer},
    )
    def create(self, request):
        v = serializers.create_input(request.data)
        contact = call_contact_of(request)
        result = services.order_accept(
            actor=request.user,
            data=services.OrderInput(
                kind=v["kind"],
                subscriber=self._subscriber(v.get("subscriber")),
                contact_number=v.get("contact_number", ""),
                category=self._category(v.get("category")),
                title=v.get("title", ""),
                description=v.get("description", ""),
                flow_code=v.get("flow", ""),
                service_request=self._service_request(v.get("service_request")),
                contact=contact,
                contact_method=v.get("contact_method", ""),
                contact_address=v.get("contact_address", ""),
                fault_product=v.get("fault_product", ""),
                fault_class=v.get("fault_class", ""),
                urgent=v.get("urgent", False),
                oa_reference=v.get("oa_reference", ""),
                coordination={k: v[k] for k in CoordinationKind.values() if k in v} or None,
            ),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
            request_fingerprint=_fingerprint(request),
            files=_files(request),
        )
        body = serializers.order_state(result.order)
        if result.created:
            return Response(body, status=status.HTTP_201_CREATED)
        return Response(body, status=status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})

    def _subscriber(self, number):
        if not number:
            return None
        subscriber = _SUBSCRIBER.first(number)
        if subscriber is None or not scope.admits(subscriber, self.request.user):
            raise NotFoundError(
                _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number},
                code=CustomerErrorCode.UNKNOWN_SUBSCRIBER,
            )
        return subscriber

    @staticmethod
    def _category(category_id):
        if category_id is None:
            return None
        category = nodes.node(category_id)
        if category is None:
            raise WorkOrderError(
                _("分类编号 %(v)s 不存在") % {"v": category_id}, code=ErrorCode.VALIDATION_FAILED
            )
        return category

    def _service_request(self, request_id):
        if request_id is None:
            return None
        from kefu.contacts.models import ServiceRequest

        found = scope.restrict(ServiceRequest.objects.all(), self.request.user).filter(pk=request_id).first()
        if found is None:
            raise NotFoundError(_("服务请求不存在"))
        return found

    @extend_schema(responses=serializers.WorkOrderDetailSerializer)
    def retrieve(self, request, number=None):
        order = selectors.order_detail(user=request.user, number=number)
        # SYS-2: the detail names the customer — one view row, committed before the response leaves
        audit.record_view(
            actor=request.user,
            obj=order,
            object_type="workorders.workorder",
            object_id=order.number,
            sections=["work_order"],
            details={"subscriber": order.subscriber.number if order.subscriber else order.contact_number},
        )
        return Response(serializers.WorkOrderDetailSerializer(order, context={"request": request}).data)

    # --- actions: one endpoint per row of the action table, added below the class ---------------

    def _act(self, request, order_action: OrderAction):
        # Out of scope is 404 whatever the input: bad input is checked against the scope before it
        # is reported; good input goes to the service, which locks the order and checks the scope.
        number = self.kwargs["number"]
        try:
            arguments = order_action.parse(request.data, actor=request.user)
        except Exception:
            if not scope.restrict(WorkOrder.objects.filter(number=number), request.user).exists():
                raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number}) from None
            raise
        order = order_action.call(
            actor=request.user, order=number, arguments=arguments, files=_files(request)
        )
        return Response(serializers.order_state(order))

    @extend_schema(
        parameters=[*LIST_FILTERS, OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={200: serializers.OaExportSerializer, (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=False, methods=["get"], url_path="oa-export", url_name="oa-export", pagination_class=None)
    def oa_export(self, request):
        """WO-10: the orders (same filters as the list, at most 10,000) for the office (OA) system."""
        p = request.query_params
        queryset = _filtered_orders(request).order_by("-id")
        rows = selectors.oa_export_rows(queryset)
        if p.get("format") == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=selectors.OA_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
            response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="work-orders-oa.csv"'
            return response
        return Response({"results": rows})


def _endpoint(order_action: OrderAction):
    """``POST /api/v1/work-orders/{number}/<path>`` for one row of the action table."""
    multipart = order_action.name == Action.ATTACH  # files only: no JSON body
    request_schema = {"multipart/form-data": order_action.input} if multipart else order_action.input
    options = {"parser_classes": [MultiPartParser, FormParser]} if multipart else {}

    def endpoint(self, request, number=None):
        return self._act(request, order_action)

    # "dispatch" is APIView's own method: every endpoint is named after its path instead
    endpoint.__name__ = endpoint.__qualname__ = f"{order_action.url_path.replace('-', '_')}_"
    return extend_schema(request=request_schema, responses=serializers.WorkOrderStateSerializer)(
        action(
            detail=True,
            methods=["post"],
            url_path=order_action.url_path,
            url_name=order_action.url_path,
            **options,
        )(endpoint)
    )


for _order_action in ACTIONS.values():
    _method = _endpoint(_order_action)
    setattr(WorkOrderViewSet, _method.__name__, _method)


class AttachmentDownloadViewSet(ScopedQuerysetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """``GET /api/v1/work-order-attachments/{id}``: download one attachment (scope-checked, audited)."""

    queryset = Attachment.objects.all()
    serializer_class = serializers.AttachmentSerializer

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def retrieve(self, request, pk=None):
        attachment = attachments.attachment_for_download(
            user=request.user, attachment_id=self.get_object().pk
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Checksum-SHA256"] = attachment.sha256
        return response


class FlowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work-order flows (SYS-3): everyone reads; administrators publish a new version with POST."""

    queryset = FlowDefinition.objects.all()
    serializer_class = serializers.FlowSerializer
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("all", bool, description="every version, not only current ones"),
        ]
    )
    def list(self, request, *args, **kwargs):
        p = request.query_params
        queryset = selectors.flow_list(current_only=p.get("all") not in ("1", "true"))
        if p.get("code"):
            queryset = queryset.filter(code=p["code"])
        if p.get("kind"):
            queryset = queryset.filter(kind=p["kind"])
        return Response(serializers.FlowSerializer(queryset, many=True).data)

    @extend_schema(request=serializers.FlowPublishSerializer, responses={201: serializers.FlowSerializer})
    def create(self, request):
        data = serializers.FlowPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        flow = services.flow_publish(
            actor=request.user,
            code=v["code"],
            definition=v["definition"],
            name=v.get("name", ""),
            kind=v.get("kind", ""),
            business_code=v.get("business_code", ""),
            category_code=v.get("category_code", ""),
            is_default=v.get("is_default"),
            note=v.get("note", ""),
        )
        return Response(serializers.FlowSerializer(flow).data, status=status.HTTP_201_CREATED)


class TransitionTableView(APIView):
    """``GET /api/v1/work-order-transitions``: the transition table (state × action → state, roles,
    who may act)."""

    @extend_schema(responses=serializers.TransitionSerializer(many=True))
    def get(self, request):
        rows = [
            {"state": st, "action": a, "target": t, "roles": list(r), "who": w}
            for st, a, t, r, w in transitions.table_rows()
        ]
        return Response(rows)
