"""URL conf of a ``hub`` node."""

from django.urls import include, path

from kefu.federation.urlconfs import role_urlpatterns
from kefu.spquality.urls import hub_urlpatterns

urlpatterns = [*role_urlpatterns(), path("spquality/", include(hub_urlpatterns))]
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
