"""Routes of the desk's API: the unified customer view, the live snapshot and the wallboard."""

from django.urls import path

from kefu.desk.api import SubscriberViewApi
from kefu.desk.live_api import DeskLiveApi
from kefu.desk.wallboard_views import WallboardApi

urlpatterns = [
    path("desk/live", DeskLiveApi.as_view(), name="desk-live"),
    # issue 14: the supervisors' wallboard (the routing app's own API is mounted by the province)
    path("routing/wallboard", WallboardApi.as_view(), name="routing-wallboard"),
    path("subscribers/<str:number>/view", SubscriberViewApi.as_view(), name="subscriber-view"),
]
