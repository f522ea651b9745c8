"""Telling the customer an order's result by the agreed method (WO-7, Q-4), through the ports.

The order's ``contact_method`` is the method agreed at accept (required for a pre-acceptance); the
feedback step may name another. Three moments, each inside the step's own transaction:

* **reply** — the result is back. If the agreed method is the phone, somebody owes the customer a
  call: a callback task (``contacts.CallbackTask``) for the customer's account manager (SVC-2), else
  for whoever holds the order after the reply (the centre, or the person who dispatched it), else its
  handler. Nothing reaches the customer yet: the centre may still reject the result (reprocess); a
  second reply updates the open task.
* **feedback** (客户反馈: telling the customer and recording satisfaction) — by the method chosen,
  else the agreed one, else the phone: SMS, email and fax send the result through ``notify`` (outbox,
  audit, and an outbound contact record through its hook); the phone means the actor has called, which
  is recorded as an outbound contact. Open callback tasks of the order are settled with that contact.
* **archive** of an order whose flow has no feedback step, with an agreed method: the same sending
  (the phone owes a callback task, as nobody has called).

The text of a message is the published wording ``order.<state>`` of the order-message channel for
the order's customer level when there is one (KB-4, :func:`customer_message`; the wording's code
and version go into ``data["result"]["wording"]``), else the built-in text.

What was done goes into the step's event as ``data["result"]``: ``{"method", "message", "status"}``
for a message (its row in the notify outbox holds the recipient and text), ``{"method", "contact"}``
for a call made, ``{"method", "callback_task", "assignee"}`` for a call owed. Sending happens last in
the step's body, after every guard, so a refused step sends nothing.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from kefu.contacts import services as contacts
from kefu.contacts.choices import CallbackPurpose, Direction
from kefu.notify import services as notify
from kefu.notify.choices import MessagePurpose
from kefu.workorders.choices import ContactMethod, Satisfaction, WorkOrderState
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import WorkOrder
from kefu.workorders.services.holders import holder_of

# an email address the email port can take: one @, no spaces, a dot in the domain
EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def agreed_address_check(method: str, address: str) -> None:
    """At accept: an agreed email or fax address must be one its port can send to, or the result
    could never leave at the feedback (422 ``invalid_contact_address``)."""
    address = (address or "").strip()
    if not address:
        return
    if method == ContactMethod.EMAIL and not EMAIL_ADDRESS.fullmatch(address):
        raise WorkOrderError(_("告知邮箱格式不正确"), code=WorkOrderErrorCode.INVALID_CONTACT_ADDRESS)
    if method == ContactMethod.FAX and not notify.FAX_NUMBER.fullmatch(address):
        raise WorkOrderError(_("告知传真号码格式不正确"), code=WorkOrderErrorCode.INVALID_CONTACT_ADDRESS)


def result_text(order: WorkOrder) -> tuple[str, str]:
    """(subject, text) telling the customer the order's result, in Chinese."""
    subject = _("工单%(n)s处理结果") % {"n": order.number}
    what = order.title or order.get_kind_display()
    text = _("尊敬的客户，您好！您的%(kind)s（%(what)s，工单号%(n)s）已处理完毕：%(r)s") % {
        "kind": order.get_kind_display(),
        "what": what,
        "n": order.number,
        "r": order.result or _("详情请咨询客服热线。"),
    }
    return subject, text


# KB-4: the wording an order-state message takes its text from, ``order.<state>`` in the order-message
# channel; these placeholders in its text are filled in (anything else in braces stays as written).
WORDING_FIELDS = ("number", "kind", "title", "result")


def customer_message(order: WorkOrder, *, state: str) -> tuple[str, str, dict | None]:
    """(subject, text, wording) of the message telling the customer about ``order`` entering
    ``state``: the current published wording ``order.<state>`` for the order's customer level
    (KB-4), else the built-in text (:func:`result_text`, wording ``None``). ``wording`` is
    ``{"code", "version"}`` of the wording used, kept on the step's event."""
    from kefu.knowledge.choices import Channel
    from kefu.knowledge.reading import wording_current

    subject, text = result_text(order)
    wording = wording_current(
        f"order.{state}",
        channel=Channel.ORDER_MESSAGE,
        level=order.customer_level,
        province_id=order.province_id,
    )
    if wording is None:
        return subject, text, None
    values = {
        "number": order.number,
        "kind": str(order.get_kind_display()),
        "title": order.title or str(order.get_kind_display()),
        "result": order.result or _("详情请咨询客服热线。"),
    }
    filled = wording.text
    for name in WORDING_FIELDS:
        filled = filled.replace("{" + name + "}", values[name])
    return subject, filled, {"code": wording.code, "version": wording.published_version}


def _customer(order: WorkOrder):
    return order.subscriber.customer if order.subscriber_id else None


def _recipient(order: WorkOrder, method: str) -> str:
    """Where a message by ``method`` goes: the order's contact number or address, else the subscriber's
    number or the customer's email on record."""
    address = (order.contact_address or "").strip()
    if method == ContactMethod.SMS:
        found = order.contact_number or (order.subscriber.number if order.subscriber_id else "")
    elif method == ContactMethod.EMAIL:
        customer = _customer(order)
        found = address if "@" in address else (customer.email if customer is not None else "")
    else:  # fax
        found = address if address and "@" not in address else ""
    if not found:
        raise WorkOrderError(
            _("没有可用于%(m)s的号码或地址，无法告知处理结果") % {"m": ContactMethod.label(method)},
            code=WorkOrderErrorCode.RESULT_ADDRESS_REQUIRED,
        )
    return found


def result_send(order: WorkOrder, *, actor, method: str, state: str = "") -> dict:
    """Send the result by SMS, email or fax through the ports; the outbox keeps what was sent. The
    text is the wording for ``order.<state>`` when one is published (KB-4), else the built-in one."""
    to = _recipient(order, method)
    subject, text, wording = customer_message(order, state=state)
    common = {"actor": actor, "subscriber": order.subscriber, "purpose": MessagePurpose.ORDER_RESULT}
    if method == ContactMethod.SMS:
        message = notify.sms_send(to=to, text=text, **common)
    elif method == ContactMethod.EMAIL:
        message = notify.email_send(to=to, subject=subject, text=text, **common)
    else:
        message = notify.fax_send(to=to, subject=subject, text=text, **common)
    sent = {
        "method": method,
        "message": message.pk,
        "status": message.status,
        "contact": contacts.message_contact_id(message.channel, message.pk),
    }
    if wording is not None:
        sent["wording"] = wording
    return sent


def _call_number(order: WorkOrder) -> str:
    return order.contact_number or (order.subscriber.number if order.subscriber_id else "")


def result_phoned(order: WorkOrder, *, actor, satisfaction: str = "") -> dict:
    """The actor has called the customer with the result (a callback, 回访): an outbound contact —
    also when nobody answered (satisfaction ``unreachable``), which the summary says."""
    if satisfaction == Satisfaction.UNREACHABLE:
        summary = _("回访工单%(n)s处理结果，未联系上客户") % {"n": order.number}
    else:
        summary = _("回访告知工单%(n)s处理结果：%(r)s") % {"n": order.number, "r": order.result or "—"}
        if satisfaction:
            summary += _("；客户满意度：%(s)s") % {"s": Satisfaction.label(satisfaction)}
    contact = contacts.contact_log(
        actor=actor,
        channel=contacts.staff_channel(actor, outbound=True),
        direction=Direction.OUTBOUND,
        subscriber=order.subscriber,
        number=_call_number(order),
        province_id=order.province_id,
        city_id=order.city_id,
        summary=summary,
        external_ref=order.number,
    )
    return {"method": ContactMethod.PHONE, "contact": contact.pk}


def result_callback_owed(order: WorkOrder, *, actor) -> dict:
    """A call the customer is owed: a callback task for their account manager, else the order's
    holder (a person or a department), else its handler. Without a number to call there is no task."""
    number = _call_number(order)
    if not number:
        return {"method": ContactMethod.PHONE, "callback_task": None}
    customer = _customer(order)
    manager = customer.account_manager if customer is not None else None
    staff = department = None
    if manager is not None and manager.is_active:
        staff = manager
    else:
        holder = holder_of(order)
        staff, department = holder.staff, holder.department
        if staff is None and department is None:
            staff = order.handler
    if staff is None and department is None:
        return {"method": ContactMethod.PHONE, "callback_task": None}
    subject, text = result_text(order)
    task = contacts.callback_task_create(
        actor=actor,
        purpose=CallbackPurpose.ORDER_RESULT,
        summary=text,
        number=number,
        subscriber=order.subscriber,
        reference=order.number,
        assignee_staff=staff,
        assignee_department=department,
        due_at=order.order_due_at,
        province_id=order.province_id,
        city_id=order.city_id,
    )
    assignee = f"staff:{staff.job_number}" if staff is not None else f"department:{department.code}"
    return {"method": ContactMethod.PHONE, "callback_task": task.pk, "assignee": assignee}


# --- the three moments, called from the step bodies in order_actions ----------------------------


def on_reply(order: WorkOrder, *, actor) -> dict:
    """Reply: an agreed phone call becomes a callback task; other methods wait for the feedback."""
    if order.contact_method != ContactMethod.PHONE:
        return {}
    return {"result": result_callback_owed(order, actor=actor)}


def on_feedback(order: WorkOrder, *, actor, method: str, satisfaction: str) -> dict:
    """Feedback: tell the customer by ``method`` and settle the order's open callback tasks — unless
    the call found nobody: then the call is still owed and its task stays open."""
    if method == ContactMethod.PHONE:
        sent = result_phoned(order, actor=actor, satisfaction=satisfaction)
        if satisfaction == Satisfaction.UNREACHABLE:
            return {"result": sent}
    else:
        sent = result_send(order, actor=actor, method=method, state=WorkOrderState.FEEDBACK)
    contacts.callback_tasks_settle(
        actor=actor,
        reference=order.number,
        outcome=_("已通过%(m)s告知处理结果") % {"m": ContactMethod.label(method)},
        contact_id=sent["contact"],
    )
    return {"result": sent}


def on_archive(order: WorkOrder, *, actor, has_feedback_step: bool) -> dict:
    """Archive: an order whose flow never told the customer (no feedback step) does it now by the
    agreed method."""
    if has_feedback_step or not order.contact_method:
        return {}
    if order.contact_method == ContactMethod.PHONE:
        return {"result": result_callback_owed(order, actor=actor)}
    return {
        "result": result_send(order, actor=actor, method=order.contact_method, state=WorkOrderState.ARCHIVED)
    }
