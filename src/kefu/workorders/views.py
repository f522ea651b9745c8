"""The desk's work-order pages (WO-1, WO-2, WO-4..7, WO-10, SR-4): queues with filters and keyset
pages, the order with its timeline, deadlines, attachments and one button per action the table
allows now, the new-order form, supervisors' bulk actions.

Views parse, call a service or a selector, and render; a refused action comes back as a message.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.catalog.models import CategoryNode
from kefu.catalog.selectors import request_type_tree, responsibility_causes, responsible_departments
from kefu.core import scope
from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError
from kefu.core.numbers import is_digits
from kefu.telephony.api.headers import call_contact_of
from kefu.workorders import attachments, classify, flows, pickers, queues, selectors, services, transitions
from kefu.workorders.actions import ACTIONS, OrderAction
from kefu.workorders.choices import (
    Action,
    Approval,
    CoordinationKind,
    SystemEvent,
    WorkOrderKind,
    WorkOrderState,
)
from kefu.workorders.forms import (
    CONTACT_METHODS,
    INFO_TOPICS,
    INSTALL_OUTCOMES,
    LINE_ACTIONS,
    REPAIR_STATUSES,
    SATISFACTION,
    FilterForm,
    OrderForm,
)
from kefu.workorders.models import CoordinationDetail

PAGE_SIZE = 30
SUPERVISORS = (Role.SUPERVISOR,)
BULK_ACTIONS = (Action.URGE, Action.DISPATCH, Action.QUERY)
# actions whose form asks for a required text (a result, a comment or a reason), and those taking files
REASON_ACTIONS = tuple(name for name, row in ACTIONS.items() if row.text_required)
FILE_ACTIONS = tuple(name for name, row in ACTIONS.items() if row.files)


def _order_or_404(user, number: str):
    try:
        return selectors.order_detail(user=user, number=number)
    except NotFoundError:
        raise Http404(_("工单不存在或不在您的数据权限范围内")) from None


# --- queues ------------------------------------------------------------------------------------------


@login_required
def queue(request):
    """Back-office queues per group or holder (WO-2, WO-6): filters, newest first, "下一页" by keyset."""
    user = request.user
    tabs = queues.queues_for(user)
    current = request.GET.get("queue") or queues.default_queue(user)
    if current not in {t.key for t in tabs}:
        current = queues.default_queue(user)
    form = FilterForm(request.GET)
    filters = form.filters()
    listed = {k: v for k, v in filters.items() if k not in queues.QUEUE_FILTERS}  # the API's filters
    try:
        # names typed instead of codes (南京 for 3201) become codes, or are refused with the candidates
        resolved = pickers.resolve_filters(filters, user=user)
        listed = {k: v for k, v in resolved.items() if k not in queues.QUEUE_FILTERS}
        queryset = queues.queue_orders(user=user, queue=current, filters=resolved)
        after = request.GET.get("after", "")
        if after:
            queryset = queues.after_cursor(queryset, current, after)
        rows = list(queryset[: PAGE_SIZE + 1])
    except DomainError as exc:
        messages.error(request, exc.message)
        rows, after = [], ""
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    params = {"queue": current, **{k: str(v) for k, v in filters.items()}}
    next_url = f"?{urlencode(params | {'after': queues.queue_cursor(rows[-1], current)})}" if more else ""
    export = reverse("api:work-order-oa-export") + "?" + urlencode({**listed, "format": "csv"})
    now = timezone.now()
    return render(
        request,
        "workorders/queue.html",
        {
            "tabs": tabs,
            "current": current,
            "form": form,
            "rows": [(o, _late(o, now)) for o in rows],
            "next_url": next_url,
            "first_url": f"?{urlencode(params)}",
            "first_page": not after,
            "params": params,
            "export_url": export,
            "may_bulk": user.role in SUPERVISORS,
            "bulk_actions": [(a, Action.label(a)) for a in BULK_ACTIONS],
            # city handlers accept information sync orders (WO-9)
            "may_create": user.role
            in transitions.TRANSITIONS[(transitions.NEW, Action.ACCEPT)].roles + transitions.CITY,
        },
    )


def _late(order, now) -> bool:
    return order.is_open and (
        order.is_overdue
        or (order.order_due_at is not None and order.order_due_at < now and not order.is_paused)
    )


@login_required
@require_POST
def bulk(request):
    """Supervisors' bulk actions (urge, dispatch, query) on the chosen orders, one by one: each order
    succeeds or is refused on its own, and the page says which."""
    back = request.POST.get("next") or reverse("workorders:queue")
    if not back.startswith("/"):
        back = reverse("workorders:queue")
    if request.user.role not in SUPERVISORS:
        messages.error(request, _("只有班长可以批量操作"))
        return redirect(back)
    action = request.POST.get("action", "")
    numbers = [n for n in request.POST.getlist("numbers") if n][:200]
    comment = request.POST.get("comment", "").strip()
    if action not in BULK_ACTIONS or not numbers:
        messages.error(request, _("请选择工单和批量操作"))
        return redirect(back)
    order_action = ACTIONS[action]
    to = request.POST.get("to", "").strip()
    if to and action == Action.DISPATCH:
        try:  # a target typed by name is resolved once, not refused once per order
            to = pickers.resolve("holders", to, user=request.user)
        except DomainError as exc:
            _refused(request, exc)
            return redirect(back)
    done, refused = 0, []
    for number in numbers:
        try:
            order_action.perform(
                actor=request.user,
                order=number,
                data=order_action.text_input(comment, to=to),
            )
            done += 1
        except DomainError as exc:
            refused.append((number, exc))
    if done:
        messages.success(
            request,
            _("已%(a)s %(n)d 张工单") % {"a": order_action.label, "n": done},
        )
    for number, exc in refused:
        _refused(request, exc, prefix=f"{number}: ")
    return redirect(back)


# --- one order ---------------------------------------------------------------------------------------


@login_required
def detail(request, order_number: str):
    """The order: facts, deadlines (overdue marked), urges and escalation, timeline, attachments,
    and a form per action the transition table lets this user take now (WO-4, WO-5, WO-6)."""
    order = _order_or_404(request.user, order_number)
    events = list(order.events.all())
    names = queues.holder_names({r for e in events for r in (e.holder_before, e.holder_after) if r})
    for event in events:
        event.state_label = WorkOrderState.label(event.state_after)
        event.holder_before_label = names.get(event.holder_before, event.holder_before)
        event.holder_after_label = names.get(event.holder_after, event.holder_after)
    files = [a for e in events for a in e.attachments.all()]
    actions = selectors.available_actions(order, request.user)
    now = timezone.now()
    default_spec = flows.dispatch_holder(order.flow.definition)
    default_target = ""
    if default_spec:
        try:
            target = services.holder_from_spec(default_spec, order=order)
            default_target = target.ref if target else ""
        except DomainError:
            default_target = ""
    user = request.user
    coordination = (
        CoordinationDetail.objects.select_related("decided_by").filter(order=order).first()
        if order.flow.code in CoordinationKind
        else None
    )
    context = {
        "order": order,
        "coordination": coordination,
        "install_outcomes": INSTALL_OUTCOMES,
        # WO-9: the holder acknowledges an urge; a supervisor decides a replied billing adjustment
        "may_ack": order.is_open
        and order.urge_pending
        and user.role in ACTIONS[SystemEvent.URGE_ACK].roles
        and (user.role == Role.SUPERVISOR or order.is_held_by(user)),
        "may_approve": coordination is not None
        and coordination.approval == Approval.PENDING
        and order.state == WorkOrderState.REPLIED
        and user.role in ACTIONS[SystemEvent.APPROVAL].roles,
        "events": list(reversed(events)),
        "files": files,
        "actions": actions,
        "now": now,
        "late": _late(order, now),
        "step_late": order.is_open and order.step_due_at is not None and order.step_due_at < now,
        "urges": [e for e in events if e.action == Action.URGE],
        "escalations": [e for e in events if e.action == SystemEvent.ESCALATE],
        "targets": queues.dispatch_targets(order) if Action.DISPATCH in actions else [],
        "default_target": default_target,
        "reason_actions": REASON_ACTIONS,
        "file_actions": FILE_ACTIONS,
        "attachment_limit": attachments.max_size_text(),
        "attachment_max_bytes": attachments.max_bytes(),
        "refill": _refill(request, order.number),
        "satisfaction": SATISFACTION,
        "contact_methods": CONTACT_METHODS,
        "repair_statuses": REPAIR_STATUSES,
        "is_fault": order.kind == WorkOrderKind.FAULT_REPORT,
        "causes": responsibility_causes(active_only=True).filter(parent__isnull=False)
        if Action.ARCHIVE in actions
        else [],
        "departments": responsible_departments().filter(active=True) if Action.ARCHIVE in actions else [],
        "needs_archive_data": order.kind == WorkOrderKind.COMPLAINT,
        # triage: the category picker and the model's suggestions, shown, never applied (SR-3)
        "category_groups": category_groups(order.kind) if Action.CATEGORISE in actions else [],
        "request_type": WorkOrderKind.REQUEST_TYPE.get(order.kind, "")
        if Action.CATEGORISE in actions
        else "",
        "suggestions": classify.suggest(f"{order.title} {order.description}", kind=order.kind)
        if Action.CATEGORISE in actions
        else [],
        "may_oa": user.role in ACTIONS[SystemEvent.OA_LINK].roles,
        "oa_export": reverse("api:work-order-oa-export")
        + "?"
        + urlencode({"subscriber": order.subscriber.number, "format": "csv"})
        if order.subscriber_id
        else "",
    }
    return render(request, "workorders/detail.html", context)


def _form_input(order_action: OrderAction, post, files) -> QueryDict:
    """The action's input from the order page's form: its one text box is named ``comment`` and
    fills whichever field the action takes its text in (``reason`` for a return, …)."""
    data = post.copy()
    if order_action.text != "comment":
        data[order_action.text] = post.get("comment", "")
    data.setlist("files", list(files))
    return data


REFILL_KEY = "workorders.refill"


def _refill(request, order_number: str) -> dict:
    """What the user typed into an action the engine refused, once, for this order's page."""
    refill = request.session.pop(REFILL_KEY, None)
    return refill if refill and refill.get("order") == order_number else {}


def _refused(request, exc: DomainError, prefix: str = "") -> None:
    """A refusal as a message; its stable code rides along as the message's extra tag."""
    messages.error(request, f"{prefix}{exc.message}", extra_tags=str(exc.code))


@login_required
@require_POST
def act(request, order_number: str):
    """Perform one action (the POST's ``action``) through the action table, as the API does."""
    order = _order_or_404(request.user, order_number)
    order_action = ACTIONS.get(request.POST.get("action", ""))
    url = reverse("workorders:detail", args=[order.number])
    if order_action is None:
        messages.error(request, _("未知的操作"))
        return redirect(url)
    files = request.FILES.getlist("files")
    try:
        order_action.perform(
            actor=request.user,
            order=order.number,
            data=_form_input(order_action, request.POST, files),
            files=files,
        )
    except DomainError as exc:
        _refused(request, exc)
        # the page comes back with what was typed (a refused attachment must not cost the comment)
        request.session[REFILL_KEY] = {
            "order": order.number,
            "action": order_action.name,
            "comment": request.POST.get("comment", "")[:4000],
        }
        return redirect(url)
    messages.success(request, _("%(a)s成功") % {"a": order_action.label})
    return redirect(url)


@login_required
def attachment(request, attachment_id: int):
    """Download one attachment (scope-checked and audited by the engine)."""
    try:
        found = attachments.attachment_for_download(user=request.user, attachment_id=attachment_id)
    except NotFoundError:
        raise Http404(_("附件不存在")) from None
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )


# --- new order ---------------------------------------------------------------------------------------


def category_groups(kind: str) -> list[dict]:
    """The request-category picker of a kind: business → problem → detail (SR-3), as option groups."""
    request_type = WorkOrderKind.REQUEST_TYPE.get(kind)
    if not request_type:
        return []
    groups = []
    for business in request_type_tree(request_type):
        options = []
        for problem in business["children"]:
            for leaf in problem["children"] or [problem]:
                name = problem["name"] if leaf is problem else f"{problem['name']} › {leaf['name']}"
                options.append({"id": leaf["id"], "name": name})
        if options:
            groups.append({"name": business["name"], "options": options})
    return groups


@login_required
def categories(request):
    """The category options of a kind (htmx swaps them into the new-order form)."""
    return render(
        request,
        "workorders/_category_options.html",
        {
            "groups": category_groups(request.GET.get("kind", "")),
            "selected": None,
            "request_type": WorkOrderKind.REQUEST_TYPE.get(request.GET.get("kind", ""), ""),
        },
    )


def _origin(request):
    """The contact and service request an order comes from (?contact=&service_request=), in scope."""
    from kefu.contacts.models import ContactRecord

    contact = service_request = None
    contact_id = request.GET.get("contact") or request.POST.get("contact")
    if contact_id and is_digits(str(contact_id)):
        contact = (
            scope.restrict(ContactRecord.objects.select_related("subscriber"), request.user)
            .filter(pk=int(contact_id))
            .first()
        )
    request_id = request.GET.get("service_request") or request.POST.get("service_request")
    if contact is not None and request_id and is_digits(str(request_id)):
        service_request = contact.requests.select_related("category").filter(pk=int(request_id)).first()
    return contact, service_request


def _subscriber(user, number: str):
    from kefu.customers.models import Subscriber

    if not number:
        return None
    return (
        scope.restrict(Subscriber.objects.select_related("customer", "home_city"), user)
        .filter(number=number)
        .first()
    )


@login_required
def new(request):
    """Accept a new order (WO-1) from a subscriber number or a contact's service request: kind, the
    category picker, description; the customer level comes from the subscriber (TIER-1)."""
    contact, service_request = _origin(request)
    source = request.POST if request.method == "POST" else request.GET
    number = source.get("number", "").strip() or (contact.number if contact else "")
    kind = source.get("kind", "") or (service_request.request_type if service_request else "")
    if kind not in WorkOrderKind:
        kind = WorkOrderKind.COMPLAINT
    subscriber = _subscriber(request.user, number)
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            created = _accept(request, form.cleaned_data, subscriber, service_request)
            if created is not None:
                return redirect("workorders:detail", created.number)
    else:
        form = OrderForm(
            initial={
                "number": number,
                "kind": kind,
                "description": service_request.description if service_request else "",
                "contact": contact.pk if contact else None,
                "service_request": service_request.pk if service_request else None,
                "idempotency_key": uuid.uuid4().hex,
            }
        )
    selected = source.get("category") or (service_request.category_id if service_request else None)
    return render(
        request,
        "workorders/new.html",
        {
            "form": form,
            "kind": kind,
            "number": number,
            "subscriber": subscriber,
            "number_unknown": bool(number) and subscriber is None,
            "contact": contact,
            "service_request": service_request,
            "groups": category_groups(kind),
            "request_type": WorkOrderKind.REQUEST_TYPE.get(kind, ""),
            "selected": int(selected) if is_digits(str(selected or "")) else None,
            "flows": selectors.flow_list().order_by("kind", "code"),
            "flow": source.get("flow", ""),
            # after a refusal the coordination inputs come back as they were typed
            "refill": _coordination_refill(request.POST) if request.method == "POST" else {},
            "line_actions": LINE_ACTIONS,
            "info_topics": INFO_TOPICS,
        },
    )


def _coordination_refill(post) -> dict[str, dict[str, str]]:
    """WO-9: every coordination flow's ``<flow>-<field>`` inputs of a posted form, by flow and field,
    to put back into the form the page shows again after a refusal."""
    refill: dict[str, dict[str, str]] = {kind: {} for kind in CoordinationKind.values()}
    for key, value in post.items():
        kind, dash, field = key.partition("-")
        if dash and kind in refill:
            refill[kind][field] = value
    return refill


def _coordination_input(post, flow: str) -> dict | None:
    """WO-9: the chosen coordination flow's data from the form's ``<flow>-<field>`` inputs (blank
    ones left out, so the service names what is missing)."""
    if flow not in CoordinationKind:
        return None
    prefix = f"{flow}-"
    fields = {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix) and v.strip()}
    return {flow: fields}


def _accept(request, data: dict, subscriber, service_request):
    if data["number"] and subscriber is None:
        messages.error(request, _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": data["number"]})
        return None
    try:
        # CON-1: accepted during a call, the order is filed under the call's contact (hidden fields
        # desk.js fills at submit); a contact that is not the agent's call in progress is refused
        contact = call_contact_of(request) if service_request is None else None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    category = None
    if data.get("category"):
        category = (
            CategoryNode.objects.select_related("version", "business", "parent")
            .filter(pk=data["category"])
            .first()
        )
    body = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "idempotency_key")}
    kind = data["kind"]
    if data.get("flow"):
        # a chosen flow names its kind (information sync is business handling, whatever the kind box says)
        chosen = selectors.flow_list().filter(code=data["flow"]).only("kind").first()
        kind = chosen.kind if chosen is not None else kind
    try:
        result = services.order_accept(
            actor=request.user,
            data=services.OrderInput(
                kind=kind,
                subscriber=subscriber,
                contact_number=data.get("contact_number", ""),
                category=category,
                title=data.get("title", ""),
                description=data["description"],
                service_request=service_request,
                contact=contact,
                contact_method=data.get("contact_method", ""),
                contact_address=data.get("contact_address", ""),
                fault_product=data.get("fault_product", ""),
                fault_class=data.get("fault_class", ""),
                urgent=data.get("urgent", False),
                flow_code=data.get("flow", ""),
                coordination=_coordination_input(request.POST, data.get("flow", "")),
            ),
            idempotency_key=data.get("idempotency_key", ""),
            request_fingerprint=services.fingerprint(body),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, _("已受理工单 %(n)s") % {"n": result.order.number})
    return result.order
