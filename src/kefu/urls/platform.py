"""URL conf of a ``platform`` node."""

from django.urls import include, path

from kefu.urls.common import role_urlpatterns

urlpatterns = [*role_urlpatterns(), path("requests/", include("kefu.platform.urls"))]
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
