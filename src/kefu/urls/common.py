"""What every node serves, whatever its role: health, metrics, language switch, admin, the federation
endpoint, login and logout. The role URL confs (``kefu.urls.<role>``) add their own pages to it."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from kefu.core.api import ops
from kefu.crosslevel.pages import node_status
from kefu.desk.urls import login_patterns


def every_node_urlpatterns() -> list:
    """Routes every role has (login and logout come last, after the role's own pages)."""
    return [
        path("healthz", ops.healthz, name="healthz"),
        path("readyz", ops.readyz, name="readyz"),
        path("metrics", ops.metrics_view, name="metrics"),
        path("i18n/", include("django.conf.urls.i18n")),
        path("admin/", admin.site.urls),
        path("federation/v1/", include("kefu.federation.urls")),
    ]


def role_urlpatterns(home) -> list:
    """A hub, SIMS or platform node: the common routes, the role's ``home`` (its staff's orders) and
    the node's federation status."""
    desk = ([path("", home, name="home"), path("node/", node_status, name="node")], "desk")
    return [*every_node_urlpatterns(), path("", include(desk)), *login_patterns]
