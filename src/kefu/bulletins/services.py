"""Writes on notices (SYS-1): publish to an audience, open, acknowledge. Each is atomic, takes
keyword-only arguments with an ``actor``, appends an audit event, and pushes to the recipients' desk
stream (bus channel ``agent:<job number>``) only after commit."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.bulletins.choices import Audience, NoticeKind
from kefu.bulletins.errors import BulletinErrorCode
from kefu.bulletins.models import Notice, NoticeReceipt
from kefu.core import audit, scope
from kefu.core.bus import get_bus
from kefu.core.choices import Role
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.models import AgentGroup, City, Staff
from kefu.telephony.services import agent_channel  # the desk stream's channel of one member of staff

# Who writes notices: supervisors and administrators (SYS-1).
AUTHORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
# System accounts have no desk to read a notice on.
NOT_RECIPIENTS = (Role.IVR_SYSTEM, Role.PIN_PAD)  # devices, not people
MAX_TITLE = 120
MAX_BODY = 4000
MAX_PERSONS = 50


def _invalid(message: str, code: str = ErrorCode.VALIDATION_FAILED) -> DomainError:
    return DomainError(message, code=code, status=400)


def recipients_of(*, actor, audience: str, target: str = ""):
    """The active staff in ``actor``'s scope that ``audience``/``target`` names, the author and
    system accounts left out. An unknown role, group, city or job number is ``unknown_target``."""
    staff = scope.restrict(Staff.objects.filter(is_active=True), actor)
    staff = staff.exclude(role__in=NOT_RECIPIENTS).exclude(pk=actor.pk)
    target = (target or "").strip()
    if audience == Audience.EVERYONE:
        return staff
    if audience == Audience.ROLE:
        if target not in Role or target in NOT_RECIPIENTS:
            raise _invalid(_("未知的角色：%(t)s") % {"t": target}, BulletinErrorCode.UNKNOWN_TARGET)
        return staff.filter(role=target)
    if audience == Audience.GROUP:
        group = scope.restrict(AgentGroup.objects.all(), actor).filter(code=target).first()
        if group is None:
            raise _invalid(_("未知的逻辑组：%(t)s") % {"t": target}, BulletinErrorCode.UNKNOWN_TARGET)
        return staff.filter(agent_group=group)
    if audience == Audience.CITY:
        city = City.objects.filter(code=target).first()
        if city is None:
            raise _invalid(_("未知的地市：%(t)s") % {"t": target}, BulletinErrorCode.UNKNOWN_TARGET)
        return staff.filter(city=city)
    if audience == Audience.STAFF:
        numbers = sorted({n for n in re.split(r"[\s,，;；]+", target) if n})
        if not numbers or len(numbers) > MAX_PERSONS:
            raise _invalid(_("请填写1至%(n)d个工号") % {"n": MAX_PERSONS}, BulletinErrorCode.UNKNOWN_TARGET)
        chosen = staff.filter(job_number__in=numbers)
        missing = sorted(set(numbers) - set(chosen.values_list("job_number", flat=True)))
        if missing:
            raise _invalid(
                _("工号不存在或不在您的数据权限范围内：%(j)s") % {"j": ", ".join(missing)},
                BulletinErrorCode.UNKNOWN_TARGET,
            )
        return chosen
    raise _invalid(_("未知的接收范围：%(a)s") % {"a": audience})


@transaction.atomic
def notice_publish(
    *,
    actor,
    title: str,
    body: str,
    audience: str,
    target: str = "",
    kind: str = NoticeKind.NOTICE,
    requires_ack: bool = True,
) -> Notice:
    """Publish a notice or internal message to an audience (SYS-1): one receipt per recipient, an
    audit row, and after commit a ``notice`` event on each recipient's desk stream."""
    if getattr(actor, "role", None) not in AUTHORS:
        raise DomainError(_("只有班长或系统管理员可以发布公告"), code=ErrorCode.PERMISSION_DENIED, status=403)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise _invalid(_("标题必填，最长%(n)d个字") % {"n": MAX_TITLE})
    if not body or len(body) > MAX_BODY:
        raise _invalid(_("内容必填，最长%(n)d个字") % {"n": MAX_BODY})
    if kind not in NoticeKind:
        raise _invalid(_("未知的公告类型：%(k)s") % {"k": kind})
    people = list(
        recipients_of(actor=actor, audience=audience, target=target).values_list("pk", "job_number")
    )
    if not people:
        raise _invalid(_("接收范围内没有人员"), BulletinErrorCode.NO_RECIPIENTS)
    notice = Notice.objects.create(
        kind=kind,
        title=title,
        body=body,
        audience=audience,
        target=(target or "").strip(),
        requires_ack=requires_ack,
        author=actor,
        province_id=actor.province_id,
        city_id=actor.city_id,
        recipient_count=len(people),
    )
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, staff_id=pk) for pk, _job in people])
    audit.record(
        actor=actor,
        action="bulletins.notice.publish",
        obj=notice,
        changes={"audience": audience, "target": notice.target, "recipients": len(people), "kind": kind},
    )
    event = {
        "type": "notice",
        "id": notice.pk,
        "kind": kind,
        "title": title,
        "author": actor.name or actor.job_number,
        "requires_ack": requires_ack,
    }
    channels = [agent_channel(job) for _pk, job in people]
    transaction.on_commit(lambda: _push(channels, event))
    return notice


def _push(channels: list[str], event: dict) -> None:
    bus = get_bus()
    for channel in channels:
        bus.publish(channel, event)


def _receipt(actor, notice_id: int) -> NoticeReceipt:
    receipt = (
        NoticeReceipt.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__author")
        .filter(notice_id=notice_id, staff=actor)
        .first()
    )
    if receipt is None:
        if Notice.objects.filter(pk=notice_id).exists():
            raise DomainError(_("您不是该公告的接收人"), code=BulletinErrorCode.NOT_A_RECIPIENT, status=403)
        raise NotFoundError(_("公告不存在"))
    return receipt


@transaction.atomic
def notice_open(*, actor, notice_id: int) -> NoticeReceipt:
    """A recipient opens a notice: the first opening marks it read (audited); later ones change nothing."""
    receipt = _receipt(actor, notice_id)
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
        audit.record(actor=actor, action="bulletins.notice.read", obj=receipt.notice)
    return receipt


@transaction.atomic
def notice_acknowledge(*, actor, notice_id: int) -> NoticeReceipt:
    """A recipient acknowledges a notice (read and understood): who and when are kept and counted
    for the author; acknowledging marks it read too. Acknowledging again changes nothing."""
    receipt = _receipt(actor, notice_id)
    if receipt.acknowledged_at is not None:
        return receipt
    now = timezone.now()
    receipt.acknowledged_at = now
    receipt.read_at = receipt.read_at or now
    receipt.save(update_fields=["read_at", "acknowledged_at"])
    audit.record(actor=actor, action="bulletins.notice.acknowledge", obj=receipt.notice)
    return receipt
