"""Remote service (SVC-1): a province serves another province's subscriber.

The query is accepted where the customer is (``remote_query`` on the serving province), relayed
through the hub (``service.query``) to the home province (``service.home_query``), answered there
from the home province's billing port, and the answer relayed back to the agent's screen.

Identification: the serving agent states how the customer was identified (calling number or ID
document shown in person). The service password is deliberately not relayed: every node keeps the
envelope of each request it received, and a password must never be stored or sent on (AUTH-2).

Identification is checked, not taken on trust: "identified by calling number" needs the agent's own
answered call from that very number (``telephony.selectors.answered_call_from``), and "ID shown in
person" is a method of hall and VIP staff only (``identity.services.ID_SHOWN_ROLES``).

Complaints, suggestions and the business the rules allow (``remote_request``; ``remote_complaint`` is
its complaint form): accepted here as a work order with no local subscriber, marked for the home
province (a cross-level link: the hub as peer, the home province as target); the back office sends it
to the hub like any cross-region complaint (WO-3), the home province handles it in its own engine
(linked to its subscriber there), and the result comes back to this order. Business handling is
relayed only for the categories ``KEFU_REMOTE_BUSINESS`` names (BA-1: other business is done by the
home centre).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.capability.services import _STATUS, MAY_ASK, hub_code, refusal_detail, relayed_error
from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.core.numbers import is_digits
from kefu.federation import client, peers
from kefu.federation.errors import FederationErrorCode as Code
from kefu.federation.errors import PeerError
from kefu.remote.errors import RemoteErrorCode

WHAT = {
    "balance": gettext_lazy("余额"),
    "bills": gettext_lazy("账单"),
    "points": gettext_lazy("积分"),
}
VERIFIED_BY = {
    "calling_number": gettext_lazy("本机来电"),
    "id_document": gettext_lazy("出示有效证件"),
}
# What a remote request may be (SVC-1): the work-order kinds relayed to the home province.
REQUEST_KINDS = {
    "complaint": gettext_lazy("投诉"),
    "suggestion": gettext_lazy("建议"),
    "business_handling": gettext_lazy("业务办理"),
}
COLUMNS = {
    "balance": [("balance", gettext_lazy("余额(元)")), ("arrears", gettext_lazy("欠费(元)")),
                ("pay_method", gettext_lazy("付费方式"))],
    "bills": [("month", gettext_lazy("月份")), ("total_fee", gettext_lazy("费用合计(元)")),
              ("amount_due", gettext_lazy("应缴(元)")), ("amount_paid", gettext_lazy("已缴(元)")),
              ("due_date", gettext_lazy("缴费期限"))],
    "points": [("month", gettext_lazy("月份")), ("current_total", gettext_lazy("当前积分")),
               ("earned_this_month", gettext_lazy("本月新增")), ("redeemed_this_month", gettext_lazy("本月兑换")),
               ("redeemable", gettext_lazy("可兑换积分"))],
}  # fmt: skip


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _record(record) -> dict:
    return {k: _plain(v) for k, v in dataclasses.asdict(record).items()}


def remote_query(*, actor, number: str, home: str, what: str, verified_by: str) -> dict:
    """Serving province: ask the home province, through the hub, about one of its subscribers."""
    _check_remote(actor, number, home, verified_by, {} if what in WHAT else {"what": _("请选择查询内容")})
    payload = {"number": number, "home": home, "what": what, "verified_by": verified_by,
               "agent": actor.job_number}  # fmt: skip
    outcome = "ok"
    try:
        return client.request(
            to=hub_code(), type="service.query", payload=payload, timeout=settings.KEFU_CAPABILITY_TIMEOUT
        )
    except PeerError as exc:
        error = relayed_error(exc)
        outcome = error.code
        raise error from None
    finally:
        with transaction.atomic():
            audit.record(
                actor=actor, action="remote.query", object_type="subscriber", object_id=number,
                changes={"home": home, "what": what, "verified_by": verified_by, "outcome": str(outcome)},
                province_id=actor.province_id, city_id=actor.city_id,
            )  # fmt: skip
            _note_contact(actor, number, home, _("异地查询：%(w)s") % {"w": WHAT[what]}, outcome)


def _note_contact(actor, number: str, home: str, what: str, outcome: str) -> None:
    """CON-1: serving a customer of another province is a contact here, where they are served (no
    local subscriber: the number and the home province are on it); each query is a service request."""
    from kefu.contacts import services as contacts
    from kefu.core.choices import RequestType

    description = _("%(w)s（归属%(h)s）") % {"w": what, "h": home}
    if outcome != "ok":
        description += _("，未得到答复：%(c)s") % {"c": outcome}
    contact = contacts.contact_for_service(
        actor=actor, number=number, summary=description, province_id=actor.province_id, city_id=actor.city_id
    )
    contacts.service_request_add(
        actor=actor, contact=contact, request_type=RequestType.QUERY, description=description
    )


def _note_complaint(actor, number: str, order) -> None:
    """CON-1: the complaint accepted for another province's customer is a service request on the
    contact in which they are served here, naming the order."""
    from kefu.contacts import services as contacts
    from kefu.core.choices import RequestType

    description = _("异地投诉：%(t)s") % {"t": order.title or order.number}
    contact = contacts.contact_for_service(
        actor=actor, number=number, summary=description, province_id=order.province_id, city_id=order.city_id
    )
    contacts.service_request_add(
        actor=actor,
        contact=contact,
        request_type=RequestType.COMPLAINT,
        category=order.category,
        description=description,
        reference=order.number,
    )


def remote_relay(*, payload: dict, sender: str, deadline) -> dict:
    """Hub: pass the query on to the home province and its answer back (deadline minus a margin)."""
    home = str(payload.get("home", ""))
    peer = peers.get(home)
    if peer is None or peer.role != "province" or home == sender:
        raise DomainError(
            _("一级客服枢纽不认识归属省 %(h)s") % {"h": home or "—"},
            code=RemoteErrorCode.UNKNOWN_PROVINCE,
            status=400,
        )
    margin = timedelta(seconds=settings.KEFU_CAPABILITY_RELAY_MARGIN)
    try:
        return client.request(
            to=home,
            type="service.home_query",
            payload={**payload, "serving": sender},
            deadline=deadline - margin if deadline else None,
        )
    except PeerError as exc:
        if exc.code == Code.PEER_TIMEOUT:
            message = _("归属省 %(h)s 未在时限内应答，请稍后再试") % {"h": home}
        elif exc.code in (Code.PEER_UNAVAILABLE, Code.PEER_NOT_CONFIGURED):
            message = _("无法连接归属省 %(h)s，请稍后再试") % {"h": home}
        else:
            code = str(exc.extra.get("remote_code") or exc.code)
            raise DomainError(refusal_detail(exc), code=code, status=422) from None
        raise DomainError(message, code=exc.code, status=_STATUS.get(exc.code, 502)) from None


def home_answer(*, payload: dict, serving: str) -> dict:
    """Home province: answer from this province's billing port and audit who asked from where."""
    from kefu.core.models import Province
    from kefu.ports.billing import get_billing

    number, what = str(payload.get("number", "")), str(payload.get("what", ""))
    if str(payload.get("verified_by", "")) not in VERIFIED_BY:
        raise DomainError(
            _("异地查询须说明客户身份核实方式"), code=RemoteErrorCode.VALIDATION_FAILED, status=400
        )
    if what not in WHAT:
        raise DomainError(
            _("不支持的异地查询：%(w)s") % {"w": what}, code=RemoteErrorCode.VALIDATION_FAILED, status=400
        )
    billing = get_billing()
    subscriber = billing.subscriber(number)
    if subscriber is None or subscriber.home_province_code != settings.KEFU_NODE_CODE:
        raise DomainError(
            _("号码 %(n)s 不是 %(p)s 的用户") % {"n": number, "p": settings.KEFU_NODE_CODE},
            code=RemoteErrorCode.UNKNOWN_SUBSCRIBER,
            status=404,
        )
    if what == "balance":
        record = billing.balance(number)
        rows = [_record(record)] if record else []
    elif what == "bills":
        rows = [_record(r) for r in billing.bills(number, months=6)]
    else:
        record = billing.points(number)
        rows = [_record(record)] if record else []
    province = Province.objects.filter(code=subscriber.home_province_code).first()
    with transaction.atomic():
        audit.record(
            actor=None, action="remote.answer", object_type="subscriber", object_id=number,
            changes={"what": what, "serving": serving, "agent": str(payload.get("agent", "")),
                     "verified_by": str(payload.get("verified_by", ""))},
            province_id=province.pk if province else None,
        )  # fmt: skip
    return {
        "home": settings.KEFU_NODE_CODE,
        "number": number,
        "what": what,
        "customer": {"name": subscriber.user_name, "brand": subscriber.brand, "status": subscriber.status},
        "columns": [{"key": k, "label": str(label)} for k, label in COLUMNS[what]],
        "rows": rows,
    }


def _check_remote(actor, number: str, home: str, verified_by: str, errors: dict | None = None) -> None:
    if actor.role not in MAY_ASK:
        raise DomainError(_("您的角色不能使用异地服务"), code=RemoteErrorCode.PERMISSION_DENIED, status=403)
    errors = dict(errors or {})
    if not (is_digits(number) and len(number) == 11):
        errors["number"] = _("请输入11位手机号码")
    if not home or home == settings.KEFU_NODE_CODE:
        errors["home"] = _("请选择用户归属的其他省")
    if verified_by not in VERIFIED_BY:
        errors["verified_by"] = _("请选择客户身份核实方式")
    if errors:
        raise DomainError(
            "; ".join(errors.values()), code=RemoteErrorCode.VALIDATION_FAILED, status=400, errors=errors
        )
    _check_identified(actor, number, verified_by)


def verifications_for(actor) -> list[tuple[str, str]]:
    """The identification methods this member of staff may state: an ID shown in person only at a hall
    or by a VIP manager."""
    from kefu.identity.services import ID_SHOWN_ROLES

    return [
        (key, str(label))
        for key, label in VERIFIED_BY.items()
        if key != "id_document" or actor.role in ID_SHOWN_ROLES
    ]


def _check_identified(actor, number: str, verified_by: str) -> None:
    """The identification the agent states must hold: the calling number is the number of the agent's
    own answered call; an ID shown in person is a hall or VIP manager's method."""
    from kefu.identity.services import ID_SHOWN_ROLES
    from kefu.telephony.selectors import answered_call_from

    if verified_by == "calling_number" and answered_call_from(actor, number) is None:
        raise DomainError(
            _("号码 %(n)s 不是您正在接听的来电号码，不能以本机来电核实身份") % {"n": number},
            code=RemoteErrorCode.NOT_CALLING_LINE,
            status=403,
        )
    if verified_by == "id_document" and actor.role not in ID_SHOWN_ROLES:
        raise DomainError(
            _("出示证件核实仅限营业厅和VIP客户经理当面办理"),
            code=RemoteErrorCode.ID_SHOWN_NOT_FOR_ROLE,
            status=403,
        )


def remote_complaint(*, actor, **fields):
    """Serving province: accept a complaint of another province's subscriber (SVC-1, WO-3); see
    :func:`remote_request`. Returns the order."""
    return remote_request(actor=actor, kind="complaint", **fields)


def remote_request(
    *,
    actor,
    kind: str,
    number: str,
    home: str,
    verified_by: str,
    category: int | str | None = None,
    title: str = "",
    description: str = "",
    contact_method: str = "",
):
    """Serving province: accept a complaint, a suggestion or a business the rules allow for another
    province's subscriber (SVC-1, WO-3).

    The order is accepted here (the agent's own acceptance, no local subscriber, the caller's number
    as contact) and marked for the home province: its cross-level link names the hub as peer and the
    home province as target, so the back office's "send to the hub" needs no target and the order
    travels as a cross-region order. Returns the order."""
    from kefu.core.models import Province
    from kefu.crosslevel import services as crosslevel
    from kefu.crosslevel.models import CrossLink, LinkRole
    from kefu.workorders import services as wo

    home = (home or "").strip().upper()
    number = (number or "").strip()
    errors = {}
    if home and home != settings.KEFU_NODE_CODE and not Province.objects.filter(code=home).exists():
        errors["home"] = _("请选择用户归属的其他省")
    if kind not in REQUEST_KINDS:
        errors["kind"] = _("请选择受理类型")
        node = None
    else:
        node = request_category(category, kind)
        if node is None:
            errors["category"] = (
                _("请选择允许异地办理的业务分类") if kind == "business_handling" else _("请选择分类")
            )
    _check_remote(actor, number, home, verified_by, errors)
    hub = crosslevel.hub_code()
    note = _("异地用户 %(n)s，归属 %(h)s，身份核实：%(v)s") % {
        "n": number,
        "h": home,
        "v": VERIFIED_BY[verified_by],
    }
    with transaction.atomic():
        order = wo.order_accept(
            actor=actor,
            data=wo.OrderInput(
                kind=kind,
                subscriber=None,
                contact_number=number,
                category=node,
                title=title,
                description=f"{description}\n[{note}]".strip(),
                contact_method=contact_method,
            ),
        ).order
        CrossLink.objects.create(
            order=order, number=order.number, role=LinkRole.ORIGIN, peer=hub, target=home
        )
        audit.record(
            actor=actor, action="remote.complaint" if kind == "complaint" else f"remote.{kind}", obj=order,
            changes={"number": number, "home": home, "verified_by": verified_by, "kind": kind},
        )  # fmt: skip
        _note_complaint(actor, number, order)
    return order


def remote_business_allowed() -> set[str]:
    """The problem names (the category's first level, e.g. 退订) of the business a remote customer may
    have relayed to the home province (``KEFU_REMOTE_BUSINESS``)."""
    raw = getattr(settings, "KEFU_REMOTE_BUSINESS", "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def request_category(value: int | str | None, kind: str):
    """The category node with id ``value`` (a form's text or the API's number) of this kind's request
    type — for business handling only one the rules allow — or None."""
    from kefu.catalog.models import CategoryNode
    from kefu.workorders.choices import WorkOrderKind

    if value is None or not is_digits(str(value)):
        return None
    node = CategoryNode.objects.filter(pk=int(value), request_type=WorkOrderKind.REQUEST_TYPE[kind]).first()
    if node is not None and kind == "business_handling":
        problem = node.path_names.split(">")[0].strip()
        if problem not in remote_business_allowed():
            return None
    return node
