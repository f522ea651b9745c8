from django.urls import path

from kefu.remote.api import views

urlpatterns = [
    path("remote/queries", views.RemoteQueryView.as_view(), name="remote-queries"),
    path("remote/complaints", views.RemoteComplaintView.as_view(), name="remote-complaints"),
    path("remote/requests", views.RemoteRequestView.as_view(), name="remote-requests"),
]
