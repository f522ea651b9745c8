"""URL conf of a ``province`` node: UI, admin, the native API, OpenAPI, TMF, health and metrics."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from kefu.api.schema import CachedSchemaView
from kefu.crosslevel.urls import api_urlpatterns as crosslevel_api
from kefu.desk.stream import stream_urlpatterns
from kefu.desk.urls import login_patterns
from kefu.syndication.urls import province_api_urlpatterns as overlay_api
from kefu.syndication.urls import province_urlpatterns as national_urls
from kefu.urls.common import every_node_urlpatterns

urlpatterns = [
    *every_node_urlpatterns(),
    path("api/v1/knowledge/", include("kefu.knowledge.api.urls")),
    path("api/v1/routing/", include("kefu.routing.api.urls")),
    path("api/v1/", include("kefu.api.urls")),
    path("tmf-api/", include("kefu.tmf.urls")),
    path("api/schema/", CachedSchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("telephony/", include(stream_urlpatterns)),
    path("notify/", include("kefu.notify.urls")),
    path("bulletins/", include("kefu.bulletins.urls")),
    path("callbacks/", include("kefu.contacts.urls")),
    path("workorders/", include("kefu.workorders.urls")),
    path("capability/", include("kefu.capability.urls")),
    path("remote/", include("kefu.remote.urls")),
    path("spquality/", include("kefu.spquality.urls")),
    path("crosslevel/", include("kefu.crosslevel.urls")),
    path("api/v1/", include(crosslevel_api)),
    path("api/v1/", include(overlay_api)),
    path("national/", include((national_urls, "syndication"))),
    path("", include("kefu.desk.urls")),
    *login_patterns,
]
