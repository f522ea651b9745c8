"""URL conf of a ``sims`` node."""

from kefu.federation.urlconfs import role_urlpatterns

urlpatterns = role_urlpatterns()
handler403 = "kefu.federation.views.role_permission_denied"
handler404 = "kefu.federation.views.role_page_not_found"
