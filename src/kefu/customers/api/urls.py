from rest_framework.routers import SimpleRouter

from kefu.customers.api import views

router = SimpleRouter(trailing_slash=False)
router.register("subscribers", views.SubscriberViewSet, basename="subscriber")

urlpatterns = router.urls
