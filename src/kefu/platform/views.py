"""The platform node's pages: the requests it answered and its blacklists (read-only, administrators);
the second line's complaint desk (list, detail, receive, process, reply with the result, return with a
reason, comment, urge, query the hub — ORG-3, WO-4); and a small JSON API for the orders. The order page
and the API are every second line's (:mod:`kefu.crosslevel.pages`, :mod:`kefu.crosslevel.api.desk`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import serializers

from kefu.capability import definitions as defs
from kefu.core.choices import Role
from kefu.crosslevel.api.desk import desk_api
from kefu.crosslevel.pages import PAGE, desk_home, left_of, list_context, second_line_order_page
from kefu.crosslevel.serializers import OrderCopySerializer, int_or_none
from kefu.platform import complaints, selectors
from kefu.platform.models import BlacklistEntry, PlatformOrder, PlatformRequest


@login_required
def requests_page(request):
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    labels = {b.code: b.name for b in defs.BUSINESSES}
    queries = {(b.code, q.code): q.label for b in defs.BUSINESSES for q in b.queries}
    rows = [
        {
            "r": r,
            "business": labels.get(r.business, r.business),
            "query": queries.get((r.business, r.query), r.query),
        }
        for r in PlatformRequest.objects.all()[:100]
    ]
    blacklist = [
        {"e": e, "business": labels.get(e.business, e.business)}
        for e in BlacklistEntry.objects.order_by("-updated_at")[:50]
    ]
    return render(request, "platform/requests.html", {"rows": rows, "blacklist": blacklist})


# --- the complaint desk ----------------------------------------------------------------------------


def _desk(request) -> None:
    if request.user.role not in complaints.DESK_ROLES:
        raise PermissionDenied


@login_required
def home(request):
    """A platform's second line's home: its orders per state, the nearest deadlines in colour, the
    latest changed."""
    return desk_home(
        request, model=PlatformOrder, roles=complaints.DESK_ROLES, title=_("平台工作台"),
        list_url="platform:orders", order_url="platform:order", start="dispatched_at", due="due_at",
        party_title=_("业务"), party=lambda o: complaints.BUSINESSES.get(o.business, o.business_name or o.business),
    )  # fmt: skip


@login_required
def order_list(request):
    _desk(request)
    state, business = request.GET.get("state", ""), request.GET.get("business", "")
    number = request.GET.get("number", "").strip().upper()
    orders = selectors.order_list(
        user=request.user, state=state, business=business, number=number,
        before=int_or_none(request.GET.get("before")), limit=PAGE,
    )  # fmt: skip
    for order in orders:
        order.left = left_of(order, start=order.dispatched_at, due=order.due_at)
    return render(request, "platform/orders.html", list_context(orders, state=state) | {
        "counts": selectors.counts(user=request.user), "business": business, "number": number,
        "businesses": list(complaints.BUSINESSES.items()), "businesses_map": complaints.BUSINESSES,
    })  # fmt: skip


@login_required
def order_detail(request, number):
    return second_line_order_page(
        request, number, desk=complaints.DESK, template="platform/order.html", url_name="platform:order",
        extra=lambda order: {
            "business_label": complaints.BUSINESSES.get(order.business, order.business_name or order.business),
            "left": left_of(order, start=order.dispatched_at, due=order.due_at),
        },
    )  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class PlatformOrderSerializer(OrderCopySerializer):
    business = serializers.CharField()
    title = serializers.CharField()
    handler = serializers.CharField()
    return_reason = serializers.CharField()
    satisfaction = serializers.CharField()


ORDERS_API = desk_api(
    desk=complaints.DESK, serializer=PlatformOrderSerializer, tag="platform", order_list=selectors.order_list,
    filters=("state", "business"),
)  # fmt: skip
