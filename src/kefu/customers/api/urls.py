from django.urls import path
from rest_framework.routers import SimpleRouter

from kefu.customers.api import views

router = SimpleRouter(trailing_slash=False)
router.register("subscribers", views.SubscriberViewSet, basename="subscriber")

urlpatterns = [
    path(
        "subscribers/<str:number>/account-manager",
        views.AccountManagerView.as_view(),
        name="subscriber-account-manager",
    ),
    *router.urls,
]
