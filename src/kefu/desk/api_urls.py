"""Routes of the desk's API: the unified customer view and the live snapshot."""

from django.urls import path

from kefu.desk.api import SubscriberViewApi
from kefu.desk.live_api import DeskLiveApi

urlpatterns = [
    path("desk/live", DeskLiveApi.as_view(), name="desk-live"),
    path("subscribers/<str:number>/view", SubscriberViewApi.as_view(), name="subscriber-view"),
]
