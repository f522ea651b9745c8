from django.urls import path
from rest_framework.routers import SimpleRouter

from kefu.contacts.api.views import CallbackTaskViewSet, ContactViewSet, WrapUpReasonsView

router = SimpleRouter(trailing_slash=False)
router.register("contacts", ContactViewSet, basename="contact")
router.register("callback-tasks", CallbackTaskViewSet, basename="callback-task")

urlpatterns = [path("wrap-up-reasons", WrapUpReasonsView.as_view(), name="wrap-up-reasons"), *router.urls]
