"""Queries (Q-1..4) over the billing port, guarded by authentication grants.

Q-1's rule: the calling line's own data needs no password (a calling-number grant, taken on the spot
when the agent names the active call), any other number a grant from a real authentication; otherwise
403 ``auth_required``. Every query is audited (who looked at whose data) and noted as a service request
of type query (SR-1) on the contact it belongs to (CON-1): the contact record the agent names, else the
active call's, else — a query without a call, at the hall counter or for a walk-in — the contact this
member of staff is having with the customer (``contacts.contact_for_service``: joined within
``KEFU_QUERY_CONTACT_MINUTES``, else opened).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts import services as contacts
from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core import audit, scope
from kefu.core.choices import RequestType, Role
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.customers.models import Subscriber
from kefu.customers.rules import mask_phone_number
from kefu.identity import services as identity
from kefu.ports.billing import get_billing
from kefu.queries import orders, texts
from kefu.queries.choices import QueryKind, SendMethod
from kefu.queries.errors import QueryErrorCode
from kefu.telephony.selectors import current_contact


@dataclass(frozen=True)
class QueryContext:
    """Where a query comes from: the active call and/or the open contact record (both optional)."""

    call_id: str | None = None
    contact_id: int | None = None


def _contact(actor, context: QueryContext) -> ContactRecord | None:
    """The contact the query is done in: the actor's call in progress (or own open contact) that the
    context names (``telephony.selectors.current_contact``: 409 ``contact_not_in_call`` for any
    other); 404 for a contact id outside the actor's scope, as before."""
    if context.contact_id and not (
        scope.restrict(ContactRecord.objects.all(), actor).filter(pk=context.contact_id).exists()
    ):
        raise NotFoundError(_("接触记录不存在"), code=QueryErrorCode.UNKNOWN_CONTACT)
    return current_contact(actor, call_id=context.call_id, contact_id=context.contact_id)


@transaction.atomic
def _authorize(
    *, actor, number: str, what: str, context: QueryContext, shown: dict | None = None
) -> Subscriber:
    subscriber = identity.subscriber_in_scope(actor, number)
    contact = _contact(actor, context)
    identity.require_grant(
        actor=actor, subscriber=subscriber, full=False, call_id=context.call_id, contact_id=context.contact_id
    )
    description = _("查询：%(what)s（%(number)s）") % {"what": QueryKind.label(what), "number": number}
    if contact is None:
        contact = contacts.contact_for_service(actor=actor, subscriber=subscriber, summary=description)
    audit.record(
        actor=actor,
        action=f"queries.{what}",
        obj=subscriber,
        changes={"what": what, "contact": contact.pk, **(shown or {})},
    )
    if not ServiceRequest.objects.filter(contact=contact, description=description).exists():
        contacts.service_request_add(
            actor=actor, contact=contact, request_type=RequestType.QUERY, description=description
        )
    return subscriber


def query_bills(*, actor, number: str, months: int = 6, context: QueryContext = QueryContext()):
    _authorize(actor=actor, number=number, what=QueryKind.BILLS, context=context)
    return get_billing().bills(number, months=max(1, min(int(months), 24)))


def month_bounds(month: date):
    """The first and the last instant (exclusive) of a local calendar month."""
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime(month.year, month.month, 1)),
        timezone.make_aware(datetime(nxt.year, nxt.month, 1)),
    )


def query_call_details(
    *, actor, number: str, month: date | None = None, context: QueryContext = QueryContext()
):
    """The month's calls. The other party is someone else's number: masked unless the member of staff's
    role may reveal personal data, in which case the query's audit row says the parties were shown
    (Q-1, SYS-2) — the same rule as the unified view's call details."""
    reveal = getattr(actor, "role", None) in Role.MAY_REVEAL_PERSONAL_DATA
    shown = {"call_parties": True} if reveal else None
    _authorize(actor=actor, number=number, what=QueryKind.CALL_DETAILS, context=context, shown=shown)
    month = (month or timezone.localdate()).replace(day=1)
    since, until = month_bounds(month)
    rows = get_billing().call_details(number, since=since, until=until, limit=500)
    if reveal:
        return rows
    return [replace(row, other_party=mask_phone_number(row.other_party)) for row in rows]


def query_payments(*, actor, number: str, context: QueryContext = QueryContext()):
    _authorize(actor=actor, number=number, what=QueryKind.PAYMENTS, context=context)
    return get_billing().payments(number, limit=50)


def query_balance(*, actor, number: str, context: QueryContext = QueryContext()):
    _authorize(actor=actor, number=number, what=QueryKind.BALANCE, context=context)
    return get_billing().balance(number)


def query_points(*, actor, number: str, month: date | None = None, context: QueryContext = QueryContext()):
    _authorize(actor=actor, number=number, what=QueryKind.POINTS, context=context)
    return get_billing().points(number, month=month)


def query_orders(*, actor, number: str, context: QueryContext = QueryContext()):
    subscriber = _authorize(actor=actor, number=number, what=QueryKind.ORDERS, context=context)
    return orders.order_progress(subscriber)


@transaction.atomic
def query_result_send(
    *,
    actor,
    number: str,
    what: str,
    method: str,
    to: str | None = None,
    context: QueryContext = QueryContext(),
):
    """Send a query result back by SMS (to the number itself) or email (Q-4), in Chinese, through the
    ports; the message lands in the outbox."""
    from kefu.notify import services as notify
    from kefu.notify.choices import MessagePurpose

    if what not in QueryKind:
        raise DomainError(
            _("未知查询类型：%(w)s") % {"w": what}, code=ErrorCode.VALIDATION_FAILED, status=400
        )
    if method not in SendMethod:
        raise DomainError(
            _("未知发送方式：%(m)s") % {"m": method}, code=ErrorCode.VALIDATION_FAILED, status=400
        )
    subscriber = _authorize(actor=actor, number=number, what=what, context=context)
    billing = get_billing()
    subject, text = texts.compose(what, number=number, billing=billing, subscriber=subscriber)
    if method == SendMethod.SMS:
        if to and to != number:
            raise DomainError(
                _("查询结果短信只能发送到被查询号码本身"), code=QueryErrorCode.INVALID_RECIPIENT, status=422
            )
        return notify.sms_send(
            actor=actor, to=number, text=text, subscriber=subscriber, purpose=MessagePurpose.QUERY_RESULT
        )
    address = to or subscriber.customer.email
    if not address:
        raise DomainError(
            _("客户未登记电子邮箱，请提供接收邮箱"), code=QueryErrorCode.NO_EMAIL_ADDRESS, status=422
        )
    return notify.email_send(
        actor=actor, to=address, subject=subject, text=text, subscriber=subscriber,
        purpose=MessagePurpose.QUERY_RESULT,
    )  # fmt: skip
