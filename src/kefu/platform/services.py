"""The platform's writes: seeding a number's records, answering a CAP-2 query, and the blacklist
handling that changes the data (CAP-2). The hub is the only caller (``capability.forward``)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.capability import definitions as defs
from kefu.core.errors import DomainError
from kefu.platform import reference
from kefu.platform.errors import PlatformErrorCode
from kefu.platform.models import BlacklistEntry, PlatformRecord, PlatformRequest, SeededNumber

BLOCKED, ACTIVE = "blocked", "active"
STATE_LABELS = {BLOCKED: "屏蔽", ACTIVE: "激活"}


def number_seed(number: str) -> bool:
    """Generate ``number``'s records once (idempotent, safe when two requests race); True if it did."""
    if SeededNumber.objects.filter(number=number).exists():
        return False
    now = timezone.now()
    records, blacklist = reference.generate(number, now=now)
    try:
        with transaction.atomic():
            SeededNumber.objects.create(number=number, seeded_at=now)
            PlatformRecord.objects.bulk_create(PlatformRecord(**r) for r in records)
            for entry in blacklist:
                BlacklistEntry.objects.create(updated_at=now - timedelta(days=30), **entry)
                if entry["business"] == "wireless_music":
                    _log(number, "屏蔽", entry["reason"], "平台", at=now - timedelta(days=30))
    except IntegrityError:
        return False  # another request seeded it first
    return True


def _log(number: str, action: str, reason: str, channel: str, *, at: datetime) -> None:
    PlatformRecord.objects.create(
        business="wireless_music", kind="blacklist_log", number=number, at=at,
        data={"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"), "action": action, "channel": channel,
              "reason": reason or "—"},
    )  # fmt: skip


def _period(conditions: dict) -> tuple[datetime | None, datetime | None]:
    def bound(value: str | None, *, end: bool) -> datetime | None:
        if not value:
            return None
        day = date.fromisoformat(value) + timedelta(days=1 if end else 0)
        return timezone.make_aware(datetime(day.year, day.month, day.day))

    if conditions.get("month"):
        year, month = map(int, conditions["month"].split("-"))
        start = timezone.make_aware(datetime(year, month, 1))
        stop = timezone.make_aware(datetime(year + (month == 12), month % 12 + 1, 1))
        return start, stop
    return bound(conditions.get("date_from"), end=False), bound(conditions.get("date_to"), end=True)


def _blacklist_row(entry: BlacklistEntry | None, number: str) -> list[dict]:
    if entry is None:
        return []
    return [{"number": number, "state": STATE_LABELS.get(entry.state, entry.state),
             "since": timezone.localtime(entry.updated_at).strftime("%Y-%m-%d %H:%M"), "reason": entry.reason or "—"}]  # fmt: skip


def _rows(business: str, query: str, conditions: dict) -> list[dict]:
    number = conditions.get("number", "")
    if query == "handsets":
        brand, model = conditions.get("brand", ""), conditions.get("model", "")
        return [dict(zip(("brand", "model", "resolution", "formats", "supported"), h, strict=True))
                for h in reference.HANDSETS if brand in h[0] and model in h[1]]  # fmt: skip
    if query == "book_info":
        text = conditions.get("book", "")
        return [dict(zip(("book_id", "title", "author", "price", "status"), b, strict=True))
                for b in reference.BOOKS if text in b[0] or text in b[1]]  # fmt: skip
    number_seed(number)
    if query == "blacklist":
        return _blacklist_row(BlacklistEntry.objects.filter(business=business, number=number).first(), number)
    records = PlatformRecord.objects.filter(business=business, kind=query, number=number)
    if query == "order_detail":
        records = records.filter(key=conditions["order_no"])
    start, stop = _period(conditions)
    if start:
        records = records.filter(at__gte=start)
    if stop:
        records = records.filter(at__lt=stop)
    return [r.data for r in records.order_by("-at", "-id")[:200]]


@transaction.atomic
def _handle(business: str, query: str, conditions: dict) -> tuple[str, str, list[dict]]:
    """Blacklist handling: (outcome, message, rows). A refusal is an answer, not an error."""
    number, reason = conditions["number"], conditions.get("reason", "")
    number_seed(number)
    entry = BlacklistEntry.objects.select_for_update().filter(business=business, number=number).first()
    now = timezone.now()
    if query == "blacklist_add":
        if entry is not None:
            return "refused", _("号码 %(n)s 已在黑名单中") % {"n": number}, []
        entry = BlacklistEntry.objects.create(business=business, number=number, state=BLOCKED, reason=reason)
        message = _("已将 %(n)s 加入黑名单") % {"n": number}
    elif query == "blacklist_delete":
        if entry is None:
            return "refused", _("号码 %(n)s 不在黑名单中") % {"n": number}, []
        entry.delete()
        return (
            "ok",
            _("已将 %(n)s 移出黑名单") % {"n": number},
            [
                {
                    "number": number,
                    "state": _("已删除"),
                    "done_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                }
            ],
        )
    else:
        target = BLOCKED if query == "blacklist_block" else ACTIVE
        if entry is not None and entry.state == target:
            return (
                "refused",
                _("号码 %(n)s 的黑名单状态已是“%(s)s”") % {"n": number, "s": STATE_LABELS[target]},
                [],
            )
        if entry is None:
            entry = BlacklistEntry(business=business, number=number)
        entry.state, entry.reason, entry.updated_at = target, reason, now
        entry.save()
        if business == "wireless_music":
            _log(number, STATE_LABELS[target], reason, "一级客服", at=now)
        message = _("已将 %(n)s 的黑名单状态改为“%(s)s”") % {"n": number, "s": STATE_LABELS[target]}
    row = {
        "number": number,
        "state": STATE_LABELS[entry.state],
        "done_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    }
    return "ok", message, [row]


def capability_answer(*, business: str, query: str, conditions: dict, province: str = "") -> dict:
    """Answer one CAP-2 query or handling action from the platform's data.

    Refuses (``DomainError``) an unknown business/query or bad conditions; a handling the data does not
    allow (already blocked, not listed) is answered with ``outcome = refused`` and a message."""
    delay = float(getattr(settings, "KEFU_PLATFORM_DELAY", 0) or 0)
    if delay > 0:  # a slow platform, on purpose (demo and timeout tests)
        time.sleep(delay)
    bdef = defs.business(business)
    qdef = bdef.query(query) if bdef else None
    if qdef is None:
        raise DomainError(
            _("业务平台不提供该查询：%(b)s/%(q)s") % {"b": business, "q": query},
            code=PlatformErrorCode.UNKNOWN_QUERY,
            status=400,
        )
    try:
        conditions = defs.clean_conditions(qdef, conditions)
    except defs.ConditionError as exc:
        raise DomainError(str(exc), code=PlatformErrorCode.VALIDATION_FAILED, status=400) from None
    if qdef.kind == defs.HANDLING:
        outcome, message, rows = _handle(business, query, conditions)
    else:
        rows = _rows(business, query, conditions)
        outcome = "ok" if rows else "empty"
        message = "" if rows else _("没有符合条件的记录")
    PlatformRequest.objects.create(
        province=province[:20], business=business, query=query, number=conditions.get("number", ""),
        outcome=outcome, rows=len(rows),
    )  # fmt: skip
    return {
        "platform": settings.KEFU_NODE_CODE,
        "business": business,
        "query": query,
        "kind": qdef.kind,
        "outcome": outcome,
        "message": message,
        "columns": [{"key": k, "label": str(label)} for k, label in qdef.columns],
        "rows": rows,
    }
