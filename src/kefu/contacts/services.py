"""Writes on contact records (CON-1..6) and service requests (SR-1). Every write is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.choices import CallbackState, Channel, ContactStatus, Direction, LinkKind, RequestModule
from kefu.contacts.errors import ContactError, ContactErrorCode
from kefu.contacts.models import (
    CORRECTABLE_FIELDS,
    CallbackTask,
    ContactCorrection,
    ContactLink,
    ContactRecord,
    ServiceRequest,
    WrapUpReason,
)
from kefu.core import audit, scope
from kefu.core.choices import RequestType, Role
from kefu.core.errors import ErrorCode, ScopeError

# Roles that may wrap up a contact another member of staff had (their team's; CON-1 after-call work).
WRAP_UP_ROLES = (Role.SUPERVISOR,)

# Roles allowed to correct a contact record afterwards (CON-6).
CORRECTING_ROLES = (Role.SUPERVISOR, Role.QUALITY_INSPECTOR, Role.BACK_OFFICE, Role.ADMINISTRATOR)

# Where each request type leads (SR-1).
MODULE_OF = {
    RequestType.CONSULTATION: RequestModule.KNOWLEDGE,
    RequestType.COMPLAINT: RequestModule.WORK_ORDER,
    RequestType.SUGGESTION: RequestModule.WORK_ORDER,
    RequestType.QUERY: RequestModule.QUERY,
    RequestType.BUSINESS_HANDLING: RequestModule.BUSINESS_ACCEPTANCE,
    RequestType.FAULT_REPORT: RequestModule.FAULT_REPORT,
}


def repeat_window() -> timedelta:
    return timedelta(days=getattr(settings, "KEFU_REPEAT_CONTACT_DAYS", 7))


def _placement(*, actor, subscriber):
    """Province and city a new contact belongs to: the subscriber's home, else the actor's."""
    if subscriber is not None:
        return subscriber.home_province_id, subscriber.home_city_id
    return actor.province_id, actor.city_id


def _check_writable(actor, province_id, city_id, subscriber=None) -> None:
    """Refuse a contact outside the actor's scope. A walk-in's (SVC-1: another city of the province,
    authenticated to this member of staff, ``scope.may_serve``) is allowed."""
    if scope.may_write_to(actor, province_id=province_id, city_id=city_id):
        return
    if subscriber is not None and scope.may_serve(subscriber, actor):
        return
    raise ScopeError(_("该号码不在您的数据权限范围内"))


@dataclass(frozen=True)
class ContactInput:
    """One contact as channels, the desk and imports describe it."""

    channel: str
    direction: str = Direction.INBOUND
    number: str = ""
    subscriber: object | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    request_type: str = ""
    category: object | None = None
    summary: str = ""
    recording_ref: str = ""
    call_id: str = ""
    external_ref: str = ""


def _validate(data: ContactInput) -> None:
    if data.channel not in Channel:
        raise ContactError(_("未知渠道：%(v)s") % {"v": data.channel}, code=ErrorCode.VALIDATION_FAILED)
    if data.direction not in Direction:
        raise ContactError(_("未知方向：%(v)s") % {"v": data.direction}, code=ErrorCode.VALIDATION_FAILED)
    if data.request_type and data.request_type not in RequestType:
        raise ContactError(
            _("未知请求类型：%(v)s") % {"v": data.request_type}, code=ErrorCode.VALIDATION_FAILED
        )
    if data.started_at and data.ended_at and data.ended_at < data.started_at:
        raise ContactError(_("结束时间早于开始时间"), code=ContactErrorCode.INVALID_TIMES)


def _build(actor, data: ContactInput) -> ContactRecord:
    province_id, city_id = _placement(actor=actor, subscriber=data.subscriber)
    _check_writable(actor, province_id, city_id, data.subscriber)
    started = data.started_at or timezone.now()
    contact = ContactRecord(
        channel=data.channel,
        direction=data.direction,
        subscriber=data.subscriber,
        number=data.number or (data.subscriber.number if data.subscriber is not None else ""),
        staff=actor if getattr(actor, "is_authenticated", False) else None,
        province_id=province_id,
        city_id=city_id,
        started_at=started,
        request_type=data.request_type,
        category=data.category,
        summary=data.summary,
        recording_ref=data.recording_ref,
        call_id=data.call_id,
        external_ref=data.external_ref,
    )
    if data.ended_at is not None:
        contact.ended_at = data.ended_at
        contact.duration_seconds = int((data.ended_at - started).total_seconds())
        contact.status = ContactStatus.CLOSED
    return contact


def _link_repeats(contact: ContactRecord) -> ContactLink | None:
    """Link a contact to the latest earlier one of the same subscriber and category (CON-3)."""
    if contact.subscriber_id is None or contact.category_id is None:
        return None
    earlier = (
        ContactRecord.objects.filter(
            subscriber_id=contact.subscriber_id,
            category_id=contact.category_id,
            started_at__gt=contact.started_at - repeat_window(),
            started_at__lte=contact.started_at,
        )
        .exclude(pk=contact.pk)
        .order_by("-started_at", "-id")
        .first()
    )
    if earlier is None:
        return None
    link, _ = ContactLink.objects.get_or_create(
        from_contact=contact, to_contact=earlier, defaults={"kind": LinkKind.REPEAT}
    )
    return link


@transaction.atomic
def contact_create(*, actor, data: ContactInput) -> ContactRecord:
    """Open (or, with an end time, record) one contact; link it to a repeat contact if any."""
    _validate(data)
    contact = _build(actor, data)
    contact.save()
    _link_repeats(contact)
    changes = {"channel": contact.channel, "number": contact.number, "status": contact.status}
    if data.subscriber is not None and scope.is_walk_in(data.subscriber, actor):
        changes["walk_in"] = True  # SVC-1: served at a hall of another city, after authentication
    audit.record(actor=actor, action="contact.create", obj=contact, changes=changes)
    return contact


@transaction.atomic
def contact_close(
    *, actor, contact: ContactRecord, ended_at: datetime | None = None, summary: str | None = None
):
    """Close an open contact with its end time and duration."""
    contact = ContactRecord.objects.select_for_update().get(pk=contact.pk)
    if contact.status == ContactStatus.CLOSED:
        raise ContactError(_("接触记录已结束"), code=ContactErrorCode.ALREADY_CLOSED, status=409)
    ended_at = ended_at or timezone.now()
    if ended_at < contact.started_at:
        raise ContactError(_("结束时间早于开始时间"), code=ContactErrorCode.INVALID_TIMES)
    contact.ended_at = ended_at
    contact.duration_seconds = int((ended_at - contact.started_at).total_seconds())
    contact.status = ContactStatus.CLOSED
    fields = ["ended_at", "duration_seconds", "status"]
    if summary is not None:
        contact.summary = summary
        fields.append("summary")
    contact.save(update_fields=fields)
    audit.record(
        actor=actor, action="contact.close", obj=contact, changes={"duration": contact.duration_seconds}
    )
    return contact


def wrap_up_summary_max() -> int:
    return int(getattr(settings, "KEFU_WRAP_UP_SUMMARY_MAX", 2000))


@transaction.atomic
def contact_wrap_up(*, actor, contact: ContactRecord, reason: str, summary: str = "") -> ContactRecord:
    """After-call work (话后处理): the contact's own agent — or a supervisor of its scope — writes the
    contact summary (接触摘要) and the wrap-up reason, once; changing them later is a correction with
    history (CON-6). ``reason`` is the code of an active :class:`WrapUpReason`. A blank summary keeps
    what the record already says. Refused (nothing written): 422 ``wrap_up_reason_required``,
    422 ``wrap_up_summary_too_long``, 403 ``wrap_up_forbidden``, 409 ``contact_already_wrapped_up``."""
    own = contact.staff_id is not None and contact.staff_id == getattr(actor, "pk", None)
    if not own and not (actor.role in WRAP_UP_ROLES and scope.in_scope(contact, actor)):
        raise ContactError(
            _("只有该接触的受理人或班长可以填写话后处理"), code=ContactErrorCode.WRAP_UP_FORBIDDEN, status=403
        )
    found = WrapUpReason.objects.filter(code=(reason or "").strip(), active=True).first()
    if found is None:
        raise ContactError(
            _("请选择话后处理原因"), code=ContactErrorCode.WRAP_UP_REASON_REQUIRED, field="reason"
        )
    summary = (summary or "").strip()
    if len(summary) > wrap_up_summary_max():
        raise ContactError(
            _("接触摘要不能超过 %(n)s 字") % {"n": wrap_up_summary_max()},
            code=ContactErrorCode.WRAP_UP_SUMMARY_TOO_LONG,
            field="summary",
        )
    contact = ContactRecord.objects.select_for_update().get(pk=contact.pk)
    if contact.wrapped_up_at is not None:
        raise ContactError(
            _("该接触已完成话后处理；如需修改请更正接触记录"),
            code=ContactErrorCode.ALREADY_WRAPPED_UP,
            status=409,
        )
    contact.wrap_up_reason = found
    contact.wrapped_up_at = timezone.now()
    contact.wrapped_up_by = actor
    fields = ["wrap_up_reason", "wrapped_up_at", "wrapped_up_by"]
    if summary:
        contact.summary = summary
        fields.append("summary")
    contact.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="contact.wrap_up",
        obj=contact,
        changes={"reason": found.code, "summary_length": len(summary)},
    )
    return contact


@transaction.atomic
def contact_correct(*, actor, contact: ContactRecord, changes: dict, reason: str) -> list[ContactCorrection]:
    """Correct permitted fields of a contact record, keeping each old value as history (CON-6)."""
    if actor.role not in CORRECTING_ROLES:
        raise ContactError(
            _("您的角色不能更正接触记录"), code=ContactErrorCode.CORRECTION_FORBIDDEN, status=403
        )
    if not reason or not reason.strip():
        raise ContactError(_("请填写更正原因"), code=ContactErrorCode.REASON_REQUIRED)
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ContactError(
            _("以下字段不允许更正：%(f)s") % {"f": ", ".join(unknown)}, code=ContactErrorCode.NOT_CORRECTABLE
        )
    if "request_type" in changes and changes["request_type"] not in RequestType:
        raise ContactError(
            _("未知请求类型：%(v)s") % {"v": changes["request_type"]}, code=ErrorCode.VALIDATION_FAILED
        )
    contact = ContactRecord.objects.select_for_update().get(pk=contact.pk)
    corrections = []
    for field, new in changes.items():
        attname = "category_id" if field == "category" else field
        new_value = getattr(new, "pk", new)
        old_value = getattr(contact, attname)
        if str(old_value or "") == str(new_value or ""):
            continue
        setattr(contact, attname, new_value)
        corrections.append(
            ContactCorrection(
                contact=contact,
                field=field,
                old_value=str(old_value or ""),
                new_value=str(new_value or ""),
                reason=reason.strip(),
                actor=actor,
            )
        )
    if corrections:
        contact.save(update_fields=[("category" if c.field == "category" else c.field) for c in corrections])
        ContactCorrection.objects.bulk_create(corrections)
        audit.record(
            actor=actor,
            action="contact.correct",
            obj=contact,
            changes={c.field: {"old": c.old_value, "new": c.new_value} for c in corrections}
            | {"reason": reason},
        )
    return corrections


@transaction.atomic
def contact_link(*, actor, from_contact: ContactRecord, to_contact: ContactRecord) -> ContactLink:
    """Link two related contacts by hand (CON-3)."""
    if from_contact.pk == to_contact.pk:
        raise ContactError(_("不能关联到自身"), code=ContactErrorCode.INVALID_LINK)
    if not scope.in_scope(to_contact, actor):
        raise ScopeError(_("关联的接触记录不在您的数据权限范围内"))
    link, created = ContactLink.objects.get_or_create(
        from_contact=from_contact,
        to_contact=to_contact,
        defaults={"kind": LinkKind.MANUAL, "created_by": actor},
    )
    if created:
        audit.record(actor=actor, action="contact.link", obj=from_contact, changes={"to": to_contact.pk})
    return link


@transaction.atomic
def service_request_add(
    *,
    actor,
    contact: ContactRecord,
    request_type: str,
    category=None,
    description: str = "",
    reference: str = "",
    module: str = "",
) -> ServiceRequest:
    """Record what the customer asked for; the type decides the module it leads to (SR-1), unless
    the caller names it (a consultation the agent turned into a work order)."""
    if request_type not in RequestType:
        raise ContactError(_("未知请求类型：%(v)s") % {"v": request_type}, code=ErrorCode.VALIDATION_FAILED)
    request = ServiceRequest.objects.create(
        contact=contact,
        request_type=request_type,
        category=category,
        description=description,
        module=module or MODULE_OF[request_type],
        reference=reference,
    )
    if not contact.request_type:
        contact.request_type = request_type
        contact.category = category
        contact.save(update_fields=["request_type", "category"])
        _link_repeats(contact)
    audit.record(
        actor=actor, action="contact.service_request", obj=contact, changes={"request_type": request_type}
    )
    return request


@transaction.atomic
def contacts_import(*, actor, rows: list[ContactInput]) -> list[ContactRecord]:
    """Import already validated rows in one transaction: all or nothing (CON-2)."""
    contacts = []
    for data in rows:
        _validate(data)
        contacts.append(_build(actor, data))
    created = ContactRecord.objects.bulk_create(contacts, batch_size=1000)
    if not all(c.pk for c in created):  # SQLite before 3.35 does not return ids; refetch is not needed on PG
        created = list(ContactRecord.objects.filter(staff=actor).order_by("-id")[: len(contacts)])
    for contact in created:
        _link_repeats(contact)
    audit.record(
        actor=actor,
        action="contact.import",
        object_type="contacts.contactrecord",
        changes={"rows": len(created)},
    )
    return created


# --- contacts left by other services (CON-1, CON-2: created automatically by channels) -----------

# The channel a member of staff serves in when nothing else says (a query at the hall counter is a
# hall contact); roles absent here are back-office roles, whose contacts are the hotline's.
STAFF_CHANNEL = {
    Role.HALL_STAFF: Channel.HALL,
    Role.VIP_MANAGER: Channel.VIP_MANAGER,
    Role.IVR_SYSTEM: Channel.IVR,
}

# the channel of each outgoing message kind of ``notify`` (its MessageChannel values)
MESSAGE_CHANNEL = {"sms": Channel.SMS, "email": Channel.EMAIL, "fax": Channel.FAX}


def staff_channel(actor, *, outbound: bool = False) -> str:
    """The channel of a contact ``actor`` makes in person or by phone: the hall, the VIP manager, the
    IVR; else the hotline (inbound) or an outbound call."""
    channel = STAFF_CHANNEL.get(getattr(actor, "role", ""))
    if channel is not None:
        return channel
    return Channel.OUTBOUND if outbound else Channel.HOTLINE


@transaction.atomic
def contact_log(
    *,
    actor,
    channel: str,
    direction: str,
    summary: str,
    subscriber=None,
    number: str = "",
    province_id: int | None = None,
    city_id: int | None = None,
    request_type: str = "",
    external_ref: str = "",
    at: datetime | None = None,
) -> ContactRecord:
    """Record an interaction another service has just carried out — a message sent, a callback made,
    a query answered (CON-1). The record is closed at once. It belongs to the province and city given
    (the place of what was done), else the subscriber's home, else the actor's; no scope check of its
    own: the service that acted has checked it, and this row only records what happened."""
    if channel not in Channel or direction not in Direction:
        raise ContactError(_("未知渠道或方向"), code=ErrorCode.VALIDATION_FAILED)
    if province_id is None:
        province_id, city_id = _placement(actor=actor, subscriber=subscriber)
    at = at or timezone.now()
    contact = ContactRecord.objects.create(
        channel=channel,
        direction=direction,
        subscriber=subscriber,
        number=number or (subscriber.number if subscriber is not None else ""),
        staff=actor if getattr(actor, "is_authenticated", False) else None,
        province_id=province_id,
        city_id=city_id,
        started_at=at,
        ended_at=at,
        duration_seconds=0,
        status=ContactStatus.CLOSED,
        request_type=request_type,
        summary=summary,
        external_ref=external_ref[:64],
    )
    audit.record(
        actor=actor,
        action="contact.log",
        obj=contact,
        changes={"channel": channel, "direction": direction, "number": contact.number},
    )
    return contact


def contact_log_message(message, *, actor) -> ContactRecord:
    """Listener of ``notify.hooks``: every SMS, email or fax kefu sends to a customer is an outbound
    contact in that channel (CON-1). The summary is the outbox's text, where one-time passwords are
    already masked."""
    purpose = message.get_purpose_display()
    status = "" if message.status == "sent" else _("（发送失败）")
    return contact_log(
        actor=actor,
        channel=MESSAGE_CHANNEL[message.channel],
        direction=Direction.OUTBOUND,
        subscriber=message.subscriber,
        number=message.number or message.to,
        province_id=message.province_id,
        city_id=message.city_id,
        summary=f"{purpose}{status}：{message.text}"[:2000],
        external_ref=f"{message.channel}:{message.pk}",
        at=message.created_at,
    )


# Work done for a customer without a call (a query at the counter, a lookup for a walk-in) joins the
# contact the same member of staff has had with that customer within this many minutes (CON-1: one
# interaction, one record), else it opens a new one.
QUERY_CONTACT_MINUTES = 30


@transaction.atomic
def contact_for_service(*, actor, subscriber=None, number: str = "", summary: str = "", **placement):
    """The contact in which ``actor`` is serving this customer now, without a call: the latest inbound
    contact of the same member of staff with the same customer in the last
    ``KEFU_QUERY_CONTACT_MINUTES`` minutes, else a new one in the actor's channel (CON-1)."""
    minutes = getattr(settings, "KEFU_QUERY_CONTACT_MINUTES", QUERY_CONTACT_MINUTES)
    recent = ContactRecord.objects.filter(
        staff_id=getattr(actor, "pk", None),
        direction=Direction.INBOUND,
        started_at__gte=timezone.now() - timedelta(minutes=minutes),
    )
    recent = recent.filter(subscriber=subscriber) if subscriber is not None else recent.filter(number=number)
    contact = recent.order_by("-started_at", "-id").first()
    if contact is not None:
        return contact
    return contact_log(
        actor=actor,
        channel=staff_channel(actor),
        direction=Direction.INBOUND,
        subscriber=subscriber,
        number=number,
        summary=summary,
        **placement,
    )


# --- callback tasks (SR-2 callback, PRO-1, WO-7 result by phone) -------------------------------------


@transaction.atomic
def callback_task_create(
    *,
    actor,
    purpose: str,
    summary: str,
    number: str,
    subscriber=None,
    reference: str = "",
    assignee_staff=None,
    assignee_department=None,
    due_at: datetime | None = None,
    province_id: int,
    city_id: int | None = None,
) -> CallbackTask:
    """Owe a customer a callback: one open task per (reference, purpose) — asking again for the same
    reference updates the open task's summary and assignee instead of adding a second one."""
    if assignee_staff is None and assignee_department is None:
        raise ContactError(_("回访任务须指定回访人或部门"), code=ContactErrorCode.CALLBACK_NO_ASSIGNEE)
    if not number:
        raise ContactError(_("回访任务须有回访号码"), code=ContactErrorCode.CALLBACK_NUMBER_REQUIRED)
    task = None
    if reference:
        task = (
            CallbackTask.objects.select_for_update()
            .filter(reference=reference, purpose=purpose, state=CallbackState.OPEN)
            .first()
        )
    if task is None:
        task = CallbackTask(purpose=purpose, reference=reference, created_by=_staff(actor))
    task.summary, task.number, task.subscriber = summary, number, subscriber
    task.assignee_staff, task.assignee_department, task.due_at = assignee_staff, assignee_department, due_at
    task.province_id, task.city_id = province_id, city_id
    adding = task._state.adding
    task.save()
    audit.record(
        actor=actor,
        action="contact.callback.create" if adding else "contact.callback.update",
        obj=task,
        changes={
            "purpose": purpose,
            "reference": reference,
            "assignee": assignee_staff.job_number if assignee_staff else assignee_department.code,
        },
    )
    return task


def _staff(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def callback_task_complete(
    *, actor, task: CallbackTask, outcome: str, contact: ContactRecord | None = None
) -> CallbackTask:
    """Record the callback made: the assignee (a member of the assignee department, or a supervisor)
    closes the task with its outcome; the call is an outbound contact record (CON-1) unless the
    caller already recorded it (``contact``)."""
    # the assignee department is read for the check; only the task row is locked (the race: two people
    # completing one task)
    task = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("assignee_department")
        .get(pk=task.pk)
    )
    if task.state != CallbackState.OPEN:
        raise ContactError(_("回访任务已结束"), code=ContactErrorCode.CALLBACK_NOT_OPEN, status=409)
    if actor.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR) and not task.is_assigned_to(actor):
        raise ContactError(
            _("该回访任务不是分配给您的"), code=ContactErrorCode.CALLBACK_NOT_ASSIGNED, status=403
        )
    if not (outcome or "").strip():
        raise ContactError(_("请填写回访结果"), code=ContactErrorCode.REASON_REQUIRED)
    if contact is None:
        contact = contact_log(
            actor=actor,
            channel=staff_channel(actor, outbound=True),
            direction=Direction.OUTBOUND,
            subscriber=task.subscriber,
            number=task.number,
            province_id=task.province_id,
            city_id=task.city_id,
            summary=_("回访：%(s)s；结果：%(o)s") % {"s": task.summary, "o": outcome.strip()},
            external_ref=task.reference,
        )
    task.state, task.outcome, task.contact = CallbackState.DONE, outcome.strip(), contact
    task.done_by, task.done_at = actor, timezone.now()
    task.save(update_fields=["state", "outcome", "contact", "done_by", "done_at"])
    audit.record(actor=actor, action="contact.callback.complete", obj=task, changes={"contact": contact.pk})
    return task


def callback_tasks_open(*, reference: str):
    """The open callback tasks about ``reference`` (a work order number)."""
    return CallbackTask.objects.filter(reference=reference, state=CallbackState.OPEN).order_by("id")


@transaction.atomic
def callback_tasks_settle(*, actor, reference: str, outcome: str, contact_id: int | None = None) -> int:
    """The customer has been told what the open callback tasks about ``reference`` were for (by
    whoever did it, in whatever channel): close them as done with that ``outcome`` (and the contact,
    when one is known). Returns how many were closed."""
    tasks = list(callback_tasks_open(reference=reference).select_for_update())
    now = timezone.now()
    for task in tasks:
        task.state, task.outcome, task.contact_id = CallbackState.DONE, outcome, contact_id
        task.done_by, task.done_at = _staff(actor), now
        task.save(update_fields=["state", "outcome", "contact", "done_by", "done_at"])
        audit.record(
            actor=actor, action="contact.callback.settle", obj=task, changes={"reference": reference}
        )
    return len(tasks)


def message_contact_id(channel: str, message_id: int) -> int | None:
    """The contact record :func:`contact_log_message` left for one outgoing message."""
    return (
        ContactRecord.objects.filter(external_ref=f"{channel}:{message_id}")
        .values_list("pk", flat=True)
        .first()
    )
