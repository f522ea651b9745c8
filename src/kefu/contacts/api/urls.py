from rest_framework.routers import SimpleRouter

from kefu.contacts.api.views import CallbackTaskViewSet, ContactViewSet

router = SimpleRouter(trailing_slash=False)
router.register("contacts", ContactViewSet, basename="contact")
router.register("callback-tasks", CallbackTaskViewSet, basename="callback-task")

urlpatterns = router.urls
