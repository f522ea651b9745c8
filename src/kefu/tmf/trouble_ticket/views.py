"""TMF621 Trouble Ticket v4 over work orders: list, retrieve, create, merge-patch, and the event hub.

Scope-limited exactly like ``/api/v1/work-orders`` (an order outside the user's scope is a 404 for
every method). Every write goes through one of :mod:`kefu.workorders.services`; a status PATCH is
translated into the engine's action for it (:func:`_move`), so the transition table decides.

A ticket needs only the specification's mandatory ``description``, ``severity`` and ``ticketType``
(the customer as a related party, kefu's request category as a related entity, both optional): one
without a category is accepted into ``triage`` (TMF status ``acknowledged``) for the back office to
categorise (``workorders/services/triage.py``).
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from kefu.catalog.models import CategoryNode
from kefu.core import scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.numbers import lookup_id
from kefu.customers.errors import CustomerErrorCode
from kefu.tmf.common import TmfAPIView, datetime_filters, list_response, resource_response
from kefu.tmf.trouble_ticket import notifications, resources, schema
from kefu.tmf.trouble_ticket.models import TroubleTicketListener
from kefu.tmf.viewaudit import Shown, audit_list, audit_one
from kefu.workorders import flows, services
from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import Action, WorkOrderState
from kefu.workorders.errors import WorkOrderErrorCode
from kefu.workorders.models import WorkOrder, WorkOrderEvent

S = WorkOrderState
MANDATORY = ("description", "severity", "ticketType")
PATCHABLE = {
    "status",
    "statusChangeReason",
    "note",
    "satisfaction",
    "responsibilityCause",
    "responsibleDepartment",
}


def _bad(message: str, code: str = ErrorCode.BAD_REQUEST) -> DomainError:
    return DomainError(message, code=code, status=400)


# --- list filters --------------------------------------------------------------------------------

_REJECTED = Exists(
    WorkOrderEvent.objects.filter(order=OuterRef("pk"), action=Action.CANCEL, state_before=S.RETURNED)
)
_PAUSED = Q(paused_at__isnull=False, state__in=(S.ACCEPTED, S.DISPATCHED, S.PROCESSING))
STATUS_FILTERS = {
    "acknowledged": Q(state__in=(S.TRIAGE, S.ACCEPTED), paused_at__isnull=True),
    "inProgress": Q(state__in=(S.DISPATCHED, S.PROCESSING), paused_at__isnull=True),
    "pending": _PAUSED,
    "held": Q(state=S.RETURNED),
    "resolved": Q(state__in=(S.REPLIED, S.FEEDBACK)),
    "closed": Q(state=S.ARCHIVED),
    "cancelled": Q(state=S.CANCELLED) & ~_REJECTED,
    "rejected": Q(state=S.CANCELLED) & _REJECTED,
}


def _by_status(queryset, value):
    condition = Q()
    for status in value.split(","):
        if status not in STATUS_FILTERS:
            raise _bad(_("status 的取值无效：%(v)s") % {"v": status})
        condition |= STATUS_FILTERS[status]
    return queryset.filter(condition)


def _by_type(queryset, value):
    kinds = []
    for name in value.split(","):
        if name not in resources.TICKET_TYPES:
            raise _bad(_("ticketType 的取值无效：%(v)s") % {"v": name})
        kinds.append(resources.TICKET_TYPES[name])
    return queryset.filter(kind__in=kinds)


def _by_severity(queryset, value):
    if value not in ("Critical", "Major", "Minor", "Low"):
        raise _bad(_("severity 的取值无效：%(v)s") % {"v": value})
    return queryset.filter(urgent=value in ("Critical", "Major"))


def _by_party(queryset, value):
    return queryset.filter(
        Q(subscriber__number=value)
        | Q(holder_department__code=value)
        | Q(holder_group__code=value)
        | Q(holder_staff__job_number=value)
        | Q(created_by__job_number=value)
    )


FILTERS = {
    "status": _by_status,
    "ticketType": _by_type,
    "severity": _by_severity,
    "relatedParty.id": _by_party,
    **datetime_filters("creationDate", "accepted_at"),
    **datetime_filters("lastUpdate", "updated_at"),
    **datetime_filters("expectedResolutionDate", "order_due_at"),
}
LIST_PARAMETERS = [
    OpenApiParameter("fields", str, description="comma-separated attributes to return"),
    OpenApiParameter("offset", int),
    OpenApiParameter("limit", int),
    OpenApiParameter("status", str, description="one status or several separated by commas"),
    OpenApiParameter("ticketType", str),
    OpenApiParameter("severity", str),
    OpenApiParameter("relatedParty.id", str, description="subscriber number, holder code or job number"),
    *[OpenApiParameter(name, OpenApiTypes.DATETIME) for name in FILTERS if "Date" in name or "last" in name],
]
ERRORS = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description="TMF Error (also RFC 9457 problem)")
    for code in (400, 401, 403, 404, 405, 409)
}


def _visible(user):
    return scope.restrict(WorkOrder.objects.all(), user)


def _one(user, number) -> WorkOrder:
    order = resources.with_related(_visible(user)).filter(number=str(number)).first()
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


# --- create --------------------------------------------------------------------------------------


def _subscriber(user, body: dict):
    from kefu.customers.models import Subscriber

    for party in body.get("relatedParty") or []:
        if not isinstance(party, dict):
            raise _bad(_("relatedParty 格式错误"))
        if party.get("role") in ("customer", "subscriber") or party.get("@referredType") == "Subscriber":
            number = str(party.get("id") or "")
            found = scope.restrict(Subscriber.objects.all(), user).filter(number=number).first()
            if found is None:
                raise _bad(
                    _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number},
                    CustomerErrorCode.UNKNOWN_SUBSCRIBER,
                )
            return found
    return None


def _category(body: dict):
    for entity in body.get("relatedEntity") or []:
        if not isinstance(entity, dict):
            raise _bad(_("relatedEntity 格式错误"))
        if entity.get("role") == "requestCategory" or entity.get("@referredType") == "ServiceRequestCategory":
            key = str(entity.get("id") or "")
            nodes = CategoryNode.objects.select_related("version", "business", "parent")
            pk = lookup_id(key, name="relatedEntity.id")
            found = nodes.filter(pk=pk).first() if pk is not None else None
            found = found or nodes.filter(code=key, version__is_current=True).first()
            if found is None:
                raise _bad(_("服务请求分类 %(c)s 不存在") % {"c": key})
            return found
    return None


def _create_input(user, body) -> services.OrderInput:
    if not isinstance(body, dict):
        raise _bad(_("请求体必须是 TroubleTicket 对象"), ErrorCode.MALFORMED_BODY)
    missing = [name for name in MANDATORY if not str(body.get(name) or "").strip()]
    if missing:
        raise _bad(_("缺少必填属性：%(m)s") % {"m": ", ".join(missing)}, ErrorCode.VALIDATION_FAILED)
    kind = resources.TICKET_TYPES.get(str(body["ticketType"]))
    if kind is None:
        raise _bad(_("ticketType 的取值无效：%(v)s") % {"v": body["ticketType"]}, ErrorCode.VALIDATION_FAILED)
    return services.OrderInput(
        kind=kind,
        subscriber=_subscriber(user, body),
        category=_category(body),
        title=str(body.get("name") or "")[:120],
        description=str(body["description"]),
        urgent=str(body["severity"]) in ("Critical", "Major"),
        # a ticket that names no category (TMF621 knows none of kefu's tree) waits in triage
        triage=True,
    )


# --- patch ---------------------------------------------------------------------------------------


def _action_for(target: str, order: WorkOrder, body: dict) -> str | None:
    """The engine's action that moves ``order`` to the TMF status ``target`` now, if there is one."""
    state, paused = order.state, order.is_paused
    if target == "inProgress":
        if paused:
            return Action.RESUME
        if state == S.ACCEPTED:
            steps = flows.allowed_step_actions(order.flow.definition)
            return Action.DISPATCH if Action.DISPATCH in steps else Action.PROCESS
        return {
            S.DISPATCHED: Action.RECEIVE,
            S.RETURNED: Action.DISPATCH,
            S.REPLIED: Action.REPROCESS,
            S.FEEDBACK: Action.REPROCESS,
        }.get(state)
    if target == "pending":
        return None if paused else Action.PAUSE
    if target == "cancelled" or target == "rejected" and state == S.RETURNED:
        return Action.CANCEL
    return {"held": Action.RETURN, "resolved": Action.REPLY, "closed": Action.ARCHIVE}.get(target)


def _move(user, order: WorkOrder, target: str, body: dict) -> None:
    """Translate a change of TMF status into the engine's action for it, through the action table
    (the same input checks as the API and the desk); the transition table decides."""
    reason = str(body.get("statusChangeReason") or "")
    action = _action_for(target, order, body)
    if action is None:
        current = resources.status_of(order, list(order.events.all()))
        raise DomainError(
            _("不能把状态从 %(a)s 改为 %(b)s") % {"a": current, "b": target},
            code=WorkOrderErrorCode.INVALID_TRANSITION,
            status=409,
        )
    fields = {}
    if action == Action.ARCHIVE:
        if body.get("satisfaction") and order.state == S.REPLIED:
            ACTIONS[Action.FEEDBACK].perform(
                actor=user, order=order.number, data={"satisfaction": str(body["satisfaction"])}
            )
        fields = {
            "responsibility_cause": str(body.get("responsibilityCause") or ""),
            "responsible_department": str(body.get("responsibleDepartment") or ""),
        }
    order_action = ACTIONS[action]
    order_action.perform(actor=user, order=order.number, data=order_action.text_input(reason, **fields))


def _patch(user, order: WorkOrder, body) -> None:
    if not isinstance(body, dict):
        raise _bad(_("请求体必须是 JSON 合并补丁对象"), ErrorCode.MALFORMED_BODY)
    current = resources.render(order)
    refused = [k for k in body if k not in PATCHABLE and body[k] != current.get(k)]
    if refused:
        raise _bad(
            _("这些属性不能修改：%(k)s") % {"k": ", ".join(sorted(refused))}, ErrorCode.VALIDATION_FAILED
        )
    status = body.get("status")
    if status is not None and status not in resources.STATUSES:
        raise _bad(_("status 的取值无效：%(v)s") % {"v": status}, ErrorCode.VALIDATION_FAILED)
    notes = body.get("note")
    if notes is not None:
        if not isinstance(notes, list) or not all(isinstance(n, dict) for n in notes):
            raise _bad(_("note 必须是 Note 数组"), ErrorCode.VALIDATION_FAILED)
        known = {n["id"] for n in current.get("note", [])}
        for note in notes:
            if str(note.get("id") or "") not in known and str(note.get("text") or "").strip():
                ACTIONS[Action.COMMENT].perform(
                    actor=user, order=order.number, data={"comment": str(note["text"])}
                )
    # dispatched and processing are both inProgress: "inProgress" on a dispatched order receives it
    receive = status == "inProgress" and order.state == S.DISPATCHED and not order.is_paused
    if status is not None and (status != current["status"] or receive):
        order.refresh_from_db()
        _move(user, order, status, body)


# --- views ---------------------------------------------------------------------------------------


class TroubleTicketListView(TmfAPIView):
    """Work orders as TMF621 TroubleTickets (WO-1, WO-6)."""

    queryset = WorkOrder.objects.all()  # the model, for the scope walker and the schema
    lookup_field = "number"
    resource_id_key = "id"  # the resource's ``id`` is the lookup field (the scope walker reads it)

    @extend_schema(
        operation_id="listTroubleTicket",
        parameters=LIST_PARAMETERS,
        responses={200: schema.TroubleTicket(many=True), **ERRORS},
        tags=["tmf621"],
    )
    def get(self, request):
        queryset = resources.with_related(_visible(request.user).order_by("-id"))
        shown = Shown(resources.render)
        response = list_response(request, queryset, shown, filters=FILTERS)
        subject = request.query_params.get("relatedParty.id", "")
        audit_list(request, object_type="tmf621.troubleticket", subject=subject, shown=shown)  # SYS-2
        return response

    @extend_schema(
        operation_id="createTroubleTicket",
        request=schema.TroubleTicketCreate,
        parameters=[OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER)],
        responses={201: schema.TroubleTicket, **ERRORS},
        tags=["tmf621"],
    )
    def post(self, request):
        data = _create_input(request.user, request.data)
        result = services.order_accept(
            actor=request.user,
            data=data,
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
            request_fingerprint=services.fingerprint(request.data),
        )
        resource = resources.render(_one(request.user, result.order.number))
        return resource_response(request, resource, status=201 if result.created else 200)


class TroubleTicketDetailView(TmfAPIView):
    """One work order as a TMF621 TroubleTicket; PATCH moves it through the engine."""

    queryset = WorkOrder.objects.all()
    lookup_field = "number"
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="retrieveTroubleTicket",
        parameters=[OpenApiParameter("fields", str)],
        responses={200: schema.TroubleTicket, **ERRORS},
        tags=["tmf621"],
    )
    def get(self, request, id):
        order = _one(request.user, id)
        resource = resources.render(order)
        audit_one(request, object_type="tmf621.troubleticket", obj=order)  # SYS-2: it names the customer
        return resource_response(request, resource)

    @extend_schema(
        operation_id="patchTroubleTicket",
        request=schema.TroubleTicketUpdate,
        responses={200: schema.TroubleTicket, **ERRORS},
        tags=["tmf621"],
    )
    def patch(self, request, id):
        order = _one(request.user, id)
        with transaction.atomic():
            _patch(request.user, order, request.data)
        return resource_response(request, resources.render(_one(request.user, id)))


def _check_callback(value) -> str:
    text = str(value or "").strip()
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(text) > 500:
        raise _bad(_("callback 必须是 http(s) 地址"), ErrorCode.VALIDATION_FAILED)
    return text


def subscription(listener: TroubleTicketListener) -> dict:
    body = {"id": str(listener.pk), "callback": listener.callback}
    if listener.query:
        body["query"] = listener.query
    return body


class HubView(TmfAPIView):
    """``POST /hub``: register a listener for TroubleTicket events (TMF688 notification pattern)."""

    queryset = TroubleTicketListener.objects.all()

    @extend_schema(
        operation_id="registerListener",
        request=schema.EventSubscriptionInput,
        responses={201: schema.EventSubscription, **ERRORS},
        tags=["tmf621"],
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        callback = _check_callback(body.get("callback"))
        query = str(body.get("query") or "")[:500]
        listener = notifications.listener_register(actor=request.user, callback=callback, query=query)
        return Response(subscription(listener), status=201)


class HubDetailView(TmfAPIView):
    """``DELETE /hub/{id}``: unregister a listener (inside the user's scope)."""

    queryset = TroubleTicketListener.objects.all()
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    @extend_schema(operation_id="unregisterListener", responses={204: None, **ERRORS}, tags=["tmf621"])
    def delete(self, request, id):
        listener = None
        if (pk := lookup_id(id)) is not None:
            listener = scope.restrict(TroubleTicketListener.objects.all(), request.user).filter(pk=pk).first()
        if listener is None:
            raise NotFoundError(_("监听不存在或不在您的数据权限范围内"))
        notifications.listener_unregister(actor=request.user, listener=listener)
        return Response(status=204)
