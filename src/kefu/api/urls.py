"""/api/v1/: the native API, assembled from each app's ``api/urls.py``."""

from django.urls import include, path

from kefu.routing.api.urls import cti_urlpatterns as routing_cti

app_name = "api"

# Resolving a path walks this list in order: the busiest routes — work-order actions — come first.
# Every app's routes have prefixes of their own, so the order decides nothing else.
urlpatterns = [
    path("", include("kefu.workorders.api.urls")),
    path("", include("kefu.core.api.urls")),
    path("", include("kefu.catalog.api.urls")),
    path("", include("kefu.customers.api.urls")),
    path("", include("kefu.contacts.api.urls")),
    # CTI events: telephony's view wrapped by routing (a routed call's answer, hangup, abandon, no_answer)
    path("", include(routing_cti)),
    path("", include("kefu.notify.api.urls")),
    path("", include("kefu.bulletins.api.urls")),
    path("", include("kefu.identity.api.urls")),
    path("", include("kefu.queries.api.urls")),
    path("", include("kefu.acceptance.api.urls")),
    path("", include("kefu.desk.api_urls")),
    path("", include("kefu.capability.api.urls")),
    path("", include("kefu.remote.api.urls")),
    path("", include("kefu.knowledge.api.search_urls")),
]
