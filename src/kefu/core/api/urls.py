from django.urls import path
from rest_framework.routers import SimpleRouter

from kefu.core.api import views

router = SimpleRouter(trailing_slash=False)
router.register("provinces", views.ProvinceViewSet)
router.register("cities", views.CityViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("agent-groups", views.AgentGroupViewSet)
router.register("staff", views.StaffViewSet)
router.register("audit-events", views.AuditEventViewSet)

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("me", views.MeView.as_view(), name="me"),
    *router.urls,
]
