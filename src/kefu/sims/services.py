"""SIMS writes (SP-1, SP-3, WO-3/WO-4 on the second line).

- ``apply``: a ``workorder.*`` event from the hub — a new SP complaint (or another round), feedback,
  archive, reprocess, cancel, urge, comment — on the SIMS copy, with the points it costs the SP;
- ``order_act``: the SP desk — receive, process, reply, return with a reason, comment, urge — each
  recorded and sent to the hub in one transaction (the steps every second line's desk takes,
  :class:`kefu.crosslevel.desk.SecondLineDesk`, plus the points of a late reply);
- points: deducted automatically by the active :class:`SpPointRule` rows, once per order, event and
  round (``points_deduct``; ``points_sweep`` for replies still missing after the limit);
- the SP-3 duty profile: ``sp_profile_update`` (the service contact and mobile are fixed during the
  contract; a replaced hotline stays on record two months), ``sp_for_hotline``.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import audit, scope
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies, messages
from kefu.crosslevel.desk import SecondLineDesk
from kefu.federation.envelope import Message
from kefu.sims.errors import SimsError, SimsErrorCode
from kefu.sims.models import (
    AWAITING_REPLY,
    ContactField,
    PointEvent,
    SpContactChange,
    SpOrder,
    SpOrganisation,
    SpPointEntry,
    SpPointRule,
)
from kefu.workorders.choices import Satisfaction

logger = logging.getLogger("kefu.sims")

DESK = SecondLineDesk(
    model=SpOrder,
    roles=frozenset({Role.SP_STAFF, Role.ADMINISTRATOR}),
    error=SimsError,
    codes=SimsErrorCode,
    text_required=SimsErrorCode.COMMENT_REQUIRED,
    not_staff=gettext_lazy("只有SP人员可以处理SP投诉工单"),
    audit_as="sims",
)
DESK_ROLES = DESK.roles
DESK_ACTIONS = DESK.actions
SP_CODE = re.compile(r"^SP\d{6}$")
FIXED_LINE = re.compile(r"^(0\d{2,3}\d{7,8}|400\d{7}|800\d{7})$")  # no extension: "-123" is refused
MOBILE = re.compile(r"^1[3-9]\d{9}$")
HOTLINE_KEPT = 2  # months a replaced hotline stays on record (SP-3)


# --- points ----------------------------------------------------------------------------------------


def month_of(at: datetime) -> date:
    day = timezone.localdate(at)
    return day.replace(day=1)


def points_deduct(*, order: SpOrder, event: str, at: datetime | None = None) -> SpPointEntry | None:
    """Deduct the SP's points for ``event`` on ``order`` by the active rule; at most once per order,
    event and round. Returns the entry, or None (no active rule, or already deducted)."""
    rule = SpPointRule.objects.filter(event=event, active=True).first()
    if rule is None or rule.points == 0:
        return None
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return SpPointEntry.objects.create(
                sp_code=order.sp_code, order_number=order.number, event=event, round=order.rounds,
                points=rule.points, at=at, month=month_of(at),
            )  # fmt: skip
    except IntegrityError:
        return None


def _reply_due(at: datetime) -> datetime | None:
    rule = SpPointRule.objects.filter(event=PointEvent.OVERDUE_REPLY, active=True).first()
    return at + timedelta(hours=rule.hours) if rule and rule.hours else None


def points_sweep(*, now: datetime | None = None, batch: int = 500) -> int:
    """Deduct for orders whose reply is past the limit and still missing; idempotent."""
    now = now or timezone.now()
    done = 0
    late = SpOrder.objects.filter(state__in=AWAITING_REPLY, reply_due_at__lt=now)
    for order in late.order_by("reply_due_at")[:batch]:
        if points_deduct(order=order, event=PointEvent.OVERDUE_REPLY, at=now):
            done += 1
    return done


def statement(*, sp: SpOrganisation, month: date) -> dict:
    """The monthly points statement of one SP: base, deductions per event, remaining."""
    from django.db.models import Count, Sum

    rows = (
        SpPointEntry.objects.filter(sp_code=sp.code, month=month)
        .values("event").annotate(n=Count("id"), points=Sum("points")).order_by("event")
    )  # fmt: skip
    lines = [
        {"event": r["event"], "label": PointEvent.label(r["event"]), "count": r["n"], "points": r["points"]}
        for r in rows
    ]
    deducted = sum(line["points"] for line in lines)
    return {"sp": sp, "month": month, "base": sp.base_points, "lines": lines, "deducted": deducted,
            "remaining": sp.base_points - deducted}  # fmt: skip


# --- orders from the hub ---------------------------------------------------------------------------


def apply(message: Message) -> dict:
    """A ``workorder.*`` event from the hub (SIMS side). Runs inside the receiving transaction."""
    payload = message.payload
    action = payload.get("action", "")
    now = timezone.now()
    data = payload.get("data") or {}
    order = DESK.copy_from_hub(
        message, sp_code=(data.get("sp_code") or "").upper(), rounds=int(data.get("round") or 1)
    )
    if order is None:
        return {"applied": False, "skipped": "unknown order"}
    if action == messages.DISPATCH:
        sp_code = (data.get("sp_code") or order.sp_code).upper()
        if order.pk and sp_code != order.sp_code:
            # dispatched on to another SP: what the last one answered is not the new SP's to read (its
            # events stay, and the desk shows each SP only its own part: crosslevel.selectors.sp_part)
            order.return_reason = order.result = ""
        order.sp_code = sp_code
    if action in (messages.DISPATCH, messages.REPROCESS):  # a new round: the reply limit starts again
        order.dispatched_at = now
        order.reply_due_at = _reply_due(now)
    copies.apply_message(order, message, now=now)
    if (
        action == messages.DISPATCH
        and not SpOrganisation.objects.filter(code=order.sp_code, active=True).exists()
    ):
        # not an SP of this SIMS: returned at once, with the reason (WO-4 return)
        reason = _("SIMS没有SP %(c)s，请核实SP代码") % {"c": order.sp_code or "—"}
        return DESK.return_at_once(order, reason=reason, now=now)
    if action == messages.DISPATCH and order.rounds == 1:
        points_deduct(order=order, event=PointEvent.COMPLAINT, at=now)
    elif action == messages.REPROCESS:
        points_deduct(order=order, event=PointEvent.REPROCESS, at=now)
    elif action == messages.FEEDBACK and order.satisfaction == Satisfaction.DISSATISFIED:
        points_deduct(order=order, event=PointEvent.DISSATISFIED, at=now)
    return {"applied": True, "state": order.state}


# --- the SP desk -----------------------------------------------------------------------------------

order_for = DESK.order_for
query_hub = DESK.query_hub  # query (查询): SIMS asks the hub for the order's state


def _late_reply(order: SpOrder, action: str, now: datetime) -> None:
    """A reply after the limit costs the SP its points (SP-1)."""
    if action == messages.REPLY and order.reply_due_at and now > order.reply_due_at:
        points_deduct(order=order, event=PointEvent.OVERDUE_REPLY, at=now)


def order_act(*, actor, number: str, action: str, comment: str = "") -> SpOrder:
    """An SP desk action (SP-1, WO-4): receive, process (progress), reply (the result), return (with a
    reason), comment, urge. Recorded on SIMS and sent to the hub in the same transaction; a late reply
    deducts the SP's points in it."""
    return DESK.act(actor=actor, number=number, action=action, comment=comment, before_send=_late_reply)


# --- SP organisations and their duty profile (SP-3) -----------------------------------------------


@transaction.atomic
def sp_create(*, actor, code: str, name: str, hotline: str = "", service_mobile: str = "",
              contact_name: str = "", contact_phone: str = "", contract_start=None, contract_end=None,
              base_points: int = 100) -> SpOrganisation:  # fmt: skip
    if actor is not None and actor.role != Role.ADMINISTRATOR:
        raise SimsError(_("只有系统管理员可以登记SP"), code=SimsErrorCode.PERMISSION_DENIED, status=403)
    code = (code or "").strip().upper()
    if not SP_CODE.match(code):
        raise SimsError(_("SP代码应为 SP 加6位数字"), code=SimsErrorCode.VALIDATION_FAILED)
    _check_numbers(hotline=hotline, service_mobile=service_mobile)
    sp, created = SpOrganisation.objects.get_or_create(code=code, defaults=dict(
        name=name, hotline=hotline, service_mobile=service_mobile, contact_name=contact_name,
        contact_phone=contact_phone, contract_start=contract_start, contract_end=contract_end,
        base_points=base_points))  # fmt: skip
    if created:
        audit.record(actor=actor, action="sims.sp_create", obj=sp, changes={"code": code})
    return sp


def _check_numbers(*, hotline: str = "", service_mobile: str = "") -> None:
    if hotline and not FIXED_LINE.match(hotline):
        raise SimsError(_("客服热线须为固定电话（可接IVR，不能是分机）"), code=SimsErrorCode.HOTLINE_INVALID)
    if service_mobile and not MOBILE.match(service_mobile):
        raise SimsError(_("服务手机须为本网手机号码"), code=SimsErrorCode.MOBILE_INVALID)


def _add_months(day: date, months: int) -> date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def sp_profile_update(*, actor, code: str, now=None, **changes) -> SpOrganisation:
    """Change an SP's duty contacts (SP-3). During the contract the service contact and the service
    mobile may not change (``contact_locked``); a changed hotline is kept on record two months."""
    if actor.role not in DESK_ROLES:
        raise SimsError(_("无权修改SP服务信息"), code=SimsErrorCode.PERMISSION_DENIED, status=403)
    sp = scope.restrict(SpOrganisation.objects.select_for_update().filter(code=code), actor).first()
    if sp is None:
        raise NotFoundError(_("SP %(c)s 不存在") % {"c": code})
    now = now or timezone.now()
    today = timezone.localdate(now)
    wanted = {k: (v or "").strip() for k, v in changes.items() if k in ContactField.values()}
    _check_numbers(hotline=wanted.get("hotline", ""), service_mobile=wanted.get("service_mobile", ""))
    changed = {k: v for k, v in wanted.items() if v != getattr(sp, k)}
    locked = {ContactField.SERVICE_MOBILE, ContactField.CONTACT_NAME, ContactField.CONTACT_PHONE}
    if sp.under_contract(today) and locked & set(changed):
        raise SimsError(
            _("合同期内服务联系人和服务手机不得变更"), code=SimsErrorCode.CONTACT_LOCKED, status=409
        )
    for field, value in changed.items():
        SpContactChange.objects.create(
            sp=sp, field=field, old_value=getattr(sp, field), new_value=value, changed_at=now,
            changed_by=actor.job_number,
            keep_until=_add_months(today, HOTLINE_KEPT) if field == ContactField.HOTLINE and getattr(sp, field) else None,
        )  # fmt: skip
        setattr(sp, field, value)
    if changed:
        sp.save()
        audit.record(actor=actor, action="sims.sp_profile", obj=sp, changes=changed)
    return sp


def sp_for_hotline(number: str, *, day: date | None = None) -> SpOrganisation | None:
    """The SP a hotline number belongs to: its current hotline, or one replaced less than two months
    ago (SP-3)."""
    day = day or timezone.localdate()
    sp = SpOrganisation.objects.filter(hotline=number).first()
    if sp is not None:
        return sp
    change = (
        SpContactChange.objects.filter(field=ContactField.HOTLINE, old_value=number, keep_until__gte=day)
        .select_related("sp").order_by("-changed_at").first()
    )  # fmt: skip
    return change.sp if change else None


_last_sweep = {"at": 0.0}


def sweep_due(*, every: float = 60.0) -> int:
    """Run ``points_sweep`` on a SIMS node when the last run is ``every`` seconds old (called before each
    delivery round; cheap otherwise)."""
    import time

    if settings.KEFU_ROLE != "sims" or time.monotonic() - _last_sweep["at"] < every:
        return 0
    _last_sweep["at"] = time.monotonic()
    return points_sweep()
