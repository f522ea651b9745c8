"""What the pages of the cross-level flow share — the province's panel, the hub operator's desk and the
second lines' desks (SIMS's SP desk, a platform's complaint desk): a form posts one action, the page
flashes its outcome and redirects (post/redirect/get); a desk's list pages by keyset; a second line's
order page (:func:`second_line_order_page`) is the same page on SIMS and a platform but for its
template and a few facts."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import copies, labels, selectors
from kefu.crosslevel.desk import SecondLineDesk
from kefu.federation.errors import PeerError
from kefu.workorders.choices import WorkOrderState


def act_and_redirect(
    request, act: Callable[[], object], to: str, *, done: Callable[[object], str] | str, **kwargs
) -> HttpResponse:
    """Run ``act`` (a service call); flash what was done (``done``: a message, or a function of what
    ``act`` returned — what was sent to whom) or the refusal's message; redirect to the URL named ``to``
    with ``kwargs``."""
    try:
        result = act()
        messages.success(request, done(result) if callable(done) else done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(to, **kwargs)


def sent_message(action: str, *, number: str, to: str) -> str:
    """The confirmation of an action sent on to another node: "回复已发送至一级客服枢纽 HUB（工单 …）"."""
    return _("%(action)s已发送至%(to)s（工单 %(number)s）") % {
        "action": labels.action_label(action), "to": labels.node_label(to), "number": number,
    }  # fmt: skip


PAGE = 100  # orders per page of a desk's list


def left_of(order, *, start, due, states=None):
    """The time left of ``order`` (:func:`kefu.crosslevel.labels.time_left`) while it is still open
    (or in one of ``states``); None once it is closed or without a deadline."""
    still = order.state in states if states is not None else order.state not in WorkOrderState.TERMINAL
    return labels.time_left(start, due) if still else None


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
        action = request.POST.get("action", "")
        return act_and_redirect(request, lambda: act(
            actor=request.user, number=order.number, action=action, comment=request.POST.get("comment", ""),
        ), url_name, done=sent_message(action, number=order.number, to=order.hub),
            number=order.number)  # fmt: skip
    hub_state = hub_error = None
    if request.GET.get("query"):
        try:
            hub_state = selectors.hub_answer_for(desk.query_hub(order), user=request.user)
        except PeerError as exc:
            hub_error = exc.message
    events = selectors.copy_events(order, user=request.user)
    return render(request, template, {
        "order": order, "events": events, "actions": desk.allowed(order),
        "return_reason": selectors.return_reason_shown(order, events),
        "hub_state": hub_state, "hub_error": hub_error,
    } | (extra(order) if extra else {}))  # fmt: skip


def desk_home(
    request,
    *,
    model,
    roles,
    title: str,
    list_url: str,
    order_url: str,
    start: str,
    due: str,
    party: Callable[[object], str],
    party_title: str,
    states=None,
) -> HttpResponse:
    """The home of a hub operator, an SP's staff or a platform's second line (VIEW-6): their orders
    counted per state (each a link to the list), the open ones with a deadline — nearest first, their
    time left in colour (:func:`kefu.crosslevel.labels.time_left`) — and the latest changed. ``start``
    and ``due`` name the copy's fields the limit runs between; ``states`` those where it runs (every
    open state unless given); ``party(order)`` the column ``party_title`` (who handles it, the SP, the
    business). 403 for a user outside ``roles``."""
    if request.user.role not in roles:
        raise PermissionDenied
    states = states if states is not None else WorkOrderState.OPEN
    counts = selectors.copy_counts(model, user=request.user)
    due_rows = selectors.copies_due(model, user=request.user, due=due, states=states)
    recent = selectors.copies_recent(model, user=request.user)
    for order in [*due_rows, *recent]:
        order.left = left_of(order, start=getattr(order, start), due=getattr(order, due), states=states)
        order.party = party(order)
    return render(request, "crosslevel/home.html", {
        "title": title, "list_url": list_url, "order_url": order_url, "party_title": party_title,
        "counts": [(value, label, counts.get(value, 0)) for value, label in WorkOrderState.CHOICES
                   if value in copies.COPY_STATES and value != WorkOrderState.TRIAGE],
        "total": sum(counts.values()), "due_rows": due_rows, "recent": recent,
    })  # fmt: skip


# Who may open a node's status page (peers, messages received, dead letters) on each role.
NODE_STATUS_ROLES = {
    "hub": {Role.HUB_OPERATOR, Role.ADMINISTRATOR},
    "sims": {Role.ADMINISTRATOR},
    "platform": {Role.ADMINISTRATOR},
}


@login_required
def node_status(request) -> HttpResponse:
    """A hub, SIMS or platform node's federation as it sees it: its peers, the messages it received (by
    their labels), its dead letters; on the hub also the orders messages came about and the SP quality
    files."""
    role = settings.KEFU_ROLE
    if request.user.role not in NODE_STATUS_ROLES.get(role, set()):
        raise PermissionDenied
    from kefu.federation import selectors as federation

    return render(request, "crosslevel/node.html", {
        "role": role, "peers": federation.peer_status(), "inbox": federation.inbox_recent(limit=50),
        "dead": federation.outbox_recent(limit=20, dead=True), "orders": federation.inbox_orders(limit=50),
    })  # fmt: skip
