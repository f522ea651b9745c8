from django.urls import path

from kefu.acceptance.api import views

urlpatterns = [
    path("products", views.ProductListView.as_view(), name="products"),
    path(
        "subscribers/<str:number>/subscriptions",
        views.SubscriptionsView.as_view(),
        name="subscriber-subscriptions",
    ),
    path("subscribers/<str:number>/products", views.LineProductsView.as_view(), name="subscriber-products"),
    path(
        "subscribers/<str:number>/data-changes",
        views.DataChangeView.as_view(),
        name="subscriber-data-changes",
    ),
]
