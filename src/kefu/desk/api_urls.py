"""Routes of the desk's API: the unified customer view."""

from django.urls import path

from kefu.desk.api import SubscriberViewApi

urlpatterns = [
    path("subscribers/<str:number>/view", SubscriberViewApi.as_view(), name="subscriber-view"),
]
