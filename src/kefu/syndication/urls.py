"""Routes of national knowledge, mounted by the role URL confs (``kefu.urls.hub``, ``kefu.urls.province``)."""

from django.urls import path

from kefu.syndication import api, views

app_name = "syndication"

# hub: /national/…
hub_urlpatterns = [
    path("", views.national_list, name="national"),
    path("<str:code>/", views.national_article, name="national-article"),
]

# province: /national/…
province_urlpatterns = [
    path("overlays/", views.overlays_page, name="overlays"),
    path("overlays/<str:code>/", views.overlay_edit, name="overlay"),
]

# under /api/v1/
hub_api_urlpatterns = [
    path("knowledge/national/articles", api.NationalArticlesView.as_view(), name="knowledge-national-articles"),
    path("knowledge/national/articles/<str:code>", api.NationalArticleView.as_view(), name="knowledge-national-article"),
    path("knowledge/national/articles/<str:code>/<str:action>", api.NationalArticleActionView.as_view(),
         name="knowledge-national-article-action"),
    path("knowledge/national/wording", api.NationalWordingListView.as_view(), name="knowledge-national-wordings"),
    path("knowledge/national/wording/<str:code>", api.NationalWordingView.as_view(), name="knowledge-national-wording"),
    path("knowledge/national/wording/<str:code>/<str:action>", api.NationalWordingActionView.as_view(),
         name="knowledge-national-wording-action"),
]  # fmt: skip

province_api_urlpatterns = [
    path("knowledge/articles/<str:code>/overlay", api.OverlayView.as_view(), name="knowledge-overlay"),
    path(
        "knowledge/articles/<str:code>/overlay/check",
        api.OverlayCheckView.as_view(),
        name="knowledge-overlay-check",
    ),
    path("knowledge/overlays", api.OverlaysView.as_view(), name="knowledge-overlays"),
]
