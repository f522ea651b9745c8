"""Reads of the knowledge base for the agent's side (KB-1, KB-4, SR-1): the article a reader may open,
the province's overlay under a national article, the explanation wording that goes with an article,
the current wording for an order-state message, and what a contact used."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from kefu.core import scope
from kefu.knowledge.choices import Audience, Channel, Status, UseKind
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeUse, Overlay, Wording
from kefu.knowledge.search import readable_audiences


def _current(queryset):
    """Published and inside the validity period today."""
    today = timezone.localdate()
    return queryset.filter(
        Q(status=Status.PUBLISHED),
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def visible_to(queryset, actor):
    """The one rule of who sees which knowledge (articles and wording): national knowledge (no
    province) and the reader's own province's; national staff (the hub, a node's administrators with
    a national scope) and the system (``actor`` None) see all. Knowledge is not personal data, but a
    province's local tariffs and procedures are wrong answers elsewhere, and only the province that
    owns them may edit them."""
    if actor is None:
        return queryset
    reader = scope.scope_of(actor)
    if reader.is_national:
        return queryset
    return queryset.filter(Q(province__isnull=True) | Q(province_id=reader.province_id))


def reader_province(actor) -> int | None:
    """The province whose local knowledge ``actor`` reads besides national knowledge (the search's
    ``province_id``); ``None`` when the reader sees all (:func:`visible_to`)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    reader = scope.scope_of(actor)
    return None if reader.is_national else reader.province_id


def article_for_reader(code: str, *, customer: bool = False, actor=None) -> Article | None:
    """The article ``code`` as a reader sees it: published, currently valid and of an audience the
    reader may read (staff: all; a customer: customer articles). ``None`` otherwise — a draft, a
    retired or not-yet-valid article does not exist for readers."""
    articles = _current(Article.objects.filter(audience__in=readable_audiences(customer=customer)))
    articles = visible_to(articles, actor)
    return (
        articles.select_related("business", "category", "province")
        .prefetch_related("attachments")
        .filter(code=code)
        .first()
    )


@dataclass(frozen=True)
class OverlayView:
    overlay: Overlay
    stale: bool  # the national text changed since the province last checked its overlay


def overlay_for(article: Article, province_id: int | None) -> OverlayView | None:
    """The reader's province's local addition under a national article (ORG-2), if there is one."""
    if province_id is None:
        return None
    overlay = Overlay.objects.filter(article=article, province_id=province_id).first()
    if overlay is None:
        return None
    return OverlayView(overlay=overlay, stale=overlay.based_on_version < article.published_version)


def _level_first(wordings, level: str) -> list[Wording]:
    """The customer's own level before the all-levels wording; other levels left out when a level is
    known."""
    if level:
        wordings = [w for w in wordings if w.level in ("", level)]
    return sorted(wordings, key=lambda w: (w.level != level, w.level == "", w.code))


def wordings_for_article(
    article: Article, *, level: str = "", channel: str = Channel.AGENT, actor=None
) -> list[Wording]:
    """KB-4: the published explanation wording that goes with ``article`` — for its request category's
    problem key or its business — in ``channel``; with a customer ``level`` only that level's and the
    all-levels wording, the customer's own first."""
    keys = Q(pk__in=[])
    if article.category_id:
        keys |= Q(problem=article.category.code)
    if article.business_id:
        keys |= Q(business_id=article.business_id)
    rows = _current(visible_to(Wording.objects.filter(keys, channel=channel), actor)).select_related(
        "business"
    )
    return _level_first(list(rows), level)


def wording_current(
    problem: str, *, channel: str, level: str = "", province_id: int | None = None
) -> Wording | None:
    """The published wording for ``problem`` in ``channel`` for a customer of ``level`` (that level's
    own first, then the all-levels one), national or of ``province_id``, or ``None``."""
    rows = Wording.objects.filter(problem=problem, channel=channel)
    rows = list(_current(rows.filter(Q(province__isnull=True) | Q(province_id=province_id))))
    found = _level_first(rows, level)
    return found[0] if found else None


def wording_for_reader(code: str, *, actor=None) -> Wording | None:
    return _current(visible_to(Wording.objects.filter(code=code), actor)).first()


@dataclass(frozen=True)
class UsedArticle:
    request_id: int | None
    kind: str
    code: str
    title: str  # the title of the version used
    version: int


def contact_uses(contact, *, kinds=(UseKind.ANSWERED, UseKind.SENT, UseKind.WORDING)) -> list[UsedArticle]:
    """What ``contact`` used, oldest first, each with the title of the very version used."""
    uses = list(
        KnowledgeUse.objects.filter(contact=contact, kind__in=kinds).select_related("article", "wording")
    )
    wanted = {(u.article_id, u.article_version) for u in uses if u.article_id}
    titles = {}
    if wanted:
        condition = Q(pk__in=[])
        for article_id, number in wanted:
            condition |= Q(article_id=article_id, number=number)
        titles = {
            (v.article_id, v.number): v.title for v in ArticleVersion.objects.filter(condition).only("title")
        }
    found = []
    for use in uses:
        if use.article_id:
            title = titles.get((use.article_id, use.article_version), use.article.title)
            found.append(UsedArticle(use.request_id, use.kind, use.article.code, title, use.article_version))
        elif use.wording_id:
            found.append(
                UsedArticle(
                    use.request_id, use.kind, use.wording.code, use.wording.title, use.wording_version
                )
            )
    return found


def customer_may_receive(article: Article) -> bool:
    """Whether an article may be sent to a customer (never an agents-only one)."""
    return article.audience in (Audience.CUSTOMER, Audience.BOTH)
