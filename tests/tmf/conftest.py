"""Validation against the official TM Forum specifications (vendored, unchanged, in tests/tmf/specs/ with
their Apache-2.0 licence and a note of where they come from): every response body of the TMF APIs is
checked with jsonschema against the schema the spec declares for that path, method and status code."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.factories import SubscriberFactory

SPEC_DIR = Path(__file__).parent / "specs"
SPECS = {
    "TMF683": "TMF683-PartyInteraction-v4.0.0.swagger.json",
    "TMF629": "TMF629-Customer-v4.0.0.swagger.json",
    "TMF621": "TMF621-TroubleTicket-v4.0.0.swagger.json",
    "TMF688": "TMF688-Event-v4.0.0.swagger.json",
}
PI = "/tmf-api/partyInteraction/v4/partyInteraction"
CUSTOMER = "/tmf-api/customerManagement/v4/customer"

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@cache
def spec(api: str) -> dict:
    path = SPEC_DIR / SPECS[api]
    if not path.is_file():
        pytest.fail(
            f"the official {api} specification is missing: expected {path} "
            "(the TM Forum files the tests read are vendored in tests/tmf/specs/, see its README)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _validator(api: str, schema: dict) -> Draft4Validator:
    uri = f"urn:tmf:{api}"
    registry = Registry().with_resource(uri, Resource.from_contents(spec(api), default_specification=DRAFT4))
    anchored = json.loads(json.dumps(schema).replace('"#/definitions/', f'"{uri}#/definitions/'))
    return Draft4Validator(anchored, registry=registry, format_checker=FORMATS)


def assert_valid(api: str, instance, definition: str) -> None:
    """``instance`` is valid against ``#/definitions/<definition>`` of the spec."""
    errors = sorted(_validator(api, {"$ref": f"#/definitions/{definition}"}).iter_errors(instance), key=str)
    assert not errors, f"{definition}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )


def assert_conforms(api: str, response, *, path: str, method: str) -> None:
    """The response's status is one the spec declares for ``method path``, its body is valid against
    that response's schema, and a list carries the headers the spec declares."""
    operation = spec(api)["paths"][path][method.lower()]
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method} {path} answered {status}; the spec declares {sorted(declared)}"
    entry = declared[status]
    if "schema" in entry:
        body = response.json()
        errors = sorted(_validator(api, entry["schema"]).iter_errors(body), key=str)
        assert not errors, f"{method} {path} {status}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
        )
    for header in entry.get("headers", {}):
        assert response.has_header(header), f"{method} {path} {status} lacks the {header} header"
        int(response[header])


@pytest.fixture
def js_lines(db):
    """Three JS lines, each with its own customer: Nanjing, Wuxi and Suzhou."""
    return [SubscriberFactory(home=city) for city in ("3201", "3202", "3205")]


@pytest.fixture
def zj_lines(db):
    """Three ZJ lines, each with its own customer: Hangzhou, Ningbo and Wenzhou."""
    return [SubscriberFactory(home=city) for city in ("3301", "3302", "3303")]
