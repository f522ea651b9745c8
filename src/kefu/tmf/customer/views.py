"""TMF629 Customer: read and list only, scope-limited (SYS-1); every other method is a 405 in TMF's
Error shape."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from kefu.core import scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.numbers import as_id, lookup_id
from kefu.customers.choices import CustomerType, SubscriberStatus
from kefu.customers.models import Customer, Subscriber
from kefu.tmf.common import TmfAPIView, datetime_filters, list_response, resource_response
from kefu.tmf.customer import resources, schema
from kefu.tmf.viewaudit import Shown, audit_list, audit_one


def _bad_value(name, value):
    return DomainError(
        _("%(name)s 的取值无效：%(value)s") % {"name": name, "value": value},
        code=ErrorCode.BAD_REQUEST,
        status=400,
    )


def _by_status(queryset, value):
    active = Exists(Subscriber.objects.filter(customer=OuterRef("pk"), status=SubscriberStatus.ACTIVE))
    if value == resources.ACTIVE:
        return queryset.filter(active)
    if value == resources.INACTIVE:
        return queryset.filter(~active)
    raise _bad_value("status", value)


def _by_party_type(queryset, value):
    kinds = {"Individual": CustomerType.INDIVIDUAL, "Organization": CustomerType.ENTERPRISE}
    if value not in kinds:
        raise _bad_value("engagedParty.@referredType", value)
    return queryset.filter(customer_type=kinds[value])


def _by_id(name):
    def apply(queryset, value):
        pk = as_id(value)
        if pk is None:
            raise _bad_value(name, value)
        return queryset.filter(pk=pk)

    return apply


def _by_phone(queryset, value):
    return queryset.filter(pk__in=Subscriber.objects.filter(number=value).values("customer_id"))


FILTERS = {
    "name": lambda queryset, value: queryset.filter(name=value),
    "status": _by_status,
    "engagedParty.id": _by_id("engagedParty.id"),
    "engagedParty.@referredType": _by_party_type,
    "characteristic.level": lambda queryset, value: queryset.filter(level=value),
    "characteristic.customerType": lambda queryset, value: queryset.filter(customer_type=value),
    "contactMedium.characteristic.phoneNumber": _by_phone,
    **datetime_filters("validFor.startDateTime", "created_at"),
}
LIST_PARAMETERS = [
    OpenApiParameter("fields", str, description="comma-separated attributes to return"),
    OpenApiParameter("offset", int),
    OpenApiParameter("limit", int),
    OpenApiParameter("name", str),
    OpenApiParameter("status", str, description="active | inactive"),
    OpenApiParameter("engagedParty.id", str),
    OpenApiParameter("engagedParty.@referredType", str, description="Individual | Organization"),
    OpenApiParameter("characteristic.level", str, description="ordinary, silver, gold, diamond, supreme"),
    OpenApiParameter("characteristic.customerType", str, description="individual | enterprise"),
    OpenApiParameter("contactMedium.characteristic.phoneNumber", str, description="a line's number"),
    *[OpenApiParameter(n, OpenApiTypes.DATETIME) for n in FILTERS if n.startswith("validFor.")],
]
ERRORS = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description="TMF Error (also RFC 9457 problem)")
    for code in (400, 401, 403, 404, 405)
}


def _visible(user):
    return scope.restrict(Customer.objects.all(), user)


class CustomerListView(TmfAPIView):
    """Customers within the user's data scope as TMF629 Customers (VIEW-5)."""

    queryset = Customer.objects.all()  # the model, for the scope walker and the schema

    @extend_schema(
        operation_id="listCustomer",
        parameters=LIST_PARAMETERS,
        responses={200: schema.Customer(many=True), **ERRORS},
        tags=["tmf629"],
    )
    def get(self, request):
        queryset = resources.with_related(_visible(request.user).order_by("id"))
        shown = Shown(resources.render)
        response = list_response(request, queryset, shown, filters=FILTERS, mandatory=resources.MANDATORY)
        subject = request.query_params.get(
            "contactMedium.characteristic.phoneNumber"
        ) or request.query_params.get("engagedParty.id", "")
        audit_list(request, object_type="tmf629.customer", subject=subject, shown=shown)  # SYS-2
        return response


class CustomerDetailView(TmfAPIView):
    """One customer as a TMF629 Customer."""

    queryset = Customer.objects.all()
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="retrieveCustomer",
        parameters=[OpenApiParameter("fields", str)],
        responses={200: schema.Customer, **ERRORS},
        tags=["tmf629"],
    )
    def get(self, request, id):
        customer = None
        if (pk := lookup_id(id)) is not None:
            customer = resources.with_related(_visible(request.user)).filter(pk=pk).first()
        if customer is None:
            raise NotFoundError(_("客户不存在或不在您的数据权限范围内"))
        resource = resources.render(customer)
        audit_one(request, object_type="tmf629.customer", obj=customer)  # SYS-2
        return resource_response(request, resource, mandatory=resources.MANDATORY)
