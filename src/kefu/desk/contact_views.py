"""Contact-record pages (CON-1..6, SR-1): history search with keyset pagination, detail with service
requests, links and corrections, a print view, manual entry and the all-or-nothing import.

Every read goes through ``kefu.contacts.selectors`` / ``kefu.core.scope``; every write through
``kefu.contacts.services``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts import importing, selectors
from kefu.contacts import services as contacts
from kefu.contacts.choices import Channel, Direction, RequestModule
from kefu.contacts.models import CORRECTABLE_FIELDS, ContactRecord
from kefu.core import audit, scope
from kefu.core.choices import RequestType
from kefu.core.errors import DomainError
from kefu.core.numbers import is_digits
from kefu.knowledge import reading
from kefu.knowledge.choices import UseKind

PAGE_SIZE = 20
FILTERS = ("number", "channel", "direction", "request_type", "since", "until", "staff", "text")


def _day(value: str, *, end: bool = False):
    """A date filter (YYYY-MM-DD) as an aware datetime; ``end`` means the day after (exclusive)."""
    day = parse_date(value or "")
    if day is None:
        return None
    start = timezone.make_aware(datetime(day.year, day.month, day.day))
    return start + timedelta(days=1) if end else start


def _cursor(contact: ContactRecord) -> str:
    return f"{contact.started_at.isoformat()}|{contact.pk}"


def _after(queryset, cursor: str):
    """Keyset: the rows after (older than) the cursor's (started_at, id)."""
    when, _, pk = cursor.rpartition("|")
    started = parse_datetime(when)
    if started is None or not is_digits(pk):
        return queryset
    from django.db.models import Q

    return queryset.filter(Q(started_at__lt=started) | Q(started_at=started, pk__lt=int(pk)))


@login_required
def contact_list(request):
    """History search (CON-4, CON-5): conditions, newest first, "下一页" by keyset."""
    params = {key: request.GET.get(key, "").strip() for key in FILTERS}
    queryset = selectors.contact_history(
        user=request.user,
        number=params["number"],
        channel=params["channel"],
        direction=params["direction"],
        request_type=params["request_type"],
        since=_day(params["since"]),
        until=_day(params["until"], end=True),
        staff=params["staff"],
        text=params["text"],
    ).select_related("staff", "category__version", "wrap_up_reason")
    cursor = request.GET.get("after", "")
    if cursor:
        queryset = _after(queryset, cursor)
    rows = list(queryset[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    active = {k: v for k, v in params.items() if v}
    try:
        _audit_history(request, active, rows)
    except DomainError as exc:
        return _refused(request, exc)
    next_url = f"?{urlencode(active | {'after': _cursor(rows[-1])})}" if more else ""
    api_filters = dict(active)
    for key in ("since", "until"):
        if key in api_filters:
            api_filters[key] = _day(api_filters[key], end=key == "until").isoformat()
    export_base = reverse("api:contact-export")
    exports = [
        (fmt.upper(), f"{export_base}?{urlencode(api_filters | {'format': fmt})}")
        for fmt in ("txt", "csv", "xlsx")
    ]
    return render(
        request,
        "desk/contacts/list.html",
        {
            "params": params,
            "rows": rows,
            "next_url": next_url,
            "first_page": not cursor,
            "exports": exports,
            "channels": Channel.CHOICES,
            "directions": Direction.CHOICES,
            "request_types": RequestType.CHOICES,
        },
    )


def _refused(request, exc: DomainError):
    return render(
        request, "desk/view/refused.html", {"message": exc.message, "code": exc.code}, status=exc.status
    )


def _audit_history(request, active: dict, rows: list[ContactRecord]) -> None:
    """SYS-2: one audit row for one page of contact history — the subject is the number searched for
    (or the search itself), with the contacts shown."""
    audit.record_view(
        actor=request.user,
        object_type="contacts.history",
        object_id=active.get("number", ""),
        sections=["contacts"],
        details={"filters": active, "contacts": [row.pk for row in rows]},
    )


def _audit_contact(request, contact: ContactRecord, sections: list[str]) -> None:
    """SYS-2: one audit row for one view of a contact record (its province and city, its number)."""
    audit.record_view(
        actor=request.user,
        obj=contact,
        object_type="contacts.contactrecord",
        object_id=str(contact.pk),
        sections=sections,
        details={"number": contact.number},
    )


def _contact_or_404(request, contact_id: int) -> ContactRecord:
    # in the user's scope, or a walk-in's contact while the customer's authentication holds (SVC-1)
    contact = selectors.contact_served(user=request.user, contact_id=contact_id)
    if contact is None:
        raise Http404(_("接触记录不存在或不在您的数据权限范围内"))
    return contact


def _reverse_first(*names, args=None) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def module_link(contact: ContactRecord, request_) -> dict:
    """Where a service request leads (SR-1): its module's page, or a note while the module is not built."""
    number = contact.number
    view = reverse("desk:customer", args=[number]) if contact.subscriber_id else ""
    module = request_.module
    if module == RequestModule.KNOWLEDGE:
        # SR-1: consult the knowledge base for this request: what the agent marks goes on it
        words = request_.category.name if request_.category_id else request_.description[:20]
        params = {"contact": contact.pk, "request": request_.pk, "q": words}
        return {"url": f"{reverse('desk:knowledge')}?{urlencode(params)}", "label": _("知识检索")}
    if module == RequestModule.QUERY:
        return {"url": f"{view}#panel-query" if view else "", "label": _("查询面板")}
    if module == RequestModule.BUSINESS_ACCEPTANCE:
        return {"url": f"{view}#panel-ba" if view else "", "label": _("业务受理")}
    if module in (RequestModule.WORK_ORDER, RequestModule.FAULT_REPORT) and request_.reference:
        # the order already made from it (e.g. accepted during the call, CON-1): open it, not a new one
        url = _reverse_first("workorders:detail", args=[request_.reference])
        if url:
            return {"url": url, "label": _("查看工单")}
    # complaint, suggestion and fault report become work orders once the work-order module has a page
    url = _reverse_first("workorders:new", "workorders:create", "desk:workorder_new")
    if url:
        kind = "fault_report" if module == RequestModule.FAULT_REPORT else request_.request_type
        url += "?" + urlencode({"contact": contact.pk, "service_request": request_.pk, "kind": kind})
    label = _("障碍申告工单") if module == RequestModule.FAULT_REPORT else _("建工单")
    return {"url": url, "label": label if url else _("工单模块即将上线")}


def _detail_context(request, contact: ContactRecord) -> dict:
    requests = list(contact.requests.select_related("category__version"))
    links_out = list(contact.links_out.select_related("to_contact"))
    links_in = list(contact.links_in.select_related("from_contact"))
    corrections = list(contact.corrections.select_related("actor"))
    answered = {}
    for used in reading.contact_uses(contact, kinds=(UseKind.ANSWERED, UseKind.SENT)):
        answered.setdefault(used.request_id, []).append(used)
    for r in requests:
        r.knowledge_used = answered.get(r.pk, [])
    return {
        "contact": contact,
        "requests": [(r, module_link(contact, r)) for r in requests],
        "wordings_used": reading.contact_uses(contact, kinds=(UseKind.WORDING,)),
        "links_out": links_out,
        "links_in": links_in,
        "corrections": corrections,
        "may_correct": request.user.role in contacts.CORRECTING_ROLES,
        # after-call work not yet done: its own agent (or a supervisor) may still write it here
        "may_wrap_up": contact.wrapped_up_at is None
        and (contact.staff_id == request.user.pk or request.user.role in contacts.WRAP_UP_ROLES),
        "wrap_up_reasons": selectors.wrap_up_reasons() if contact.wrapped_up_at is None else (),
        "summary_max": contacts.wrap_up_summary_max(),
        "correctable": CORRECTABLE_FIELDS,
        "request_types": RequestType.CHOICES,
    }


@login_required
def contact_detail(request, contact_id: int):
    contact = _contact_or_404(request, contact_id)
    context = _detail_context(request, contact)
    try:
        _audit_contact(request, contact, ["contact", "requests", "links", "corrections"])
    except DomainError as exc:
        return _refused(request, exc)
    return render(request, "desk/contacts/detail.html", context)


@login_required
def contact_print(request, contact_id: int):
    """A print-friendly page of one contact record (CON-5)."""
    contact = _contact_or_404(request, contact_id)
    context = _detail_context(request, contact) | {"printed_at": timezone.now()}
    try:
        _audit_contact(request, contact, ["print"])
    except DomainError as exc:
        return _refused(request, exc)
    return render(request, "desk/contacts/print.html", context)


@require_POST
@login_required
def contact_wrap_up(request, contact_id: int):
    """After-call work from the contact page: summary and wrap-up reason (the call bar posts the API)."""
    contact = _contact_or_404(request, contact_id)
    try:
        contacts.contact_wrap_up(
            actor=request.user,
            contact=contact,
            reason=request.POST.get("reason", ""),
            summary=request.POST.get("summary", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("话后处理已保存"))
    return redirect("desk:contact", contact_id=contact.pk)


@require_POST
@login_required
def contact_correct(request, contact_id: int):
    """CON-6: correct request type and/or summary with a reason; history is kept."""
    contact = _contact_or_404(request, contact_id)
    changes = {}
    for field in ("request_type", "summary"):
        if field in request.POST and request.POST[field] != (getattr(contact, field) or ""):
            changes[field] = request.POST[field]
    try:
        done = contacts.contact_correct(
            actor=request.user, contact=contact, changes=changes, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更正 %(n)s 个字段") % {"n": len(done)})
    return redirect("desk:contact", contact_id=contact.pk)


@require_POST
@login_required
def contact_add_request(request, contact_id: int):
    """SR-1: record a service request in this contact; it leads to its module."""
    contact = _contact_or_404(request, contact_id)
    try:
        contacts.service_request_add(
            actor=request.user,
            contact=contact,
            request_type=request.POST.get("request_type", ""),
            description=request.POST.get("description", "").strip(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("服务请求已记录"))
    return redirect("desk:contact", contact_id=contact.pk)


@require_POST
@login_required
def contact_link(request, contact_id: int):
    """CON-3: link this contact to another one by hand."""
    contact = _contact_or_404(request, contact_id)
    target_id = request.POST.get("to_contact", "")
    target = _contact_or_404(request, int(target_id)) if is_digits(target_id) else None
    if target is None:
        messages.error(request, _("请填写要关联的接触记录编号"))
        return redirect("desk:contact", contact_id=contact.pk)
    try:
        contacts.contact_link(actor=request.user, from_contact=contact, to_contact=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已关联接触记录 %(id)s") % {"id": target.pk})
    return redirect("desk:contact", contact_id=contact.pk)


@login_required
def contact_new(request):
    """CON-2: enter a contact by hand (e.g. a letter, a fax, a hall visit); the channel starts as the
    one the member of staff serves in (hall staff the hall, a hotline agent the hotline)."""
    from kefu.customers.models import Subscriber

    values = {
        "channel": request.POST.get("channel", contacts.staff_channel(request.user)),
        "direction": request.POST.get("direction", Direction.INBOUND),
        "number": request.POST.get("number", request.GET.get("number", "")).strip(),
        "request_type": request.POST.get("request_type", ""),
        "summary": request.POST.get("summary", "").strip(),
    }
    if request.method == "POST":
        subscriber = scope.restrict(Subscriber.objects.all(), request.user).filter(
            number=values["number"]
        ).first() or selectors.walk_in_line(user=request.user, number=values["number"])  # SVC-1
        if subscriber is None:
            messages.error(request, _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": values["number"]})
        else:
            try:
                contact = contacts.contact_create(
                    actor=request.user,
                    data=contacts.ContactInput(
                        channel=values["channel"],
                        direction=values["direction"],
                        subscriber=subscriber,
                        request_type=values["request_type"],
                        summary=values["summary"],
                        ended_at=timezone.now(),
                    ),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("接触记录已保存"))
                return redirect("desk:contact", contact_id=contact.pk)
    return render(
        request,
        "desk/contacts/new.html",
        {
            "values": values,
            "channels": Channel.CHOICES,
            "directions": Direction.CHOICES,
            "request_types": RequestType.CHOICES,
        },
    )


@login_required
def contact_import(request):
    """CON-2: batch import from CSV/XLSX, all or nothing; a bad file shows every bad row and why."""
    context: dict = {
        "columns": [
            "渠道",
            "方向",
            "号码",
            "开始时间",
            "结束时间",
            "请求类型",
            "分类编号",
            "摘要",
            "录音编号",
        ]
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("请选择要导入的文件")
        else:
            try:
                table = importing.read_table(upload.read(), upload.name)
                report = importing.validate_rows(actor=request.user, table=table)
                if report.errors:
                    context["error"] = _("导入被拒绝：%(n)s 行有错误，未导入任何记录") % {
                        "n": len({e["row"] for e in report.errors})
                    }
                    context["errors"] = report.errors
                else:
                    created = contacts.contacts_import(actor=request.user, rows=report.rows)
                    messages.success(request, _("已导入 %(n)s 条接触记录") % {"n": len(created)})
                    return redirect("desk:contacts")
            except DomainError as exc:
                context["error"] = exc.message
        status = 422 if context.get("error") else 200
        return render(request, "desk/contacts/import.html", context, status=status)
    return render(request, "desk/contacts/import.html", context)
