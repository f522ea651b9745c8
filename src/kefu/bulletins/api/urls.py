from django.urls import path

from kefu.bulletins.api import views

urlpatterns = [
    path("notices", views.NoticeListView.as_view(), name="notices"),
    path("notices/unread-count", views.UnreadCountView.as_view(), name="notice-unread-count"),
    path("notices/sent", views.SentNoticesView.as_view(), name="notices-sent"),
    path("notices/<int:notice_id>/follow", views.NoticeFollowView.as_view(), name="notice-follow"),
    path("notices/<int:notice_id>/read", views.NoticeReadView.as_view(), name="notice-read"),
    path(
        "notices/<int:notice_id>/acknowledge",
        views.NoticeAcknowledgeView.as_view(),
        name="notice-acknowledge",
    ),
]
