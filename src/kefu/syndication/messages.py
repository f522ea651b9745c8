"""The payloads of the ``knowledge.*`` message types (docs/protocol.md §6.3): built at the hub from a
national article or wording, checked at the province before anything is written.

Every message carries the whole content of one version, so a province never needs an earlier
message to apply a later one, and the ``version`` numbers let it keep the newest whatever the order
of arrival.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from kefu.core.choices import CustomerLevel
from kefu.knowledge.choices import ArticleKind, Audience, Channel
from kefu.knowledge.models import Article, Wording
from kefu.syndication.errors import SyndicationError
from kefu.syndication.errors import SyndicationErrorCode as Code

ARTICLE_PUBLISHED = "knowledge.article.published"
ARTICLE_RETIRED = "knowledge.article.retired"
WORDING_PUBLISHED = "knowledge.wording.published"
WORDING_RETIRED = "knowledge.wording.retired"
TYPES = (ARTICLE_PUBLISHED, ARTICLE_RETIRED, WORDING_PUBLISHED, WORDING_RETIRED)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_published(article: Article, *, note: str = "") -> dict:
    return {
        "code": article.code,
        "version": article.published_version,
        "title": article.title,
        "body": article.body,
        "kind": article.kind,
        "audience": article.audience,
        "business": article.business.code if article.business_id else "",
        "levels": list(article.levels),
        "tags": list(article.tags),
        "valid_from": _day(article.valid_from),
        "valid_until": _day(article.valid_until),
        "review_by": _day(article.review_by),
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "note": note,
    }


def wording_published(wording: Wording, *, note: str = "") -> dict:
    return {
        "code": wording.code,
        "version": wording.published_version,
        "title": wording.title,
        "problem": wording.problem,
        "level": wording.level,
        "channel": wording.channel,
        "text": wording.text,
        "business": wording.business.code if wording.business_id else "",
        "valid_from": _day(wording.valid_from),
        "valid_until": _day(wording.valid_until),
        "review_by": _day(wording.review_by),
        "published_at": wording.published_at.isoformat() if wording.published_at else None,
        "note": note,
    }


def retired(obj: Article | Wording) -> dict:
    return {"code": obj.code, "version": obj.published_version}


# --- checking at the receiver ---------------------------------------------------------------------


def _bad(field: str, message: str) -> SyndicationError:
    return SyndicationError(f"{field}: {message}", code=Code.MALFORMED_KNOWLEDGE, status=422, field=field)


def _text(payload: dict, name: str, *, max_length: int, required: bool = True) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(name, _("应为文本"))
    value = value.strip() if name != "body" else value
    if required and not value:
        raise _bad(name, _("不能为空"))
    if len(value) > max_length:
        raise _bad(name, _("过长"))
    return value


def _version(payload: dict) -> int:
    value = payload.get("version")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _bad("version", _("应为正整数"))
    return value


def _choice(payload: dict, name: str, choices, default: str) -> str:
    value = payload.get(name) or default
    if value not in choices.values():
        raise _bad(name, _("不是可选值"))
    return value


def _date(payload: dict, name: str) -> date | None:
    value = payload.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(name, _("应为日期 YYYY-MM-DD")) from None


def _strings(payload: dict, name: str) -> list[str]:
    value = payload.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(name, _("应为文本列表"))
    return value


def _period(payload: dict) -> dict:
    valid_from, valid_until = _date(payload, "valid_from"), _date(payload, "valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise _bad("valid_until", _("失效日期早于生效日期"))
    return {"valid_from": valid_from, "valid_until": valid_until, "review_by": _date(payload, "review_by")}


def read_code(payload: dict) -> tuple[str, int]:
    """The code and version every ``knowledge.*`` message carries."""
    if not isinstance(payload, dict):
        raise _bad("payload", _("应为对象"))
    return _text(payload, "code", max_length=40), _version(payload)


def read_article(payload: dict) -> dict:
    """The article fields of a ``knowledge.article.published`` payload (``business`` as its code)."""
    read_code(payload)
    return {
        "title": _text(payload, "title", max_length=200),
        "body": _text(payload, "body", max_length=1_000_000),
        "kind": _choice(payload, "kind", ArticleKind, ArticleKind.USAGE),
        "audience": _choice(payload, "audience", Audience, Audience.BOTH),
        "business": _text(payload, "business", max_length=32, required=False),
        "levels": _strings(payload, "levels"),
        "tags": _strings(payload, "tags"),
        "note": _text(payload, "note", max_length=200, required=False),
        **_period(payload),
    }


def read_wording(payload: dict) -> dict:
    """The wording fields of a ``knowledge.wording.published`` payload."""
    read_code(payload)
    level = payload.get("level") or ""
    if level and level not in CustomerLevel.values():
        raise _bad("level", _("不是可选值"))
    return {
        "title": _text(payload, "title", max_length=200),
        "problem": _text(payload, "problem", max_length=60),
        "level": level,
        "channel": _choice(payload, "channel", Channel, Channel.AGENT),
        "text": _text(payload, "text", max_length=100_000),
        "business": _text(payload, "business", max_length=32, required=False),
        "note": _text(payload, "note", max_length=200, required=False),
        **_period(payload),
    }
