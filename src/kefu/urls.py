"""Top-level URLs: UI, admin, the native API, OpenAPI, health and metrics."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kefu.core.api import ops
from kefu.crosslevel.urls import api_urlpatterns as crosslevel_api
from kefu.desk.urls import login_patterns

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("kefu.api.urls")),
    path("tmf-api/", include("kefu.tmf.urls")),
    path("federation/v1/", include("kefu.federation.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("telephony/", include("kefu.telephony.urls")),
    path("notify/", include("kefu.notify.urls")),
    path("workorders/", include("kefu.workorders.urls")),
    path("capability/", include("kefu.capability.urls")),
    path("remote/", include("kefu.remote.urls")),
    path("spquality/", include("kefu.spquality.urls")),
    path("crosslevel/", include("kefu.crosslevel.urls")),
    path("api/v1/", include(crosslevel_api)),
    path("", include("kefu.desk.urls")),
    *login_patterns,
]
