from rest_framework.routers import SimpleRouter

from kefu.catalog.api import views

router = SimpleRouter(trailing_slash=False)
router.register("businesses", views.BusinessViewSet, basename="business")
router.register("request-categories", views.CategoryNodeViewSet, basename="request-category")
router.register("responsibility-causes", views.ResponsibilityCauseViewSet, basename="responsibility-cause")
router.register(
    "responsible-departments", views.ResponsibleDepartmentViewSet, basename="responsible-department"
)
router.register("time-limits", views.TimeLimitViewSet, basename="time-limit")

urlpatterns = router.urls
