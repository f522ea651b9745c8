"""The OpenAPI document is built once per process and language, ahead of the first reader (API)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from kefu.api import schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """Counts the times drf-spectacular walks the endpoints."""
    count = {"n": 0}
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        count["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    return count


def test_the_document_is_built_once_and_served_again(client, builds):
    """API: the second /api/schema/ serves the same bytes without walking the endpoints again."""
    first = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    second = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    yaml = client.get("/api/schema/")
    assert first.status_code == second.status_code == yaml.status_code == 200
    assert builds["n"] == 1
    assert first.content == second.content and first.json()["openapi"].startswith("3.")
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi") and b"openapi: 3." in yaml.content
    assert "/api/schema/" not in first.json()["paths"]  # the document does not list itself


def test_each_language_has_its_own_document(client, builds):
    """API: ?lang=en is built apart from the default zh-Hans document, then cached as well."""
    client.get("/api/schema/", HTTP_ACCEPT="application/json")
    client.get("/api/schema/", {"lang": "en"}, HTTP_ACCEPT="application/json")
    client.get("/api/schema/", {"lang": "en"}, HTTP_ACCEPT="application/json")
    assert builds["n"] == 2


def test_warm_up_builds_before_the_first_reader(client, builds, settings):
    """API: the start-up warm-up builds the document in the background; the first reader waits for
    nothing (no build on the request)."""
    settings.KEFU_SCHEMA_WARM = True
    thread = schema.schema_warm_in_background()
    assert thread is not None
    thread.join(timeout=120)
    assert builds["n"] == 1
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json,*/*")  # as Swagger UI asks
    assert response.status_code == 200 and response.json()["paths"] and builds["n"] == 1
    settings.KEFU_SCHEMA_WARM = False
    assert schema.schema_warm_in_background() is None


def test_docs_page_reads_the_cached_document_as_json(client, builds):
    """API: Swagger UI asks for JSON (Accept: application/json); that rendering is cached as well."""
    assert client.get("/api/docs/").status_code == 200
    for _ in range(2):
        response = client.get("/api/schema/", HTTP_ACCEPT="application/json,*/*")
        assert response["Content-Type"].startswith("application/json") and response.json()["paths"]
    assert builds["n"] == 1
