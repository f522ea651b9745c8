"""Health, readiness, metrics, problem+json for unknown API paths, and the OpenAPI document."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz(client):
    """SYS-1 operations: liveness and readiness (the database answers)."""
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_metrics_are_prometheus_text(client):
    """SYS-1 operations: /metrics speaks the Prometheus text format with request counters and gauges."""
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE kefu_http_requests_total counter" in text
    assert 'route="healthz"' in text
    assert "kefu_staff " in text


def test_unknown_api_path_is_problem_json(client):
    """Errors: an unknown API path answers 404 problem+json, never an HTML page."""
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_openapi_document_lists_every_api_route(client):
    """API: /api/schema/ is a complete OpenAPI 3 document — every /api/v1 route appears in it."""
    from django.urls import get_resolver

    from tests.core.urlwalk import api_routes

    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    missing = [route.openapi_path for route in api_routes(get_resolver()) if route.openapi_path not in paths]
    assert missing == []


def test_api_docs_page_renders(client):
    """API: /api/docs/ serves the interactive documentation from local static files (no CDN)."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"cdn.jsdelivr" not in response.content


def test_chinese_by_default_even_for_english_browsers(client):
    """SYS-1 (UI): the UI is zh-Hans unless the user switches; the browser's language does not decide."""
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "工号" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "工号" not in client.get("/login/").content.decode()
