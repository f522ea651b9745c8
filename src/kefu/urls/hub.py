"""URL conf of a ``hub`` node."""

from django.urls import include, path

from kefu.hub import views as hub_views
from kefu.hub.urls import api_urlpatterns as hub_api
from kefu.spquality.urls import hub_urlpatterns
from kefu.syndication.urls import hub_api_urlpatterns as national_api
from kefu.syndication.urls import hub_urlpatterns as national_urls
from kefu.urls.common import role_urlpatterns

urlpatterns = [
    *role_urlpatterns(home=hub_views.home),
    path("spquality/", include(hub_urlpatterns)),
    path("orders/", include("kefu.hub.urls")),
    path("api/v1/", include(hub_api)),
    path("national/", include((national_urls, "syndication"))),
    path("api/v1/", include(national_api)),
]
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
