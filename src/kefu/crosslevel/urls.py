"""Province routes of the cross-level flow (included by ``kefu.urls.province``)."""

from django.urls import path

from kefu.crosslevel import views

app_name = "crosslevel"

urlpatterns = [path("<str:order_number>/", views.order_page, name="order")]

api_urlpatterns = [
    path("crosslevel/<str:order_number>", views.CrossLevelApi.as_view(), name="crosslevel"),
    path("crosslevel/<str:order_number>/send", views.SendApi.as_view(), name="crosslevel-send"),
    path("crosslevel/<str:order_number>/hub-state", views.HubStateApi.as_view(), name="crosslevel-hub-state"),
]
