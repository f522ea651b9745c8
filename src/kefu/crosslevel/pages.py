"""What the pages of the cross-level flow share — the province's panel, the hub operator's desk and the
second lines' desks (SIMS's SP desk, a platform's complaint desk): a form posts one action, the page
flashes its outcome and redirects (post/redirect/get); a desk's list pages by keyset; a second line's
order page (:func:`second_line_order_page`) is the same page on SIMS and a platform but for its
template and a few facts."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel.desk import SecondLineDesk
from kefu.federation.errors import PeerError
from kefu.workorders.choices import WorkOrderState


def act_and_redirect(request, act: Callable[[], object], to: str, **kwargs) -> HttpResponse:
    """Run ``act`` (a service call); flash "OK" or the refusal's message; redirect to the URL named
    ``to`` with ``kwargs``."""
    try:
        act()
        messages.success(request, "OK")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(to, **kwargs)


PAGE = 100  # orders per page of a desk's list


def list_context(orders: list, *, state: str) -> dict:
    """The context of a desk's order list: one page of ``orders`` (newest first), the state filter and
    where the next page starts (keyset on id)."""
    return {
        "orders": orders, "state": state, "states": WorkOrderState.CHOICES,
        "next_before": orders[-1].pk if len(orders) == PAGE else None,
    }  # fmt: skip


def second_line_order_page(
    request,
    number: str,
    *,
    desk: SecondLineDesk,
    template: str,
    url_name: str,
    act: Callable[..., object] | None = None,
    extra: Callable[[object], dict] | None = None,
) -> HttpResponse:
    """A second line's order page: the copy with its events and the actions its state allows; a POST
    takes one action (``act``, the desk's own unless the app adds to it) and redirects to ``url_name``;
    ``?query=1`` asks the hub for its state (a failure is shown, not raised). ``extra(order)`` adds the
    app's own facts to the context. 403 for a user who does not work the desk, 404 outside their scope."""
    if not desk.may_work(request.user):
        raise PermissionDenied
    act = act or desk.act
    try:
        order = desk.order_for(actor=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        return act_and_redirect(request, lambda: act(
            actor=request.user, number=order.number, action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        ), url_name, number=order.number)  # fmt: skip
    hub_state = hub_error = None
    if request.GET.get("query"):
        try:
            hub_state = desk.query_hub(order)
        except PeerError as exc:
            hub_error = exc.message
    return render(request, template, {
        "order": order, "events": order.events.order_by("seq"), "actions": desk.allowed(order),
        "hub_state": hub_state, "hub_error": hub_error,
    } | (extra(order) if extra else {}))  # fmt: skip
