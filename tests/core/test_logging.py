"""Request logs: a refused or bad request is one line, a server error keeps its traceback (SYS-1)."""

from __future__ import annotations

import logging
import sys

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.log import log_response

from kefu.core.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_page_logs_one_line_without_traceback(client, js_agent, caplog):
    """SYS-1: a 403 page (an agent opening SP服务质量) logs one warning line and no traceback."""
    caplog.set_level(logging.WARNING, logger="django.request")
    client.force_login(js_agent)
    assert client.get(reverse("spquality:home")).status_code == 403
    records = _request_records(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.status_code == 403 and record.exc_info is None
    line = JsonFormatter().format(record)
    assert "\n" not in line and "Traceback" not in line and "exception" not in line
    assert "/spquality/" in line


def test_a_refused_api_call_logs_one_line_without_traceback(api_client_for, js_agent, caplog):
    """SYS-1: a problem+json 403 from the API is one line as well."""
    caplog.set_level(logging.WARNING, logger="django.request")
    response = api_client_for(js_agent).get("/api/v1/hub/orders/")
    assert response.status_code in (403, 404)
    assert all(r.exc_info is None for r in _request_records(caplog))
    assert all(r.status_code < 500 for r in _request_records(caplog))


def test_a_server_error_keeps_its_traceback(caplog):
    """SYS-1: a 500 is still logged with its traceback, so the cause can be found."""
    caplog.set_level(logging.ERROR, logger="django.request")
    request = HttpRequest()
    request.path = "/boom/"
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log_response("Internal Server Error: %s", request.path, response=HttpResponse(status=500), request=request,
                     exception=sys.exc_info()[1])  # fmt: skip
    (record,) = _request_records(caplog)
    assert record.exc_info is not None
    assert "RuntimeError: boom" in JsonFormatter().format(record)


def test_a_bad_request_logged_with_exc_info_loses_it(caplog):
    """SYS-1: any 4xx record (not only 403) drops its traceback."""
    caplog.set_level(logging.WARNING, logger="django.request")
    request = HttpRequest()
    request.path = "/bad/"
    try:
        raise ValueError("bad input")
    except ValueError:
        log_response("Bad Request: %s", request.path, response=HttpResponse(status=400), request=request,
                     exception=sys.exc_info()[1])  # fmt: skip
    (record,) = _request_records(caplog)
    assert record.exc_info is None
    assert "ValueError" not in JsonFormatter().format(record)
