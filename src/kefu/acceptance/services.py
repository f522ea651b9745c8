"""Business acceptance (BA-1): order, change or cancel a product or VAS, or change customer data
(contact details, transfer of ownership, SIM replacement, suspension/resumption on request), for an
authenticated local subscriber, in one transaction with its contact record, service request and
audit event.

Guards, in the order the desk meets them: the number must be in the agent's scope (404); the
subscriber must be local to this centre (422 ``not_local_subscriber`` — roaming customers are told to
use their home centre); a full grant (403 ``auth_required``; a calling-number grant is not enough);
no initial password (403 ``password_change_required``, AUTH-6); a recording reference for telephone
acceptance (422 ``recording_ref_required``, CH-6); then the product must fit the line
(:func:`require_eligible`, the rule the offer lists use too: 422/409 ``offer_not_eligible`` or 409
``already_subscribed``, with a ``reason``) — before anything is written. Subscriptions change
through the billing port's ``change_subscriptions``, customer data through its other writes, each
with the acceptance's order number as their reference.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.acceptance import selectors
from kefu.acceptance.choices import AcceptanceAction, DataChange
from kefu.acceptance.errors import AcceptanceErrorCode
from kefu.acceptance.models import Acceptance
from kefu.contacts import services as contacts
from kefu.contacts.choices import Channel
from kefu.contacts.models import ContactRecord
from kefu.core import audit, scope
from kefu.core.choices import RequestType
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.customers.choices import ProductKind, SubscriberStatus
from kefu.customers.eligibility import Ineligible, Line, eligibility
from kefu.customers.models import Product, Subscriber
from kefu.customers.rules import mask_id_number
from kefu.customers.services import mask_iccid
from kefu.identity import services as identity
from kefu.ports.billing import ContactDetails, NewOwner, get_billing
from kefu.telephony.selectors import current_contact

# Channels where acceptance happens by telephone and must be recorded (CH-6).
RECORDED_CHANNELS = (Channel.HOTLINE, Channel.OUTBOUND, Channel.IVR)


def is_local(*, actor, subscriber: Subscriber) -> bool:
    """A subscriber is local when their home province is this node's (a province node) and, for a
    provincial or city agent, the agent's own province."""
    home = subscriber.home_province
    if getattr(settings, "KEFU_ROLE", "province") == "province" and home.code != settings.KEFU_NODE_CODE:
        return False
    return actor.province_id is None or actor.province_id == home.id


def _order_number(subscriber: Subscriber) -> str:
    return (
        f"BA{subscriber.home_province.code}{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**4):04d}"
    )


def _product(code: str | None, *, field: str) -> Product:
    product = Product.objects.filter(code=code).first() if code else None
    if product is None:
        raise DomainError(
            _("产品不存在：%(c)s") % {"c": code or ""}, code=AcceptanceErrorCode.UNKNOWN_PRODUCT, field=field
        )
    return product


def require_eligible(
    subscriber: Subscriber, product: Product, *, line: Line | None = None, replaces: Product | None = None
) -> None:
    """Refuse a product that does not fit the line (:mod:`kefu.customers.eligibility`): 409 when it
    conflicts with what the line holds (``already_subscribed`` for the product or plan it has,
    ``offer_not_eligible`` for an exclusive one), 422 ``offer_not_eligible`` otherwise; ``reason``
    names the rule. Nothing is written before this check."""
    names = dict(Product.objects.filter(code__in=product.requires or ()).values_list("code", "name"))
    verdict = eligibility(
        product, selectors.line_of(subscriber), replaces=replaces.code if replaces else None, names=names
    )
    if verdict.eligible:
        return
    held = verdict.reason == Ineligible.HELD
    raise DomainError(
        verdict.message,
        code=AcceptanceErrorCode.ALREADY_SUBSCRIBED if held else AcceptanceErrorCode.NOT_ELIGIBLE,
        status=409 if verdict.conflict else 422,
        reason=verdict.reason,
        product=product.code,
        **verdict.detail,
    )


def _apply(
    subscriber: Subscriber, action: str, product: Product, replaces: Product | None, *, reference: str, actor
) -> str:
    """Check the change against the line, then hand it to billing (``change_subscriptions``); returns
    the summary line for the contact record. Every refusal comes before billing is called."""
    line = selectors.line_of(subscriber)
    held = {p.code for p in line.held}
    billing = get_billing()
    if action == AcceptanceAction.ORDER:
        require_eligible(subscriber, product, line=line)
        if product.kind == ProductKind.PLAN and line.plan is not None:
            raise DomainError(_("已有套餐，请办理套餐变更"), code=AcceptanceErrorCode.PLAN_CHANGE_ONLY)
        billing.change_subscriptions(
            subscriber.number, start=[product.code], reference=reference, actor=actor
        )
        return _("订购 %(p)s") % {"p": product.name}
    if action == AcceptanceAction.CHANGE:
        if replaces is None:
            raise DomainError(
                _("变更须指明被替换的产品"), code=ErrorCode.VALIDATION_FAILED, status=400, field="replaces"
            )
        if replaces.code not in held:
            raise DomainError(
                _("未订购被替换的产品"), code=AcceptanceErrorCode.NOT_SUBSCRIBED, field="replaces"
            )
        if replaces.kind != product.kind:
            raise DomainError(_("只能变更为同类产品"), code=AcceptanceErrorCode.KIND_MISMATCH)
        require_eligible(subscriber, product, line=line, replaces=replaces)
        billing.change_subscriptions(
            subscriber.number, start=[product.code], end=[replaces.code], reference=reference, actor=actor
        )
        return _("%(old)s 变更为 %(new)s") % {"old": replaces.name, "new": product.name}
    # cancel
    if product.code not in held:
        raise DomainError(_("未订购该产品"), code=AcceptanceErrorCode.NOT_SUBSCRIBED)
    if product.kind == ProductKind.PLAN:
        raise DomainError(_("套餐不能直接退订，请办理套餐变更"), code=AcceptanceErrorCode.PLAN_CHANGE_ONLY)
    billing.change_subscriptions(subscriber.number, end=[product.code], reference=reference, actor=actor)
    return _("退订 %(p)s") % {"p": product.name}


def _admit(
    *, actor, number: str, action: str, known: bool, channel: str, recording_ref: str, contact_id, usable
):
    """The guards every business acceptance passes, in the order the desk meets them (see the
    module's docstring); answers the locked subscriber, the contact record given (or None) and the
    recording reference to keep."""
    subscriber = identity.subscriber_in_scope(actor, number, for_update=True)
    if not known:
        raise DomainError(
            _("未知受理类型：%(a)s") % {"a": action}, code=ErrorCode.VALIDATION_FAILED, status=400
        )
    if channel not in Channel:
        raise DomainError(_("未知渠道：%(c)s") % {"c": channel}, code=ErrorCode.VALIDATION_FAILED, status=400)
    if not is_local(actor=actor, subscriber=subscriber):
        raise DomainError(
            _("请到归属地营业厅或拨打归属地客服热线办理"),
            code=AcceptanceErrorCode.NOT_LOCAL,
            status=422,
            home=subscriber.home_province.code,
        )
    if not usable(subscriber):
        raise DomainError(_("该号码当前状态不能办理业务"), code=AcceptanceErrorCode.SUBSCRIBER_INACTIVE)
    contact = None
    if contact_id:
        contact = scope.restrict(ContactRecord.objects.all(), actor).filter(pk=contact_id).first()
        if contact is None:
            raise NotFoundError(_("接触记录不存在"), code=AcceptanceErrorCode.UNKNOWN_CONTACT)
        # CON-1: filed under the agent's call in progress (or own open contact), never another one
        contact = current_contact(actor, contact_id=contact.pk)
    identity.require_grant(actor=actor, subscriber=subscriber, full=True)
    record = get_billing().subscriber(number)
    if record.password_initial if record is not None else subscriber.password_initial:
        raise DomainError(
            _("初始服务密码须先修改，才能办理业务"),
            code=AcceptanceErrorCode.PASSWORD_CHANGE_REQUIRED,
            status=403,
        )
    recording_ref = (recording_ref or "").strip() or (contact.recording_ref if contact is not None else "")
    if channel in RECORDED_CHANNELS and not recording_ref:
        raise DomainError(_("电话受理须有录音编号"), code=AcceptanceErrorCode.RECORDING_REQUIRED)
    return subscriber, contact, recording_ref


def _record(
    *,
    actor,
    subscriber: Subscriber,
    contact,
    channel: str,
    recording_ref: str,
    order_number: str,
    summary: str,
    action: str,
    product=None,
    replaces=None,
    details: dict | None = None,
) -> Acceptance:
    """What every acceptance leaves: the contact record (or the one given) with a business-handling
    service request referencing the acceptance, the ``Acceptance`` row and the audit event."""
    description = _("业务受理：%(s)s（受理单号 %(n)s）") % {"s": summary, "n": order_number}
    if contact is None:
        now = timezone.now()
        contact = contacts.contact_create(
            actor=actor,
            data=contacts.ContactInput(
                channel=channel,
                subscriber=subscriber,
                started_at=now,
                ended_at=now,
                request_type=RequestType.BUSINESS_HANDLING,
                summary=description,
                recording_ref=recording_ref,
            ),
        )
    contacts.service_request_add(
        actor=actor,
        contact=contact,
        request_type=RequestType.BUSINESS_HANDLING,
        description=description,
        reference=order_number,
    )
    acceptance = Acceptance.objects.create(
        order_number=order_number,
        subscriber=subscriber,
        action=action,
        product=product,
        replaces=replaces,
        details=details or {},
        channel=channel,
        recording_ref=recording_ref,
        contact=contact,
        staff=actor,
    )
    audit.record(
        actor=actor,
        action=f"acceptance.{action}",
        obj=subscriber,
        changes={
            "order_number": order_number,
            "product": product.code if product else None,
            "replaces": replaces.code if replaces else None,
            "details": details or {},
            "channel": channel,
            "recording_ref": recording_ref,
            "contact": contact.pk,
        },
    )
    return acceptance


@transaction.atomic
def subscription_change(
    *,
    actor,
    number: str,
    action: str,
    product: str,
    replaces: str | None = None,
    channel: str = Channel.HOTLINE,
    recording_ref: str = "",
    contact_id: int | None = None,
) -> Acceptance:
    """Order, change or cancel one product for the subscriber of ``number`` (BA-1)."""
    subscriber, contact, recording_ref = _admit(
        actor=actor,
        number=number,
        action=action,
        known=action in AcceptanceAction,
        channel=channel,
        recording_ref=recording_ref,
        contact_id=contact_id,
        usable=lambda s: s.status == SubscriberStatus.ACTIVE,
    )
    new_product = _product(product, field="product")
    old_product = _product(replaces, field="replaces") if replaces else None
    order_number = _order_number(subscriber)
    summary = _apply(subscriber, action, new_product, old_product, reference=order_number, actor=actor)
    return _record(
        actor=actor,
        subscriber=subscriber,
        contact=contact,
        channel=channel,
        recording_ref=recording_ref,
        order_number=order_number,
        summary=summary,
        action=action,
        product=new_product,
        replaces=old_product,
    )


# ---- customer data changes (BA-1): through the billing port, each with its own input


def _contact_details(subscriber, data: dict, reference: str, actor) -> tuple[str, dict]:
    # a field not given keeps its value; a blank one clears it
    customer = subscriber.customer
    details = ContactDetails(
        email=data.get("email", customer.email),
        contact_phone=data.get("contact_phone", customer.contact_phone),
        mailing_address=data.get("mailing_address", subscriber.mailing_address),
    )
    before = get_billing().set_contact_details(
        subscriber.number, details=details, reference=reference, actor=actor
    )
    changed = sorted(
        f for f in ("email", "contact_phone", "mailing_address") if getattr(before, f) != getattr(details, f)
    )
    return _("变更联系方式"), {"fields": changed}


def _ownership_transfer(subscriber, data: dict, reference: str, actor) -> tuple[str, dict]:
    owner = NewOwner(
        name=data["owner_name"],
        id_type=data["owner_id_type"],
        id_number=data["owner_id_number"],
        contact_phone=data.get("owner_contact_phone", ""),
    )
    before = subscriber.customer.masked_id_number
    get_billing().transfer_ownership(subscriber.number, owner=owner, reference=reference, actor=actor)
    return _("过户"), {"id_number": [before, mask_id_number(owner.id_number)], "service_password": "reset"}


def _sim_replacement(subscriber, data: dict, reference: str, actor) -> tuple[str, dict]:
    before = get_billing().replace_sim(
        subscriber.number, iccid=data["iccid"], reference=reference, actor=actor
    )
    return _("补换SIM卡"), {"sim_iccid": [mask_iccid(before), mask_iccid(data["iccid"])]}


def _line_state(state: str):
    def change(subscriber, data: dict, reference: str, actor) -> tuple[str, dict]:
        done = get_billing().set_line_state(
            subscriber.number, state=state, reason=data["reason"], reference=reference, actor=actor
        )
        label = _("申请停机") if state == SubscriberStatus.SUSPENDED else _("申请复机")
        return label, {"status": [done.state_before, done.state_after], "reason": data["reason"]}

    return change


DATA_CHANGES = {
    DataChange.CONTACT_DETAILS: _contact_details,
    DataChange.OWNERSHIP_TRANSFER: _ownership_transfer,
    DataChange.SIM_REPLACEMENT: _sim_replacement,
    DataChange.SUSPEND: _line_state(SubscriberStatus.SUSPENDED),
    DataChange.RESUME: _line_state(SubscriberStatus.ACTIVE),
}


@transaction.atomic
def customer_data_change(
    *,
    actor,
    number: str,
    change: str,
    data: dict,
    channel: str = Channel.HOTLINE,
    recording_ref: str = "",
    contact_id: int | None = None,
) -> Acceptance:
    """Change the customer data of ``number`` through the billing port (BA-1): contact details,
    transfer of ownership (过户), SIM replacement, suspension or resumption on the customer's request.
    The guards of every acceptance apply (a full grant, a changed initial password, a local line, a
    recording by telephone); a line that is closed changes nothing. ``data`` is the change's input
    as :class:`kefu.acceptance.api.serializers.DataChangeSerializer` validates it. Recorded like
    every acceptance: contact record, service request, ``Acceptance`` row (with the change's details,
    personal data masked) and audit; billing's own write is audited with the order number."""
    subscriber, contact, recording_ref = _admit(
        actor=actor,
        number=number,
        action=change,
        known=change in DATA_CHANGES,
        channel=channel,
        recording_ref=recording_ref,
        contact_id=contact_id,
        usable=lambda s: s.status != SubscriberStatus.CLOSED,
    )
    order_number = _order_number(subscriber)
    summary, details = DATA_CHANGES[change](subscriber, data, order_number, actor)
    return _record(
        actor=actor,
        subscriber=subscriber,
        contact=contact,
        channel=channel,
        recording_ref=recording_ref,
        order_number=order_number,
        summary=summary,
        action=change,
        details=details,
    )
