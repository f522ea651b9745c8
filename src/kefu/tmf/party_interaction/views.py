"""TMF683 PartyInteraction: list, retrieve, create, merge-patch, over contact records, scope-limited
exactly like /api/v1/contacts (a contact outside the user's scope is a 404 for every method)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from kefu.contacts import services
from kefu.contacts.choices import ContactStatus
from kefu.contacts.models import ContactRecord
from kefu.core import scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.models import Staff
from kefu.core.numbers import as_id, lookup_id
from kefu.customers.models import Subscriber
from kefu.tmf.common import TmfAPIView, datetime_filters, list_response, resource_response
from kefu.tmf.party_interaction import inputs, resources, schema
from kefu.tmf.viewaudit import Shown, audit_list, audit_one


def _bad_value(name, value):
    return DomainError(
        _("%(name)s 的取值无效：%(value)s") % {"name": name, "value": value},
        code=ErrorCode.BAD_REQUEST,
        status=400,
    )


def _by_choice(parse, lookup, name):
    def apply(queryset, value):
        try:
            return queryset.filter(**{lookup: parse(value)})
        except ValueError:
            raise _bad_value(name, value)

    return apply


def _by_status(queryset, value):
    if value in resources.OPEN_STATUSES:
        return queryset.filter(status=ContactStatus.OPEN)
    if value == resources.CLOSED_STATUS:
        return queryset.filter(status=ContactStatus.CLOSED)
    raise _bad_value("status", value)


def _by_related_party(queryset, value):
    """A customer id, a line's number or an agent's job number. The ids behind a customer or an agent
    are looked up first, so the contact query is an OR of three indexed columns (no join in the OR,
    which would scan every contact of the scope)."""
    condition = Q(number=value)
    staff_ids = list(Staff.objects.filter(job_number=value).values_list("pk", flat=True))
    if staff_ids:
        condition |= Q(staff_id__in=staff_ids)
    if (customer_id := as_id(value)) is not None:
        line_ids = list(
            Subscriber.objects.filter(customer_id=customer_id).values_list("pk", flat=True)[:1000]
        )
        if line_ids:
            condition |= Q(subscriber_id__in=line_ids)
    return queryset.filter(condition)


FILTERS = {
    "direction": _by_choice(resources.direction_code, "direction", "direction"),
    "status": _by_status,
    "channel.id": _by_choice(resources.channel_code, "channel", "channel.id"),
    "channel.name": _by_choice(resources.channel_code, "channel", "channel.name"),
    "reason": _by_choice(resources.request_type_code, "request_type", "reason"),
    "relatedParty.id": _by_related_party,
    **datetime_filters("interactionDate.startDateTime", "started_at"),
    **datetime_filters("interactionDate.endDateTime", "ended_at"),
}

LIST_PARAMETERS = [
    OpenApiParameter("fields", str, description="comma-separated attributes to return"),
    OpenApiParameter("offset", int),
    OpenApiParameter("limit", int),
    OpenApiParameter("direction", str, description="inbound | outbound"),
    OpenApiParameter("status", str, description="opened | inProgress | completed"),
    OpenApiParameter("channel.id", str, description="channel code, e.g. hotline"),
    OpenApiParameter("channel.name", str, description="channel code or name"),
    OpenApiParameter("reason", str, description="request type code or name"),
    OpenApiParameter(
        "relatedParty.id", str, description="customer id, subscriber number or agent job number"
    ),
    *[
        OpenApiParameter(name, OpenApiTypes.DATETIME)
        for name in FILTERS
        if name.startswith("interactionDate.")
    ],
]
ERRORS = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description="TMF Error (also RFC 9457 problem)")
    for code in (400, 401, 403, 404, 405, 409)
}


def _visible(user):
    return scope.restrict(ContactRecord.objects.all(), user)


def _one(user, pk) -> ContactRecord:
    contact = None
    if (contact_id := lookup_id(pk)) is not None:
        contact = resources.with_related(_visible(user)).filter(pk=contact_id).first()
    if contact is None:
        raise NotFoundError(_("接触记录不存在或不在您的数据权限范围内"))
    return contact


class PartyInteractionListView(TmfAPIView):
    """Contact records as TMF683 PartyInteractions (CON-1..7)."""

    queryset = ContactRecord.objects.all()  # the model, for the scope walker and the schema

    @extend_schema(
        operation_id="listPartyInteraction",
        parameters=LIST_PARAMETERS,
        responses={200: schema.PartyInteraction(many=True), **ERRORS},
        tags=["tmf683"],
    )
    def get(self, request):
        queryset = resources.with_related(_visible(request.user).order_by("-started_at", "-id"))
        shown = Shown(resources.render)
        response = list_response(request, queryset, shown, filters=FILTERS)
        subject = request.query_params.get("relatedParty.id", "")
        audit_list(request, object_type="tmf683.partyinteraction", subject=subject, shown=shown)  # SYS-2
        return response

    @extend_schema(
        operation_id="createPartyInteraction",
        request=schema.PartyInteractionCreate,
        responses={201: schema.PartyInteraction, **ERRORS},
        tags=["tmf683"],
    )
    def post(self, request):
        data = inputs.create_input(request.data, user=request.user)
        contact = services.contact_create(actor=request.user, data=data)
        return resource_response(request, resources.render(_one(request.user, contact.pk)), status=201)


class PartyInteractionDetailView(TmfAPIView):
    """One contact record as a TMF683 PartyInteraction; PATCH corrects (CON-6) or closes it."""

    queryset = ContactRecord.objects.all()
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="retrievePartyInteraction",
        parameters=[OpenApiParameter("fields", str)],
        responses={200: schema.PartyInteraction, **ERRORS},
        tags=["tmf683"],
    )
    def get(self, request, id):
        contact = _one(request.user, id)
        resource = resources.render(contact)
        audit_one(request, object_type="tmf683.partyinteraction", obj=contact)  # SYS-2
        return resource_response(request, resource)

    @extend_schema(
        operation_id="patchPartyInteraction",
        request=schema.PartyInteractionUpdate,
        responses={200: schema.PartyInteraction, **ERRORS},
        tags=["tmf683"],
    )
    def patch(self, request, id):
        contact = _one(request.user, id)
        patch = inputs.patch_input(request.data, contact=contact)
        with transaction.atomic():
            if patch.changes:
                services.contact_correct(
                    actor=request.user, contact=contact, changes=patch.changes, reason=patch.reason
                )
            if patch.close:
                services.contact_close(actor=request.user, contact=contact, ended_at=patch.ended_at)
        return resource_response(request, resources.render(_one(request.user, id)))
