"""The hub operator's pages and API (mounted by ``kefu.urls.hub``)."""

from django.urls import path

from kefu.core.api.views import TokenView
from kefu.hub import views

app_name = "hub"

urlpatterns = [
    path("", views.order_list, name="orders"),
    path("<str:number>/", views.order_detail, name="order"),
]

api_urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("hub-orders", views.OrdersApi.as_view(), name="hub-orders"),
    path("hub-orders/<str:number>", views.OrderApi.as_view(), name="hub-order"),
    path("hub-orders/<str:number>/<str:action>", views.OrderActionApi.as_view(), name="hub-order-action"),
]
