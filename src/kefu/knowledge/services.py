"""Writes on the knowledge base (KB-1): create an article or save a new version of it, keeping every
version. Each write is atomic, takes keyword-only arguments with an ``actor`` (``None`` for imports
and the federation), appends an audit event and updates the search index in the same transaction.

Once an article has been published its row keeps the published content and an edit becomes a
pending version (see the module docstring of :mod:`kefu.knowledge.models`). The review workflow
with its permission checks (submit, approve, reject, retire, restore) is :mod:`kefu.knowledge.workflow`;
this module is the low-level write it builds on, used as well by imports and the federation.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kefu.catalog.models import Business
from kefu.core import audit
from kefu.knowledge import search
from kefu.knowledge.choices import Status
from kefu.knowledge.models import Article, ArticleVersion, Wording, WordingVersion
from kefu.knowledge.text import plain_text, sanitise

# Fields of an article that make its content: a change to any of them is a new version.
CONTENT_FIELDS = (
    "title",
    "body",
    "kind",
    "audience",
    "business",
    "levels",
    "tags",
    "valid_from",
    "valid_until",
)
# Fields that describe the article rather than its text: they apply at once, without a version.
META_FIELDS = ("category", "review_by", "origin", "province")


def version_content(version: ArticleVersion) -> dict:
    """The content of one version as the fields of an article."""
    business = Business.objects.filter(code=version.business_code).first() if version.business_code else None
    return {
        "title": version.title,
        "body": version.body,
        "kind": version.kind,
        "audience": version.audience,
        "business": business,
        "levels": list(version.levels),
        "tags": list(version.tags),
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
    }


def working_content(article: Article) -> dict:
    """The content the next version starts from: the latest version's (the pending draft, if any)."""
    if article.version > article.published_version:
        latest = article.versions.filter(number=article.version).first()
        if latest is not None:
            return version_content(latest)
    return {name: getattr(article, name) for name in CONTENT_FIELDS}


def apply_content(article: Article, content: dict) -> None:
    """Put ``content`` on the article row (what readers and the search see once it is published)."""
    for name, value in content.items():
        setattr(article, name, value)
    article.body_text = plain_text(article.body)


def _snapshot(article: Article, content: dict, *, number: int, actor, note: str) -> ArticleVersion:
    business = content.get("business")
    return ArticleVersion.objects.create(
        article=article,
        number=number,
        title=content["title"],
        body=content["body"],
        kind=content["kind"],
        audience=content["audience"],
        business_code=business.code if business is not None else "",
        levels=list(content["levels"] or []),
        tags=list(content["tags"] or []),
        valid_from=content["valid_from"],
        valid_until=content["valid_until"],
        note=note,
        author=actor,
    )


@transaction.atomic
def save_article(*, actor, code: str, note: str = "", status: str | None = None, **fields) -> Article:
    """Create the article ``code`` or save a new version of it with ``fields`` (any of
    :data:`CONTENT_FIELDS` plus :data:`META_FIELDS`).

    ``body`` is sanitised here, whoever calls. ``status`` ``published`` publishes the new version at
    once (imports, national articles). Otherwise the new version is a draft: on an article never
    published it is the row's content (``status`` ``draft``, or ``review`` when asked); on a
    published or retired one it is a pending version beside the published content, which readers
    keep seeing. Returns the article; its ``version`` is the new version's number.
    """
    if "body" in fields:
        fields["body"] = sanitise(fields["body"])
    article = Article.objects.select_for_update().filter(code=code).first()
    created = article is None
    if created:
        article = Article(code=code, created_by=actor, status=Status.DRAFT)
        content = {name: getattr(article, name) for name in CONTENT_FIELDS}
        content["business"] = None
    else:
        content = working_content(article)
    unknown = set(fields) - set(CONTENT_FIELDS) - set(META_FIELDS)
    if unknown:
        raise TypeError(f"save_article() got unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name in CONTENT_FIELDS:
            content[name] = value
        else:
            setattr(article, name, value)
    content["body"] = content["body"] or ""
    article.version += 1
    article.updated_at = timezone.now()
    was_published = article.status == Status.PUBLISHED
    if status == Status.PUBLISHED:
        apply_content(article, content)
        article.status = Status.PUBLISHED
        article.draft_status = ""
        article.published_version = article.version
        article.published_at = article.updated_at
    elif status == Status.RETIRED:
        apply_content(article, content)
        article.status = Status.RETIRED
        article.draft_status = ""
    else:
        draft_status = Status.REVIEW if status == Status.REVIEW else Status.DRAFT
        article.draft_status = draft_status
        if article.published_version == 0:
            apply_content(article, content)
            article.status = draft_status
    article.save()
    _snapshot(article, content, number=article.version, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="knowledge.article.create" if created else "knowledge.article.revise",
        obj=article,
        changes={"version": article.version, "status": article.status, "draft_status": article.draft_status},
    )
    if article.status == Status.PUBLISHED:
        search.index_article(article)
    elif was_published:
        search.remove_article(article)
    return article


# Wording: the title and the text are versioned; the rest describes where it applies and changes at once.
WORDING_CONTENT_FIELDS = ("title", "text")
WORDING_META_FIELDS = (
    "problem",
    "level",
    "channel",
    "business",
    "valid_from",
    "valid_until",
    "review_by",
    "origin",
    "province",
)


@transaction.atomic
def save_wording(*, actor, code: str, note: str = "", status: str | None = None, **fields) -> Wording:
    """Create the wording ``code`` or save a new version of it: :func:`save_article` for wording
    (plain text, no HTML). A new version of a published wording is pending until approved."""
    unknown = set(fields) - set(WORDING_CONTENT_FIELDS) - set(WORDING_META_FIELDS)
    if unknown:
        raise TypeError(f"save_wording() got unknown fields: {', '.join(sorted(unknown))}")
    wording = Wording.objects.select_for_update().filter(code=code).first()
    created = wording is None
    if created:
        wording = Wording(code=code, created_by=actor, status=Status.DRAFT)
        content = {"title": "", "text": ""}
    else:
        latest = None
        if wording.version > wording.published_version:
            latest = wording.versions.filter(number=wording.version).first()
        source = latest or wording
        content = {"title": source.title, "text": source.text}
    for name, value in fields.items():
        if name in WORDING_CONTENT_FIELDS:
            content[name] = (value or "").strip()
        else:
            setattr(wording, name, value)
    wording.version += 1
    wording.updated_at = timezone.now()
    if status in (Status.PUBLISHED, Status.RETIRED):
        wording.title, wording.text = content["title"], content["text"]
        wording.status = status
        wording.draft_status = ""
        if status == Status.PUBLISHED:
            wording.published_version = wording.version
            wording.published_at = wording.updated_at
    else:
        draft_status = Status.REVIEW if status == Status.REVIEW else Status.DRAFT
        wording.draft_status = draft_status
        if wording.published_version == 0:
            wording.title, wording.text = content["title"], content["text"]
            wording.status = draft_status
    wording.save()
    WordingVersion.objects.create(
        wording=wording,
        number=wording.version,
        title=content["title"],
        text=content["text"],
        note=note,
        author=actor,
    )
    audit.record(
        actor=actor,
        action="knowledge.wording.create" if created else "knowledge.wording.revise",
        obj=wording,
        changes={"version": wording.version, "status": wording.status, "draft_status": wording.draft_status},
    )
    return wording


def is_current(article: Article, today: date | None = None) -> bool:
    """Published and inside its validity period: what readers may see."""
    today = today or timezone.localdate()
    if article.status != Status.PUBLISHED:
        return False
    if article.valid_from and article.valid_from > today:
        return False
    return not (article.valid_until and article.valid_until < today)


def ensure_editable(article, actor=None) -> None:
    """Refuse to change a national article (or wording) anywhere but at the hub (ORG-2): a province
    adds an overlay under the national text, it never edits it. The editing services call this
    before any write; raises 403 ``national_read_only``."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from kefu.core.errors import DomainError
    from kefu.knowledge.choices import Origin
    from kefu.knowledge.errors import KnowledgeErrorCode

    if article is not None and article.origin == Origin.NATIONAL and settings.KEFU_ROLE != "hub":
        raise DomainError(
            _("全网知识由集团在一级客服枢纽发布，本省不能修改；可以添加本省补充"),
            code=KnowledgeErrorCode.NATIONAL_READ_ONLY,
            status=403,
        )
