"""National knowledge over the federation (ORG-2, KB-1, KB-4).

At the hub, hub operators (and administrators) write national articles and wording and publish or
retire them; in the same transaction every province peer gets a ``knowledge.*`` message through the
outbox (exactly-once delivery, docs/protocol.md §4). At a province the handlers apply those messages
idempotently: the national article is created or updated (origin national, no province, read-only
there), every version is kept, the search index follows, and a version older than the one held
never overwrites it. A province adds its own overlay under a national article without touching the
national text.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.catalog.models import Business
from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from kefu.federation import peers
from kefu.federation.services import send
from kefu.knowledge import search
from kefu.knowledge import services as knowledge
from kefu.knowledge.choices import Origin, Status
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.models import Article, ArticleVersion, Overlay, Wording, WordingVersion
from kefu.knowledge.reading import visible_to
from kefu.knowledge.text import plain_text, sanitise
from kefu.syndication import messages
from kefu.syndication.errors import SyndicationError
from kefu.syndication.errors import SyndicationErrorCode as Code

logger = logging.getLogger("kefu.syndication")

PUBLISHERS = frozenset({Role.HUB_OPERATOR, Role.ADMINISTRATOR})  # at the hub
# Who writes a province's overlays: the province's supervisors and administrators (the knowledge
# editors of the province; align with the editor workflow's rule when it lands).
OVERLAY_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


def _ensure_publisher(actor) -> None:
    if settings.KEFU_ROLE != "hub":
        raise SyndicationError(_("全网知识只能在一级客服枢纽发布"), code=Code.HUB_ONLY, status=409)
    if actor is not None and getattr(actor, "role", None) not in PUBLISHERS:
        raise SyndicationError(
            _("只有一级客服枢纽操作员可以发布全网知识"), code=Code.NOT_A_PUBLISHER, status=403
        )


def _business(value) -> Business | None:
    """A business by its code (a national payload names businesses by code, the same on every node)."""
    if value in (None, ""):
        return None
    if isinstance(value, Business):
        return value
    business = Business.objects.filter(code=value).first()
    if business is None:
        raise DomainError(
            _("没有业务代码为 %(code)s 的业务") % {"code": value},
            code=KnowledgeErrorCode.UNKNOWN_BUSINESS,
            field="business",
        )
    return business


def _invalid(message: str) -> ConflictError:
    return ConflictError(message, code=KnowledgeErrorCode.INVALID_TRANSITION)


def province_codes() -> list[str]:
    """Every province node this hub knows (its peers file)."""
    return sorted(p.code for p in peers.of_role("province"))


def _broadcast(type: str, payload: dict) -> list[str]:
    """Queue ``type`` for every province peer in the caller's transaction; the codes it went to."""
    codes = province_codes()
    if not codes:
        logger.warning("no province peer configured; %s %s not sent", type, payload.get("code"))
    for code in codes:
        send(to=code, type=type, payload=payload)
    return codes


# --- the hub: national articles ---------------------------------------------------------------------


def _national_article(code: str, *, lock: bool = True) -> Article:
    rows = Article.objects.select_for_update() if lock else Article.objects
    article = rows.filter(code=code, origin=Origin.NATIONAL).first()
    if article is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的全网知识") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    return article


@transaction.atomic
def national_article_save(*, actor, code: str, create: bool, publish: bool = False, note: str = "", **fields):
    """Write a national article at the hub: ``create`` a new one (a draft unless ``publish``) or save a
    new version of an existing one (a published article stays published: the new version goes out
    at once). ``fields``: :data:`kefu.knowledge.services.CONTENT_FIELDS` plus ``review_by``;
    ``business`` as a code. Returns the article."""
    _ensure_publisher(actor)
    existing = Article.objects.select_for_update().filter(code=code).first()
    if create and existing is not None:
        raise ConflictError(
            _("编号 %(code)s 已被使用") % {"code": code}, code=KnowledgeErrorCode.ARTICLE_EXISTS, field="code"
        )
    if not create:
        if existing is None or existing.origin != Origin.NATIONAL:
            raise NotFoundError(
                _("没有编号为 %(code)s 的全网知识") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
            )
        if existing.status == Status.RETIRED and not publish:
            raise _invalid(_("已下线的全网知识需重新发布后才能修改"))
    if "business" in fields:
        fields["business"] = _business(fields["business"])
    # the hub has no review step of its own: a published national article's new version goes out at once
    published = publish or (existing is not None and existing.status == Status.PUBLISHED)
    article = knowledge.save_article(
        actor=actor,
        code=code,
        note=note,
        status=Status.PUBLISHED if published else None,
        origin=Origin.NATIONAL,
        province=None,
        **fields,
    )
    if article.status == Status.PUBLISHED:
        _broadcast(messages.ARTICLE_PUBLISHED, messages.article_published(article, note=note))
    return article


@transaction.atomic
def national_article_publish(*, actor, code: str, note: str = "") -> Article:
    """Publish a national draft (its latest version) or re-publish a retired article (as a new
    version, so every province takes it as newer than the retirement); sent to every province."""
    _ensure_publisher(actor)
    article = _national_article(code)
    if article.status == Status.PUBLISHED:
        raise _invalid(_("该全网知识已发布"))
    if article.status == Status.RETIRED:
        return national_article_save(
            actor=actor, code=code, create=False, publish=True, note=note or _("重新发布")
        )
    article.status = Status.PUBLISHED
    article.published_version = article.version
    article.published_at = timezone.now()
    article.save(update_fields=["status", "published_version", "published_at"])
    audit.record(
        actor=actor, action="knowledge.article.publish", obj=article, changes={"version": article.version}
    )
    search.index_article(article)
    _broadcast(messages.ARTICLE_PUBLISHED, messages.article_published(article, note=note))
    return article


@transaction.atomic
def national_article_retire(*, actor, code: str, note: str = "") -> Article:
    """Take a published national article off the air everywhere."""
    _ensure_publisher(actor)
    article = _national_article(code)
    if article.status != Status.PUBLISHED:
        raise _invalid(_("只有已发布的全网知识可以下线"))
    article.status = Status.RETIRED
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.article.retire",
        obj=article,
        changes={"version": article.published_version, "note": note},
    )
    search.remove_article(article)
    _broadcast(messages.ARTICLE_RETIRED, messages.retired(article))
    return article


# --- the hub: national wording ------------------------------------------------------------------------

WORDING_FIELDS = (
    "title",
    "problem",
    "level",
    "channel",
    "text",
    "business",
    "valid_from",
    "valid_until",
    "review_by",
)


@transaction.atomic
def national_wording_save(*, actor, code: str, create: bool, publish: bool = False, note: str = "", **fields):
    """Write national explanation wording at the hub (KB-4), versioned like articles: a new version
    on every save; published at once with ``publish`` or when it was published already."""
    _ensure_publisher(actor)
    wording = Wording.objects.select_for_update().filter(code=code).first()
    if create and wording is not None:
        raise ConflictError(
            _("编号 %(code)s 已被使用") % {"code": code}, code=KnowledgeErrorCode.ARTICLE_EXISTS, field="code"
        )
    if not create and (wording is None or wording.origin != Origin.NATIONAL):
        raise NotFoundError(
            _("没有编号为 %(code)s 的全网口径") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    if wording is None:
        wording = Wording(code=code, created_by=actor, origin=Origin.NATIONAL)
    elif wording.status == Status.RETIRED and not publish:
        raise _invalid(_("已下线的全网口径需重新发布后才能修改"))
    if "business" in fields:
        fields["business"] = _business(fields["business"])
    for name, value in fields.items():
        if name not in WORDING_FIELDS:
            raise TypeError(f"unknown wording field {name!r}")
        setattr(wording, name, value)
    wording.origin, wording.province = Origin.NATIONAL, None
    wording.version += 1
    wording.updated_at = timezone.now()
    if publish:
        wording.status = Status.PUBLISHED
    if wording.status == Status.PUBLISHED:
        wording.published_version = wording.version
        wording.published_at = wording.updated_at
    wording.save()
    WordingVersion.objects.create(
        wording=wording,
        number=wording.version,
        title=wording.title,
        text=wording.text,
        note=note,
        author=actor,
    )
    audit.record(
        actor=actor,
        action="knowledge.wording.revise" if wording.version > 1 else "knowledge.wording.create",
        obj=wording,
        changes={"version": wording.version, "status": wording.status},
    )
    if wording.status == Status.PUBLISHED:
        _broadcast(messages.WORDING_PUBLISHED, messages.wording_published(wording, note=note))
    return wording


@transaction.atomic
def national_wording_publish(*, actor, code: str, note: str = "") -> Wording:
    _ensure_publisher(actor)
    wording = Wording.objects.select_for_update().filter(code=code, origin=Origin.NATIONAL).first()
    if wording is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的全网口径") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    if wording.status == Status.PUBLISHED:
        raise _invalid(_("该全网口径已发布"))
    if wording.status == Status.RETIRED:
        return national_wording_save(
            actor=actor, code=code, create=False, publish=True, note=note or _("重新发布")
        )
    wording.status, wording.published_version = Status.PUBLISHED, wording.version
    wording.published_at = timezone.now()
    wording.save(update_fields=["status", "published_version", "published_at"])
    audit.record(
        actor=actor, action="knowledge.wording.publish", obj=wording, changes={"version": wording.version}
    )
    _broadcast(messages.WORDING_PUBLISHED, messages.wording_published(wording, note=note))
    return wording


@transaction.atomic
def national_wording_retire(*, actor, code: str, note: str = "") -> Wording:
    _ensure_publisher(actor)
    wording = Wording.objects.select_for_update().filter(code=code, origin=Origin.NATIONAL).first()
    if wording is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的全网口径") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    if wording.status != Status.PUBLISHED:
        raise _invalid(_("只有已发布的全网口径可以下线"))
    wording.status, wording.updated_at = Status.RETIRED, timezone.now()
    wording.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="knowledge.wording.retire", obj=wording, changes={"note": note})
    _broadcast(messages.WORDING_RETIRED, messages.retired(wording))
    return wording


# --- a province: applying what the hub sent --------------------------------------------------------------
#
# The state a message leaves is ordered by (version, retired): a retirement of version N comes after
# its publication, a re-publication after a retirement is version N + 1. A message whose key is not
# greater than the one held changes the current row not at all (a repeat, or an older version that
# arrived late); a published version is still kept in the history whenever it arrives.


def _key(obj) -> tuple[int, int]:
    return (obj.version, 1 if obj.status == Status.RETIRED else 0)


def _published_key(version: int) -> tuple[int, int]:
    return (version, 0)


def _national_row(model, code: str):
    row = model.objects.select_for_update().filter(code=code).first()
    if row is not None and row.origin != Origin.NATIONAL:
        raise SyndicationError(
            _("本省已有编号为 %(code)s 的本省知识，全网知识无法同步") % {"code": code},
            code=Code.LOCAL_CODE_TAKEN,
            status=422,
        )
    return row


def _when(value) -> datetime:
    try:
        return datetime.fromisoformat(value) if value else timezone.now()
    except (TypeError, ValueError):
        return timezone.now()


def article_apply(payload: dict, *, sender: str) -> dict:
    """A province applies ``knowledge.article.published`` (runs in the inbox transaction)."""
    code, version = messages.read_code(payload)
    fields = messages.read_article(payload)
    note = fields.pop("note")
    business_code = fields.pop("business")
    business = Business.objects.filter(code=business_code).first() if business_code else None
    fields["body"] = sanitise(fields["body"])
    article = _national_row(Article, code)
    created = article is None
    if created:
        article = Article(code=code, origin=Origin.NATIONAL, province=None, status=Status.DRAFT)
    had_version = not created and ArticleVersion.objects.filter(article=article, number=version).exists()
    newer = created or _published_key(version) > _key(article)
    # A retirement of this very version came first: take its text, stay retired.
    fill_retired = (
        not created and not had_version and version == article.version and article.status == Status.RETIRED
    )
    if newer or fill_retired:
        for name, value in fields.items():
            setattr(article, name, value)
        article.business = business
        article.body_text = plain_text(article.body)
        article.version = max(article.version, version)
        article.updated_at = timezone.now()
        article.published_version = version
        article.published_at = _when(payload.get("published_at"))
        if newer:
            article.status = Status.PUBLISHED
            article.needs_review, article.needs_review_reason = False, ""
        article.save()
    if not had_version:
        ArticleVersion.objects.create(
            article=article,
            number=version,
            title=fields["title"],
            body=fields["body"],
            kind=fields["kind"],
            audience=fields["audience"],
            business_code=business_code,
            levels=fields["levels"],
            tags=fields["tags"],
            valid_from=fields["valid_from"],
            valid_until=fields["valid_until"],
            note=note[:200],
        )
    if newer:
        audit.record(
            actor=None,
            action="knowledge.article.national",
            obj=article,
            changes={"version": version, "from": sender},
        )
        search.index_article(article)
    return {"code": code, "version": version, "applied": newer, "current": article.version}


def article_retire_apply(payload: dict, *, sender: str) -> dict:
    """A province applies ``knowledge.article.retired``."""
    code, version = messages.read_code(payload)
    article = _national_row(Article, code)
    if article is None:
        # Retired before its publication arrived: keep a retired stub so the late publication of the
        # same version stays retired (its text fills the stub).
        article = Article(code=code, title=code, body="", origin=Origin.NATIONAL, status=Status.RETIRED)
        article.version = version
        article.save()
        return {"code": code, "version": version, "applied": True}
    if (version, 1) <= _key(article):
        return {"code": code, "version": version, "applied": False, "current": article.version}
    article.status = Status.RETIRED
    article.version = max(article.version, version)
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=None,
        action="knowledge.article.national_retire",
        obj=article,
        changes={"version": version, "from": sender},
    )
    search.remove_article(article)
    return {"code": code, "version": version, "applied": True}


def wording_apply(payload: dict, *, sender: str) -> dict:
    """A province applies ``knowledge.wording.published``."""
    code, version = messages.read_code(payload)
    fields = messages.read_wording(payload)
    note = fields.pop("note")
    business_code = fields.pop("business")
    business = Business.objects.filter(code=business_code).first() if business_code else None
    wording = _national_row(Wording, code)
    created = wording is None
    if created:
        wording = Wording(code=code, origin=Origin.NATIONAL, province=None, status=Status.DRAFT)
    had_version = not created and WordingVersion.objects.filter(wording=wording, number=version).exists()
    newer = created or _published_key(version) > _key(wording)
    fill_retired = (
        not created and not had_version and version == wording.version and wording.status == Status.RETIRED
    )
    if newer or fill_retired:
        for name, value in fields.items():
            setattr(wording, name, value)
        wording.business = business
        wording.version = max(wording.version, version)
        wording.updated_at = timezone.now()
        wording.published_version = version
        wording.published_at = _when(payload.get("published_at"))
        if newer:
            wording.status = Status.PUBLISHED
        wording.save()
    if not had_version:
        WordingVersion.objects.create(
            wording=wording, number=version, title=fields["title"], text=fields["text"], note=note[:200]
        )
    if newer:
        audit.record(
            actor=None,
            action="knowledge.wording.national",
            obj=wording,
            changes={"version": version, "from": sender},
        )
    return {"code": code, "version": version, "applied": newer, "current": wording.version}


def wording_retire_apply(payload: dict, *, sender: str) -> dict:
    """A province applies ``knowledge.wording.retired``."""
    code, version = messages.read_code(payload)
    wording = _national_row(Wording, code)
    if wording is None:
        wording = Wording(
            code=code, title=code, problem="-", text="", origin=Origin.NATIONAL, status=Status.RETIRED
        )
        wording.version = version
        wording.save()
        return {"code": code, "version": version, "applied": True}
    if (version, 1) <= _key(wording):
        return {"code": code, "version": version, "applied": False, "current": wording.version}
    wording.status, wording.version = Status.RETIRED, max(wording.version, version)
    wording.updated_at = timezone.now()
    wording.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=None,
        action="knowledge.wording.national_retire",
        obj=wording,
        changes={"version": version, "from": sender},
    )
    return {"code": code, "version": version, "applied": True}


# --- a province: overlays ------------------------------------------------------------------------------


def overlay_target(actor, code: str, *, lock: bool = True) -> Article:
    """The national article ``code`` that ``actor`` may add an overlay to (404 when out of sight)."""
    if getattr(actor, "role", None) not in OVERLAY_EDITORS:
        raise DomainError(
            _("只有本省知识编辑可以维护本省补充"), code=KnowledgeErrorCode.NOT_AN_EDITOR, status=403
        )
    if actor.province_id is None:
        raise SyndicationError(_("本省补充需要由所属省份的人员维护"), code=Code.NO_PROVINCE, status=403)
    rows = Article.objects.select_for_update() if lock else Article.objects.all()
    article = visible_to(rows, actor).filter(code=code).first()
    if article is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的知识") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    if article.origin != Origin.NATIONAL:
        raise SyndicationError(
            _("本省知识请直接修改，本省补充只用于全网知识"), code=Code.NOT_NATIONAL, status=409
        )
    return article


@transaction.atomic
def overlay_save(*, actor, code: str, body: str) -> Overlay:
    """Write the actor's province's overlay on national article ``code``; the body is sanitised and
    the overlay is based on the national version published now."""
    article = overlay_target(actor, code)
    body = sanitise(body or "")
    text = plain_text(body)
    if not text:
        raise DomainError(_("本省补充不能为空"), code=ErrorCode.VALIDATION_FAILED, status=400, field="body")
    overlay, created = Overlay.objects.select_for_update().get_or_create(
        article=article,
        province_id=actor.province_id,
        defaults={
            "body": body,
            "body_text": text,
            "based_on_version": article.published_version,
            "updated_by": actor,
        },
    )
    if not created:
        overlay.body, overlay.body_text = body, text
        overlay.based_on_version = article.published_version
        overlay.updated_by, overlay.updated_at = actor, timezone.now()
        overlay.save()
    audit.record(
        actor=actor,
        action="knowledge.overlay.save",
        obj=overlay,
        province_id=actor.province_id,
        changes={"article": code, "based_on_version": overlay.based_on_version},
    )
    search.index_article(article)
    return overlay


@transaction.atomic
def overlay_check(*, actor, code: str) -> Overlay:
    """The province has checked its overlay against the current national version (ORG-2)."""
    article = overlay_target(actor, code)
    overlay = (
        Overlay.objects.select_for_update().filter(article=article, province_id=actor.province_id).first()
    )
    if overlay is None:
        raise NotFoundError(_("该知识没有本省补充"), code=ErrorCode.NOT_FOUND)
    overlay.based_on_version = article.published_version
    overlay.updated_by, overlay.updated_at = actor, timezone.now()
    overlay.save(update_fields=["based_on_version", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.overlay.check",
        obj=overlay,
        province_id=actor.province_id,
        changes={"based_on_version": overlay.based_on_version},
    )
    return overlay


@transaction.atomic
def overlay_delete(*, actor, code: str) -> None:
    article = overlay_target(actor, code)
    deleted, _rows = Overlay.objects.filter(article=article, province_id=actor.province_id).delete()
    if not deleted:
        raise NotFoundError(_("该知识没有本省补充"), code=ErrorCode.NOT_FOUND)
    audit.record(
        actor=actor,
        action="knowledge.overlay.delete",
        object_type="knowledge.overlay",
        object_id=code,
        province_id=actor.province_id,
    )
    search.index_article(article)
