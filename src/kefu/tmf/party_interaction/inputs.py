"""Bodies of POST (PartyInteraction_Create) and PATCH (PartyInteraction_Update, merge patch) turned into
calls of kefu.contacts.services. Bad input raises a 400 DomainError naming the attribute; nothing is
written before the whole body has been read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from kefu.contacts.choices import ContactStatus
from kefu.contacts.errors import ContactErrorCode
from kefu.contacts.models import ContactRecord
from kefu.contacts.services import ContactInput
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.customers.selectors import subscriber_list
from kefu.tmf.common import parse_when
from kefu.tmf.party_interaction import resources

MAX_DESCRIPTION = 4000
MAX_RECORDING_REF = 80
IGNORED = ("@type", "@baseType", "@schemaLocation", "id", "href", "creationDate", "statusChangeDate")
NOT_ON_CREATE = ("interactionItem", "interactionRelationship", "note")
PATCHABLE = ("description", "reason", "status", "interactionDate", "note")


def _bad(message: str, code: str = ErrorCode.VALIDATION_FAILED) -> DomainError:
    return DomainError(message, code=code, status=400)


def _object(body, what: str) -> dict:
    if not isinstance(body, dict):
        raise _bad(_("%(what)s 必须是 JSON 对象") % {"what": what}, code=ErrorCode.MALFORMED_BODY)
    return body


def _text(body: dict, name: str, *, limit: int) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(_("%(name)s 必须是字符串") % {"name": name})
    if len(value) > limit:
        raise _bad(_("%(name)s 最长 %(n)s 个字符") % {"name": name, "n": limit})
    return value


def _choice(parse, value, name: str) -> str:
    try:
        return parse(value)
    except ValueError:
        raise _bad(_("%(name)s 的取值无效：%(value)s") % {"name": name, "value": value})


def _period(body: dict) -> tuple[datetime | None, datetime | None]:
    period = body.get("interactionDate")
    if period is None:
        return None, None
    period = _object(period, "interactionDate")
    start = period.get("startDateTime")
    end = period.get("endDateTime")
    start = parse_when(start, name="interactionDate.startDateTime") if start else None
    end = parse_when(end, name="interactionDate.endDateTime") if end else None
    if start and end and end < start:
        raise _bad(_("结束时间早于开始时间"), code=ContactErrorCode.INVALID_TIMES)
    return start, end


def _subscriber_number(parties) -> str:
    if not isinstance(parties, list):
        raise _bad(_("relatedParty 必须是数组"))
    for party in parties:
        party = _object(party, "relatedParty[]")
        if party.get("role") == "subscriber" or party.get("@referredType") == "Subscriber":
            number = party.get("id")
            if isinstance(number, str) and number.strip():
                return number.strip()
    raise _bad(_("relatedParty 中须有一个 role 为 subscriber 的条目，id 为用户号码"))


def _recording_ref(attachments) -> str:
    if attachments in (None, []):
        return ""
    if not isinstance(attachments, list):
        raise _bad(_("attachment 必须是数组"))
    for attachment in attachments:
        attachment = _object(attachment, "attachment[]")
        if attachment.get("attachmentType") == resources.RECORDING:
            ref = attachment.get("id") or attachment.get("name") or ""
            if not isinstance(ref, str) or len(ref) > MAX_RECORDING_REF:
                raise _bad(_("录音编号最长 %(n)s 个字符") % {"n": MAX_RECORDING_REF})
            return ref
    raise _bad(_("attachment 仅支持 attachmentType 为 recording 的录音引用"))


def create_input(body, *, user) -> ContactInput:
    """PartyInteraction_Create -> ContactInput; the line named in relatedParty must be in scope."""
    body = _object(body, "PartyInteraction")
    missing = [n for n in ("interactionDate", "reason", "status", "direction", "channel") if n not in body]
    if missing:
        raise _bad(_("缺少必填属性：%(names)s") % {"names": ", ".join(missing)})
    unsupported = [n for n in NOT_ON_CREATE if body.get(n)]
    if unsupported:
        raise _bad(
            _("创建时不支持这些属性：%(names)s") % {"names": ", ".join(unsupported)},
            code=ContactErrorCode.NOT_CORRECTABLE,
        )
    channels = body["channel"]
    if not isinstance(channels, list) or not channels:
        raise _bad(_("channel 必须是至少含一个条目的数组"))
    first = _object(channels[0], "channel[]")
    channel = _choice(resources.channel_code, first.get("id") or first.get("name"), "channel")
    direction = _choice(resources.direction_code, body["direction"], "direction")
    request_type = _choice(resources.request_type_code, body["reason"], "reason")
    status = body["status"]
    if status not in (*resources.OPEN_STATUSES, resources.CLOSED_STATUS):
        raise _bad(_("status 的取值无效：%(value)s") % {"value": status})
    started, ended = _period(body)
    if status == resources.CLOSED_STATUS and ended is None:
        raise _bad(_("已完成（completed）的接触须给出 interactionDate.endDateTime"))
    if status != resources.CLOSED_STATUS and ended is not None:
        raise _bad(_("进行中的接触不能有 interactionDate.endDateTime"))
    number = _subscriber_number(body.get("relatedParty") or [])
    subscriber = subscriber_list(user).filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(
            _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number},
            code=ContactErrorCode.UNKNOWN_SUBSCRIBER,
        )
    return ContactInput(
        channel=channel,
        direction=direction,
        number=number,
        subscriber=subscriber,
        started_at=started,
        ended_at=ended,
        request_type=request_type,
        summary=_text(body, "description", limit=MAX_DESCRIPTION),
        recording_ref=_recording_ref(body.get("attachment")),
    )


@dataclass
class Patch:
    """What a merge patch asks: corrections (CON-6) with their reason, and/or closing the contact."""

    changes: dict = field(default_factory=dict)
    reason: str = ""
    close: bool = False
    ended_at: datetime | None = None


def _note_text(notes) -> str:
    if notes in (None, []):
        return ""
    if not isinstance(notes, list):
        raise _bad(_("note 必须是数组"))
    texts = [_object(n, "note[]").get("text") for n in notes]
    return "；".join(t.strip() for t in texts if isinstance(t, str) and t.strip())


def patch_input(body, *, contact: ContactRecord) -> Patch:
    """PartyInteraction_Update as a merge patch. ``description`` and ``reason`` are corrections and
    need a ``note`` whose text says why; ``status: completed`` closes an open contact (optionally at
    ``interactionDate.endDateTime``). Any other attribute cannot change: 400."""
    body = _object(body, "PartyInteraction")
    refused = sorted(k for k in body if k not in PATCHABLE and k not in IGNORED)
    if refused:
        raise _bad(
            _("以下属性不允许修改：%(names)s") % {"names": ", ".join(refused)},
            code=ContactErrorCode.NOT_CORRECTABLE,
        )
    patch = Patch(reason=_note_text(body.get("note")))
    if "description" in body:
        patch.changes["summary"] = _text(body, "description", limit=MAX_DESCRIPTION)
    if "reason" in body:
        request_type = _choice(resources.request_type_code, body["reason"], "reason")
        if request_type != contact.request_type:
            patch.changes["request_type"] = request_type
            if contact.category is not None and contact.category.request_type != request_type:
                patch.changes["category"] = None
    start, end = _period(body)
    if start is not None and start != contact.started_at:
        raise _bad(_("开始时间不允许修改"), code=ContactErrorCode.NOT_CORRECTABLE)
    status = body.get("status")
    if status is not None and status not in (*resources.OPEN_STATUSES, resources.CLOSED_STATUS):
        raise _bad(_("status 的取值无效：%(value)s") % {"value": status})
    is_open = contact.status == ContactStatus.OPEN
    if status == resources.CLOSED_STATUS and is_open:
        patch.close, patch.ended_at = True, end
    elif status in resources.OPEN_STATUSES and not is_open:
        raise DomainError(_("已结束的接触不能重新打开"), code=ContactErrorCode.ALREADY_CLOSED, status=409)
    elif end is not None and (is_open or end != contact.ended_at):
        raise _bad(_("结束时间只能随 status: completed 一起给出"), code=ContactErrorCode.NOT_CORRECTABLE)
    return patch
