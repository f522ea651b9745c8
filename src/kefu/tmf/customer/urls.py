from django.urls import path

from kefu.tmf.customer import views

urlpatterns = [
    path("customer", views.CustomerListView.as_view(), name="tmf-customer-list"),
    path("customer/<str:id>", views.CustomerDetailView.as_view(), name="tmf-customer-detail"),
]
