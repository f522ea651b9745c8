"""URL conf of a ``sims`` node."""

from django.urls import include, path

from kefu.sims import views as sims_views
from kefu.sims.urls import api_urlpatterns as sims_api
from kefu.spquality.urls import sims_urlpatterns
from kefu.urls.common import role_urlpatterns

urlpatterns = [
    *role_urlpatterns(home=sims_views.home),
    path("spquality/", include(sims_urlpatterns)),
    path("sp/", include("kefu.sims.urls")),
    path("api/v1/", include(sims_api)),
]
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
