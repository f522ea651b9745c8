from django.urls import path

from kefu.capability.api import views

urlpatterns = [
    path("capability/catalog", views.CatalogView.as_view(), name="capability-catalog"),
    path("capability/queries", views.QueryView.as_view(), name="capability-queries"),
]
