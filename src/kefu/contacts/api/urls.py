from rest_framework.routers import SimpleRouter

from kefu.contacts.api.views import ContactViewSet

router = SimpleRouter(trailing_slash=False)
router.register("contacts", ContactViewSet, basename="contact")

urlpatterns = router.urls
