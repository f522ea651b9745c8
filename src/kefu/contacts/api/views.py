from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.contacts import exporting, importing, selectors, services
from kefu.contacts.api import serializers
from kefu.contacts.choices import CallbackState
from kefu.contacts.errors import ContactError, ContactErrorCode
from kefu.contacts.models import CallbackTask, ContactRecord
from kefu.core import audit, scope
from kefu.core.api.base import KeysetPagination, ScopedQuerysetMixin
from kefu.core.errors import ErrorCode, NotFoundError
from kefu.core.numbers import lookup_id

PROBLEM = OpenApiResponse(description="problem+json")


class ContactPagination(KeysetPagination):
    """Keyset pagination on (started_at, id), newest first: the first page of one subscriber's history
    is one index range scan however long the history is."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-started_at", "-id")


HISTORY_FILTERS = [
    OpenApiParameter("number", str, description="subscriber number"),
    OpenApiParameter("channel", str),
    OpenApiParameter("direction", str),
    OpenApiParameter("request_type", str),
    OpenApiParameter("since", OpenApiTypes.DATETIME),
    OpenApiParameter("until", OpenApiTypes.DATETIME),
    OpenApiParameter("staff", str, description="job number of the staff member"),
    OpenApiParameter("text", str, description="words in the summary"),
]


def _category(category_id):
    if category_id is None:
        return None
    from kefu.catalog.models import CategoryNode

    # a body's id: '١٢' is bad input (400 invalid_number), not row 12
    pk = lookup_id(category_id, name="category")
    category = CategoryNode.objects.filter(pk=pk).first() if pk is not None else None
    if category is None:
        raise ContactError(_("分类编号 %(v)s 不存在") % {"v": category_id}, code=ErrorCode.VALIDATION_FAILED)
    return category


def _subscriber(user, number):
    """The line a new contact is about: in the user's data scope, or a walk-in of the province who
    has authenticated to this member of staff (SVC-1, ``selectors.walk_in_line``). A walk-in without
    a grant is refused like a number out of scope."""
    from kefu.customers.models import Subscriber

    subscriber = scope.restrict(Subscriber.objects.all(), user).filter(number=number).first()
    if subscriber is None:
        subscriber = selectors.walk_in_line(user=user, number=number)
    if subscriber is None:
        raise NotFoundError(
            _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number},
            code=ContactErrorCode.UNKNOWN_SUBSCRIBER,
        )
    return subscriber


def _audit_contact(request, contact: ContactRecord) -> None:
    """SYS-2: one audit row for one read of a contact record (its place, its number), committed
    before the response leaves; 503 ``audit_unavailable`` when it cannot be written."""
    audit.record_view(
        actor=request.user,
        obj=contact,
        object_type="contacts.contactrecord",
        object_id=str(contact.pk),
        sections=["contact"],
        details={"number": contact.number},
    )


class ContactViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Contact records (CON-1..6): history search, manual entry, closing, corrections, links, service
    requests, batch import and export."""

    queryset = ContactRecord.objects.all()
    serializer_class = serializers.ContactRecordSerializer
    pagination_class = ContactPagination

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related(
                "staff", "province", "city", "category__version", "wrap_up_reason", "wrapped_up_by"
            )
        )
        return queryset.prefetch_related("requests__category__version", "links_out")

    def get_object(self):
        """A contact in the user's scope, or a walk-in's (SVC-1, ``selectors.contact_served``); else 404."""
        contact = selectors.contact_served(user=self.request.user, contact_id=self.kwargs.get("pk", ""))
        if contact is None:
            raise Http404
        return contact

    def _filtered(self):
        p = self.request.query_params
        queryset = selectors.contact_history(
            user=self.request.user,
            number=p.get("number", ""),
            channel=p.get("channel", ""),
            direction=p.get("direction", ""),
            request_type=p.get("request_type", ""),
            since=p.get("since") or None,
            until=p.get("until") or None,
            staff=p.get("staff", ""),
            text=p.get("text", ""),
        )
        return queryset.select_related(
            "staff", "province", "city", "category__version", "wrap_up_reason", "wrapped_up_by"
        ).prefetch_related("requests__category__version", "links_out")

    @extend_schema(parameters=HISTORY_FILTERS)
    def list(self, request, *args, **kwargs):
        page = list(self.paginate_queryset(self._filtered()))
        # SYS-2: one row for one page of many people's contacts — the filter, and the contacts and
        # numbers shown; committed before the response leaves (503 ``audit_unavailable`` otherwise)
        filters = {key: value for key, value in request.query_params.items() if key != "cursor"}
        audit.record_view(
            actor=request.user,
            object_type="contacts.history",
            object_id=filters.get("number", ""),
            sections=["contacts"],
            details={
                "filters": filters,
                "contacts": [row.pk for row in page],
                "numbers": sorted({row.number for row in page if row.number}),
            },
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        contact = self.get_object()
        _audit_contact(request, contact)
        return Response(self.get_serializer(contact).data)

    @extend_schema(
        request=serializers.ContactCreateSerializer, responses={201: serializers.ContactRecordSerializer}
    )
    def create(self, request):
        data = serializers.ContactCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        contact = services.contact_create(
            actor=request.user,
            data=services.ContactInput(
                channel=v["channel"],
                direction=v["direction"],
                number=v["number"],
                subscriber=_subscriber(request.user, v["number"]),
                started_at=v.get("started_at"),
                ended_at=v.get("ended_at"),
                request_type=v.get("request_type", ""),
                category=_category(v.get("category")),
                summary=v.get("summary", ""),
                recording_ref=v.get("recording_ref", ""),
            ),
        )
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ContactCloseSerializer, responses={200: serializers.ContactRecordSerializer}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        contact = self.get_object()
        data = serializers.ContactCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_close(
            actor=request.user,
            contact=contact,
            ended_at=data.validated_data.get("ended_at"),
            summary=data.validated_data.get("summary"),
        )
        return Response(self.get_serializer(self.get_object()).data)  # reread with its relations

    @extend_schema(
        request=serializers.CorrectionRequestSerializer,
        responses={200: serializers.ContactCorrectionSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"])
    def corrections(self, request, pk=None):
        contact = self.get_object()
        if request.method == "POST":
            data = serializers.CorrectionRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            changes = dict(data.validated_data["changes"])
            if "category" in changes and changes["category"] not in (None, ""):
                changes["category"] = _category(changes["category"])
            services.contact_correct(
                actor=request.user, contact=contact, changes=changes, reason=data.validated_data["reason"]
            )
        return Response(
            serializers.ContactCorrectionSerializer(
                contact.corrections.select_related("actor"), many=True
            ).data
        )

    @extend_schema(
        summary="After-call work: summary and wrap-up reason (CON-1)",
        description=(
            "The contact's own agent (or a supervisor of its scope) writes the contact summary (接触摘要) and "
            "the wrap-up reason (话后处理原因), once. `reason` is a code from `GET /api/v1/wrap-up-reasons`; "
            "a blank `summary` keeps the record's. Refused, nothing written: 422 `wrap_up_reason_required`, "
            "422 `wrap_up_summary_too_long` (over `KEFU_WRAP_UP_SUMMARY_MAX`, 2000 characters), 403 "
            "`wrap_up_forbidden`, 409 `contact_already_wrapped_up` (change it afterwards as a correction)."
        ),
        request=serializers.WrapUpSerializer,
        responses={200: serializers.ContactRecordSerializer, 403: PROBLEM, 409: PROBLEM, 422: PROBLEM},
    )
    @action(detail=True, methods=["post"], url_path="wrap-up")
    def wrap_up(self, request, pk=None):
        contact = self.get_object()
        data = serializers.WrapUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.contact_wrap_up(
            actor=request.user,
            contact=contact,
            reason=data.validated_data["reason"],
            summary=data.validated_data.get("summary", ""),
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=serializers.LinkRequestSerializer, responses={201: serializers.ContactLinkSerializer}
    )
    @action(detail=True, methods=["post"])
    def links(self, request, pk=None):
        contact = self.get_object()
        data = serializers.LinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = get_object_or_404(self.get_queryset(), pk=data.validated_data["to_contact"])
        link = services.contact_link(actor=request.user, from_contact=contact, to_contact=target)
        return Response(serializers.ContactLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ServiceRequestCreateSerializer,
        responses={201: serializers.ServiceRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="requests")
    def add_request(self, request, pk=None):
        contact = self.get_object()
        data = serializers.ServiceRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.service_request_add(
            actor=request.user,
            contact=contact,
            request_type=data.validated_data["request_type"],
            category=_category(data.validated_data.get("category")),
            description=data.validated_data.get("description", ""),
        )
        return Response(serializers.ServiceRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: serializers.ImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_file(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ContactError(_("请选择要导入的文件"), code=ContactErrorCode.IMPORT_UNREADABLE, status=400)
        table = importing.read_table(upload.read(), upload.name)
        report = importing.validate_rows(actor=request.user, table=table)
        if report.errors:
            raise ContactError(
                _("导入被拒绝：%(n)s 行有错误，未导入任何记录")
                % {"n": len({e["row"] for e in report.errors})},
                code=ContactErrorCode.IMPORT_REJECTED,
                errors=report.errors,
            )
        created = services.contacts_import(actor=request.user, rows=report.rows)
        return Response({"imported": len(created)}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[*HISTORY_FILTERS, OpenApiParameter("format", str, enum=sorted(exporting.FORMATS))],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        fmt = request.query_params.get("format", "csv")
        content = exporting.export_contacts(self._filtered(), fmt)
        audit.record(
            actor=request.user,
            action="contact.export",
            object_type="contacts.contactrecord",
            changes={"format": fmt, "filters": dict(request.query_params.items())},
        )
        response = HttpResponse(content, content_type=exporting.FORMATS[fmt])
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.{fmt}"'
        return response


@extend_schema(tags=["contacts"])
class CallbackTaskViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Callback tasks (SR-2's callback, WO-7's result by phone): the customer's account manager, or a
    centre, owes the customer a call; completing one records the call as an outbound contact."""

    queryset = CallbackTask.objects.select_related("assignee_staff", "assignee_department", "done_by")
    serializer_class = serializers.CallbackTaskSerializer
    pagination_class = KeysetPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(CallbackState.values())),
            OpenApiParameter("mine", bool, description="only tasks assigned to me or my department"),
        ]
    )
    def list(self, request, *args, **kwargs):
        p = request.query_params
        state = p.get("state", "")
        if state and state not in CallbackState:
            raise ContactError(
                _("未知状态：%(v)s") % {"v": state}, code=ErrorCode.VALIDATION_FAILED, status=400
            )
        rows = selectors.callback_tasks_for(
            user=request.user, mine=p.get("mine", "") in ("1", "true"), state=state
        )
        page = list(self.paginate_queryset(rows))
        # SYS-2: the tasks name customers' numbers and what they asked — one row for the page
        audit.record_view(
            actor=request.user,
            object_type="contacts.callbacktask.list",
            object_id="",
            sections=["callback_tasks"],
            details={
                "filters": {key: value for key, value in p.items() if key != "cursor"},
                "tasks": [task.pk for task in page],
                "numbers": sorted({task.number for task in page if task.number}),
            },
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        task = self.get_object()
        audit.record_view(  # SYS-2: one row per read of one task (its customer's number)
            actor=request.user,
            obj=task,
            object_type="contacts.callbacktask",
            object_id=str(task.pk),
            sections=["callback_task"],
            details={"number": task.number},
        )
        return Response(self.get_serializer(task).data)

    @extend_schema(
        request=serializers.CallbackCompleteSerializer, responses={200: serializers.CallbackTaskSerializer}
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        data = serializers.CallbackCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.callback_task_complete(
            actor=request.user, task=task, outcome=data.validated_data["outcome"]
        )
        return Response(self.get_serializer(task).data)


@extend_schema(tags=["contacts"])
class WrapUpReasonsView(APIView):
    """The wrap-up reasons an agent may choose (话后处理原因), in order; kept by administrators."""

    @extend_schema(responses={200: serializers.WrapUpReasonSerializer(many=True)})
    def get(self, request):
        return Response(serializers.WrapUpReasonSerializer(selectors.wrap_up_reasons(), many=True).data)
