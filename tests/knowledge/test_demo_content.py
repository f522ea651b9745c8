"""The demo's knowledge content (KB-1, KB-4, SVC-3) and its loader ``kefu.knowledge.demo.load_demo``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count

from kefu.catalog.models import Business, CategoryNode
from kefu.core.choices import CustomerLevel
from kefu.core.models import AuditEvent
from kefu.knowledge import demo
from kefu.knowledge.choices import ArticleKind, Audience, Channel, Status
from kefu.knowledge.models import Article, ArticleVersion, Synonym, Wording, WordingVersion

ARTICLES = demo.read("articles.jsonl")
WORDINGS = demo.read("wordings.jsonl")
SYNONYMS = demo.read("synonyms.jsonl")
RELEVANCE = Path(__file__).resolve().parents[2] / "bench" / "knowledge" / "relevance"


def _counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "article_versions": ArticleVersion.objects.count(),
        "wordings": Wording.objects.count(),
        "wording_versions": WordingVersion.objects.count(),
        "synonyms": Synonym.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_loading_the_demo_publishes_every_article_wording_and_synonym():
    """KB-1, KB-4: every row of the three files is loaded, published, version 1 with its version row,
    and every article is attached to the catalog business its row names."""
    loaded = demo.load_demo(actor=None)

    assert loaded == demo.Loaded(articles=len(ARTICLES), wordings=len(WORDINGS), synonyms=len(SYNONYMS))
    articles = {a.code: a for a in Article.objects.select_related("business")}
    assert set(articles) == {row["code"] for row in ARTICLES}
    for row in ARTICLES:
        article = articles[row["code"]]
        assert (article.title, article.business.code, article.kind, article.audience) == (
            row["title"],
            row["business"],
            row["kind"],
            row["audience"],
        )
        assert (article.status, article.version, article.published_version) == (Status.PUBLISHED, 1, 1)
        assert article.body_text  # the plain text the search indexes
    assert ArticleVersion.objects.filter(number=1).count() == len(ARTICLES)
    wordings = Wording.objects.annotate(n=Count("versions"))
    assert sorted(w.code for w in wordings) == sorted(row["code"] for row in WORDINGS)
    assert {(w.status, w.version, w.published_version, w.n) for w in wordings} == {
        (Status.PUBLISHED, 1, 1, 1)
    }
    assert sorted(tuple(s.terms) for s in Synonym.objects.all()) == sorted(
        tuple(r["terms"]) for r in SYNONYMS
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    """The loader is idempotent: a second run creates no row anywhere (and no audit event)."""
    demo.load_demo(actor=None)
    before = _counts()

    assert demo.load_demo(actor=None) == demo.Loaded(articles=0, wordings=0, synonyms=0)
    assert _counts() == before


@pytest.mark.django_db
def test_every_business_named_exists_in_the_catalog():
    """SVC-3: articles and wording sit on businesses of the shipped catalog, value-added and Monternet
    ones included."""
    named = {row["business"] for row in ARTICLES} | {
        row["business"] for row in WORDINGS if row.get("business")
    }
    businesses = dict(Business.objects.filter(code__in=named).values_list("code", "kind"))
    assert named - businesses.keys() == set()
    assert {"vas", "monternet", "own_platform", "basic"} <= set(businesses.values())


@pytest.mark.django_db
def test_every_wording_problem_key_is_a_category_or_an_order_state():
    """KB-4: a wording's problem type is a request-category code of the catalog or an order-state key."""
    categories = set(CategoryNode.objects.values_list("code", flat=True))
    unknown = [
        row["code"]
        for row in WORDINGS
        if row["problem"] not in categories and row["problem"] not in demo.ORDER_STATES
    ]
    assert unknown == []
    assert {row["problem"] for row in WORDINGS} >= set(demo.ORDER_STATES)


def test_the_demo_articles_cover_every_kind_audience_and_validity():
    """KB-1: a few hundred articles over all eight kinds, every audience, some for gold/diamond
    customers only, some ended and some not valid yet; codes and titles unique."""
    assert len(ARTICLES) >= 250
    assert len({row["code"] for row in ARTICLES}) == len(ARTICLES)
    assert len({row["title"] for row in ARTICLES}) == len(ARTICLES)
    assert set(Counter(row["kind"] for row in ARTICLES)) == set(ArticleKind.values())
    assert set(Counter(row["audience"] for row in ARTICLES)) == set(Audience.values())
    levels = {level for row in ARTICLES for level in row.get("levels", [])}
    assert {"gold", "diamond"} <= levels <= set(CustomerLevel.values())
    today = dt.date(2026, 12, 6)  # when the content was written; the dates below are fixed in the file
    assert any(
        dt.date.fromisoformat(row["valid_until"]) < today for row in ARTICLES if row.get("valid_until")
    )
    assert any(dt.date.fromisoformat(row["valid_from"]) > today for row in ARTICLES if row.get("valid_from"))


def test_the_demo_wordings_cover_levels_and_channels_and_order_messages_fit_one_sms():
    """KB-4: wording per level and channel; order-state messages are at most 70 characters and carry
    the order number's placeholder; only the placeholders work orders fill in are used."""
    assert len(WORDINGS) >= 40
    assert {row["channel"] for row in WORDINGS} == set(Channel.values())
    assert {row["level"] for row in WORDINGS} >= {"", "gold", "diamond"}
    messages = [row for row in WORDINGS if row["channel"] == Channel.ORDER_MESSAGE]
    assert messages
    too_long = [row["code"] for row in messages if len(row["text"]) > demo.ORDER_MESSAGE_MAX]
    assert too_long == []
    assert all("{number}" in row["text"] for row in messages)
    assert all(
        re.fullmatch(r"\{(number|kind|title|result)\}", p)
        for row in WORDINGS
        for p in re.findall(r"\{[^}]*\}", row["text"])
    )


def test_no_synonym_term_is_a_query_of_the_relevance_set():
    """Issue 13: the relevance set is held out — no demo synonym group contains a whole query of
    ``bench/knowledge/relevance/queries.jsonl``."""
    queries = {json.loads(line)["q"].lower() for line in (RELEVANCE / "queries.jsonl").open(encoding="utf-8")}
    terms = {term.lower() for row in SYNONYMS for term in row["terms"]}
    assert terms & queries == set()
    assert len(SYNONYMS) >= 25
