"""The platform node's pages and API (mounted by ``kefu.urls.platform``)."""

from django.urls import path

from kefu.core.api.views import TokenView
from kefu.platform import views

app_name = "platform"

urlpatterns = [
    path("requests/", views.requests_page, name="requests"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
]

api_urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    *views.ORDERS_API.urls("platform-order"),
]
