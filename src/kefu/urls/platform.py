"""URL conf of a ``platform`` node."""

from django.urls import include, path

from kefu.platform import views as platform_views
from kefu.platform.urls import api_urlpatterns as platform_api
from kefu.urls.common import role_urlpatterns

urlpatterns = [
    *role_urlpatterns(home=platform_views.home),
    path("", include("kefu.platform.urls")),
    path("api/v1/", include(platform_api)),
]
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
