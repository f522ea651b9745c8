"""URL confs of the roles other than ``province`` (chosen by ``KEFU_ROLE`` in the settings).

A hub, SIMS or platform node exposes only its own desk plus what every node has: the federation
endpoint, health, metrics, admin, login and language switch. The province keeps ``kefu.urls``.
These modules assemble entry points, as ``kefu.urls`` does, hence the import of the desk's login views.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from kefu.core.api import ops


def role_urlpatterns() -> list:
    from kefu.desk.urls import login_patterns
    from kefu.federation import views

    desk = ([path("", views.node_desk, name="home")], "desk")  # the role's desk is its home page
    return [
        path("healthz", ops.healthz, name="healthz"),
        path("readyz", ops.readyz, name="readyz"),
        path("metrics", ops.metrics_view, name="metrics"),
        path("i18n/", include("django.conf.urls.i18n")),
        path("admin/", admin.site.urls),
        path("federation/v1/", include("kefu.federation.urls")),
        path("", include(desk)),
        *login_patterns,
    ]
