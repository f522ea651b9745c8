"""/api/v1/knowledge/: articles, wording and synonyms with their workflow (the editing side)."""

from django.urls import path

from kefu.knowledge.api import articles, synonyms, wording

CODE = "<str:code>"

urlpatterns = [
    path("articles/", articles.ArticleListView.as_view(), name="knowledge-articles"),
    path(f"articles/{CODE}/", articles.ArticleDetailView.as_view(), name="knowledge-article"),
    path(f"articles/{CODE}/submit", articles.ArticleSubmitView.as_view(), name="knowledge-article-submit"),
    path(f"articles/{CODE}/approve", articles.ArticleApproveView.as_view(), name="knowledge-article-approve"),
    path(f"articles/{CODE}/reject", articles.ArticleRejectView.as_view(), name="knowledge-article-reject"),
    path(f"articles/{CODE}/retire", articles.ArticleRetireView.as_view(), name="knowledge-article-retire"),
    path(f"articles/{CODE}/restore", articles.ArticleRestoreView.as_view(), name="knowledge-article-restore"),
    path(f"articles/{CODE}/confirm", articles.ArticleConfirmView.as_view(), name="knowledge-article-confirm"),
    path(
        f"articles/{CODE}/versions/",
        articles.ArticleVersionsView.as_view(),
        name="knowledge-article-versions",
    ),
    path(
        f"articles/{CODE}/versions/<int:number>/",
        articles.ArticleVersionView.as_view(),
        name="knowledge-article-version",
    ),
    path(f"articles/{CODE}/diff", articles.ArticleDiffView.as_view(), name="knowledge-article-diff"),
    path(
        f"articles/{CODE}/attachments/",
        articles.ArticleAttachmentsView.as_view(),
        name="knowledge-article-attachments",
    ),
    path("wording/", wording.WordingListView.as_view(), name="knowledge-wordings"),
    path("wording/lookup", wording.WordingLookupView.as_view(), name="knowledge-wording-lookup"),
    path(f"wording/{CODE}/", wording.WordingDetailView.as_view(), name="knowledge-wording"),
    path(f"wording/{CODE}/submit", wording.WordingSubmitView.as_view(), name="knowledge-wording-submit"),
    path(f"wording/{CODE}/approve", wording.WordingApproveView.as_view(), name="knowledge-wording-approve"),
    path(f"wording/{CODE}/reject", wording.WordingRejectView.as_view(), name="knowledge-wording-reject"),
    path(f"wording/{CODE}/retire", wording.WordingRetireView.as_view(), name="knowledge-wording-retire"),
    path(f"wording/{CODE}/restore", wording.WordingRestoreView.as_view(), name="knowledge-wording-restore"),
    path(
        f"wording/{CODE}/versions/", wording.WordingVersionsView.as_view(), name="knowledge-wording-versions"
    ),
    path(
        f"wording/{CODE}/versions/<int:number>/",
        wording.WordingVersionView.as_view(),
        name="knowledge-wording-version",
    ),
    path(f"wording/{CODE}/diff", wording.WordingDiffView.as_view(), name="knowledge-wording-diff"),
    path("synonyms/", synonyms.SynonymListView.as_view(), name="knowledge-synonyms"),
    path("synonyms/<int:pk>/", synonyms.SynonymDetailView.as_view(), name="knowledge-synonym"),
]
