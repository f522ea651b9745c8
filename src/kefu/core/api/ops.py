"""Operations endpoints: liveness, readiness (database reachable) and Prometheus metrics."""

from __future__ import annotations

import os

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from kefu.core import live, metrics
from kefu.core.errors import ErrorCode, problem_response


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"
        return problem_response(
            503, ErrorCode.SERVICE_UNAVAILABLE, "The database is not reachable.", instance="/readyz"
        )
    return JsonResponse({"status": "ready", "database": connection.vendor})


def _gauges() -> dict:
    from django.apps import apps

    gauges: dict = {}
    Staff = apps.get_model("core", "Staff")
    gauges["kefu_staff"] = ("Active staff accounts.", [({}, Staff.objects.filter(is_active=True).count())])
    Outbox = apps.get_model("core", "OutboxMessage")
    gauges["kefu_outbox_pending"] = (
        "Outbox messages not yet delivered.",
        [({}, Outbox.objects.filter(delivered_at__isnull=True, dead=False).count())],
    )
    gauges["kefu_live_streams"] = (
        "Desk event streams open on this process (one per browser, whatever its tabs).",
        [({"process": str(os.getpid())}, live.open_streams())],
    )
    for hook in metrics_hooks:
        gauges.update(hook())
    return gauges


# Apps append callables returning {name: (help, [(labels, value), ...])}.
metrics_hooks: list = []


@require_GET
def metrics_view(request):
    return HttpResponse(metrics.render(_gauges()), content_type="text/plain; version=0.0.4; charset=utf-8")
