"""Routes of the desk's API: the unified customer view."""

from django.urls import path

from kefu.desk.api import CustomerViewView

urlpatterns = [
    path("subscribers/<str:number>/view", CustomerViewView.as_view(), name="subscriber-view"),
]
