"""Writes on the knowledge base (KB-1): create an article or save a new version of it, keeping every
version. Each write is atomic, takes keyword-only arguments with an ``actor`` (``None`` for imports
and the federation), appends an audit event and updates the search index in the same transaction.

The review workflow (submit, approve, reject, publish, retire, restore) builds on :func:`save_article`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kefu.core import audit
from kefu.knowledge import search
from kefu.knowledge.choices import Status
from kefu.knowledge.models import Article, ArticleVersion
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


def _snapshot(article: Article, *, number: int, actor, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=number,
        title=article.title,
        body=article.body,
        kind=article.kind,
        audience=article.audience,
        business_code=article.business.code if article.business_id else "",
        levels=list(article.levels),
        tags=list(article.tags),
        valid_from=article.valid_from,
        valid_until=article.valid_until,
        note=note,
        author=actor,
    )


@transaction.atomic
def save_article(*, actor, code: str, note: str = "", status: str | None = None, **fields) -> Article:
    """Create the article ``code`` or save a new version of it with ``fields`` (any of
    :data:`CONTENT_FIELDS` plus ``category``, ``review_by``, ``origin``, ``province``).

    ``body`` is sanitised here, whoever calls. ``status`` ``published`` publishes the new version at
    once (imports, national articles); otherwise a new article is a draft and an edited one keeps its
    state. Returns the article; its ``version`` is the new version's number.
    """
    if "body" in fields:
        fields["body"] = sanitise(fields["body"])
    article = Article.objects.select_for_update().filter(code=code).first()
    created = article is None
    if created:
        article = Article(code=code, created_by=actor)
    for name, value in fields.items():
        setattr(article, name, value)
    article.body_text = plain_text(article.body)
    article.version += 1
    article.updated_at = timezone.now()
    if status is not None:
        article.status = status
    if article.status == Status.PUBLISHED:
        article.published_version = article.version
        article.published_at = article.updated_at
    article.save()
    _snapshot(article, number=article.version, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="knowledge.article.create" if created else "knowledge.article.revise",
        obj=article,
        changes={"version": article.version, "status": article.status},
    )
    search.index_article(article)
    return article


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
    before any write; raises 409 ``national_read_only``."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from kefu.core.errors import ConflictError
    from kefu.knowledge.choices import Origin
    from kefu.knowledge.errors import KnowledgeErrorCode

    if article is not None and article.origin == Origin.NATIONAL and settings.KEFU_ROLE != "hub":
        raise ConflictError(
            _("全网知识由集团在一级客服枢纽发布，本省不能修改；可以添加本省补充"),
            code=KnowledgeErrorCode.NATIONAL_READ_ONLY,
        )
