"""The SP desk on SIMS (SP-1, SP-3, WO-4): SP complaint orders (list, detail, receive, process, reply,
return with a reason, comment, urge, query the hub), points history with the monthly statement, and the
SP duty profile with its contact history; plus a small JSON API for the orders. The order page and the
API are every second line's (:mod:`kefu.crosslevel.pages`, :mod:`kefu.crosslevel.api.desk`)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from kefu.crosslevel.api.desk import desk_api
from kefu.crosslevel.pages import (
    PAGE,
    act_and_redirect,
    desk_home,
    left_of,
    list_context,
    second_line_order_page,
)
from kefu.crosslevel.selectors import copy_counts
from kefu.crosslevel.serializers import OrderCopySerializer, int_or_none
from kefu.sims import selectors, services
from kefu.sims.models import AWAITING_REPLY, PointEvent, SpOrder, SpPointRule


def _desk(request) -> None:
    if request.user.role not in services.DESK_ROLES:
        raise PermissionDenied


@login_required
def home(request):
    """An SP's home: its orders per state, the replies due soonest in colour, the latest changed."""
    names: dict[str, str] = {}

    def sp(order) -> str:
        if order.sp_code not in names:
            names.update(selectors.sp_names([order.sp_code]))
        return names.get(order.sp_code) or order.sp_code

    return desk_home(
        request, model=SpOrder, roles=services.DESK_ROLES, title=_("SIMS工作台"), list_url="sims:orders",
        order_url="sims:order", start="dispatched_at", due="reply_due_at", states=AWAITING_REPLY,
        party_title=_("SP"), party=sp,
    )  # fmt: skip


@login_required
def order_list(request):
    _desk(request)
    state = request.GET.get("state", "")
    number = request.GET.get("number", "").strip().upper()
    orders = selectors.order_list(
        user=request.user,
        state=state,
        number=number,
        before=int_or_none(request.GET.get("before")),
        limit=PAGE,
    )
    for order in orders:
        order.left = left_of(order, start=order.dispatched_at, due=order.reply_due_at, states=AWAITING_REPLY)
    return render(request, "sims/orders.html", list_context(orders, state=state) | {
        "number": number, "counts": copy_counts(SpOrder, user=request.user),
        "sp_names": selectors.sp_names({o.sp_code for o in orders}),
    })  # fmt: skip


@login_required
def order_detail(request, number):
    return second_line_order_page(
        request, number, desk=services.DESK, act=services.order_act, template="sims/order.html",
        url_name="sims:order", extra=lambda order: {
            "sp_name": selectors.sp_names([order.sp_code]).get(order.sp_code, ""),
            "sp_names": selectors.sp_names([order.sp_code]),
            "left": left_of(order, start=order.dispatched_at, due=order.reply_due_at, states=AWAITING_REPLY),
        },
    )  # fmt: skip


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
def points(request):
    """SP points: rules, the monthly statement of each SP in scope, and the deduction history."""
    _desk(request)
    month = _month(request.GET.get("month"))
    sps = list(selectors.sp_list(user=request.user))
    return render(request, "sims/points.html", {
        "month": month, "rules": SpPointRule.objects.all(), "events": PointEvent.CHOICES,
        "statements": [services.statement(sp=sp, month=month) for sp in sps[:200]],
        "history": selectors.points_history(user=request.user, sp_code=request.GET.get("sp", "")),
    })  # fmt: skip


@login_required
def profiles(request):
    _desk(request)
    return render(request, "sims/profiles.html", {"sps": selectors.sp_list(user=request.user)[:500]})


@login_required
def profile(request, code):
    """SP-3 duty profile: hotline (fixed line, 7x24), service mobile, contact; the change history."""
    _desk(request)
    sp = selectors.sp_list(user=request.user).filter(code=code).first()
    if sp is None:
        raise Http404
    if request.method == "POST":
        return act_and_redirect(request, lambda: services.sp_profile_update(actor=request.user, code=sp.code, **{
            field: request.POST.get(field, getattr(sp, field))
            for field in ("hotline", "service_mobile", "contact_name", "contact_phone")
        }), "sims:profile", code=sp.code, done=_("SP %(name)s 的服务信息已保存") % {"name": sp.name})  # fmt: skip
    return render(request, "sims/profile.html", {
        "sp": sp, "history": selectors.contact_history(user=request.user, sp=sp),
        "under_contract": sp.under_contract(timezone.localdate()),
    })  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class SpOrderSerializer(OrderCopySerializer):
    title = serializers.CharField()
    return_reason = serializers.CharField()
    satisfaction = serializers.CharField()


ORDERS_API = desk_api(
    desk=services.DESK, serializer=SpOrderSerializer, tag="sims", order_list=selectors.order_list,
    act=services.order_act,
)  # fmt: skip
