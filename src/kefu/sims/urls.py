"""The SP desk and API (mounted by ``kefu.urls.sims``)."""

from django.urls import path

from kefu.core.api.views import TokenView
from kefu.sims import views

app_name = "sims"

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("points/", views.points, name="points"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/<str:code>/", views.profile, name="profile"),
]

api_urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    *views.ORDERS_API.urls("sp-order"),
]
