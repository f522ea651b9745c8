from django.urls import path

from kefu.queries.api import views

urlpatterns = [
    path("subscribers/<str:number>/bills", views.BillsView.as_view(), name="subscriber-bills"),
    path(
        "subscribers/<str:number>/call-details",
        views.CallDetailsView.as_view(),
        name="subscriber-call-details",
    ),
    path("subscribers/<str:number>/payments", views.PaymentsView.as_view(), name="subscriber-payments"),
    path("subscribers/<str:number>/balance", views.BalanceView.as_view(), name="subscriber-balance"),
    path("subscribers/<str:number>/points", views.PointsView.as_view(), name="subscriber-points"),
    path("subscribers/<str:number>/orders", views.OrdersView.as_view(), name="subscriber-orders"),
    path(
        "subscribers/<str:number>/query-results",
        views.QueryResultSendView.as_view(),
        name="subscriber-query-results",
    ),
]
