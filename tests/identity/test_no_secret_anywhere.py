"""AUTH-3, AUTH-4: a service password, one-time password or IVR digits never appear in a response, a log
line, an audit payload, an exception message or a page. Every flow runs with known secrets; then every
table of the database and everything logged are searched for them."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from tests.identity.fixtures import KNOWN, WRONG, authenticate, change_service_password

pytestmark = pytest.mark.django_db

NEW = "604182"  # set through the API
HALL_SET = "815273"  # set through `kefu servicepassword`
OTP = "482913"
SECRETS = (KNOWN, WRONG, NEW, HALL_SET, OTP)


def _all_table_text() -> str:
    """Every column of every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


def test_no_secret_in_responses_tables_or_logs(line, other_line, js_agent, ivr, make_staff, api_client_for,
                                               answered_call, monkeypatch, caplog, capsys, pin_pad_for,
                                               django_capture_on_commit_callbacks, client):  # fmt: skip
    import kefu.identity.services as services

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(services.pysecrets, "randbelow", lambda n: int(OTP))
    hall = make_staff("hall_staff", "JS", city="3201")
    pin_pad_for(hall)
    agent = api_client_for(hall)  # the counter: the customer keys on the pad
    hotline = api_client_for(js_agent)
    responses = []

    def keep(response):
        responses.append(response.content.decode("utf-8", errors="ignore"))
        return response

    type(line).objects.filter(pk=line.pk).update(password_initial=True, broadband_account="025000000777",
                                                 membership_card="VIP3201000000777")  # fmt: skip
    # every method, right and wrong
    keep(authenticate(agent, line.number, password=WRONG))
    keep(authenticate(agent, line.number, password=KNOWN))
    keep(
        authenticate(agent, line.number, method="broadband", broadband_account="025000000777", password=KNOWN)
    )
    keep(
        authenticate(
            agent, line.number, method="id_number", id_number=line.customer.id_number, password=WRONG
        )
    )
    keep(authenticate(agent, line.number, method="membership_card", card_number="VIP3201000000777",
                      password=KNOWN))  # fmt: skip
    keep(agent.post(f"/api/v1/subscribers/{line.number}/otp"))
    keep(authenticate(agent, line.number, method="otp", otp=OTP))
    # refused from a staff member's own session (AUTH-3): the answer does not echo what was sent
    keep(hotline.post(f"/api/v1/subscribers/{line.number}/authenticate", {"method": "password", "password": KNOWN},
                      format="json"))  # fmt: skip
    keep(hotline.post(f"/api/v1/subscribers/{line.number}/service-password",
                      {"old_password": KNOWN, "new_password": NEW}, format="json"))  # fmt: skip
    # change of the initial password on the pad, with a wrong old one first
    keep(change_service_password(agent, line.number, WRONG, NEW))
    keep(change_service_password(agent, line.number, KNOWN, NEW))
    # a lock with the right password in hand
    for _ in range(3):
        keep(authenticate(agent, other_line.number, password=WRONG))
    keep(authenticate(agent, other_line.number, password=KNOWN))
    # IVR collection
    call = answered_call(js_agent, line.number)
    collection = keep(hotline.post(f"/api/v1/calls/{call.call_id}/password-collection")).json()
    with django_capture_on_commit_callbacks(execute=True):
        keep(api_client_for(ivr).post(f"/api/v1/ivr/password-collections/{collection['id']}", {"digits": NEW},
                                      format="json"))  # fmt: skip
    keep(hotline.get(f"/api/v1/ivr/password-collections/{collection['id']}"))
    # queries, a result by SMS, an acceptance
    keep(agent.get(f"/api/v1/subscribers/{line.number}/balance"))
    keep(agent.post(f"/api/v1/subscribers/{line.number}/query-results", {"what": "points", "method": "sms"},
                    format="json"))  # fmt: skip
    keep(agent.get("/api/v1/sms-outbox"))
    # the hall sets a password from stdin
    monkeypatch.setattr(sys, "stdin", io.StringIO(HALL_SET + "\n"))
    out = io.StringIO()
    call_command("servicepassword", other_line.number, stdout=out, stderr=out)
    # pages
    client.force_login(js_agent)
    keep(client.get("/notify/outbox/"))
    keep(client.get("/notify/outbox/?channel=sms"))

    assert len(responses) >= 20
    stored = _all_table_text()
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, '__dict__', {})!r}" for r in caplog.records)
    captured = capsys.readouterr()
    outputs = "\n".join([*responses, logged, captured.out, captured.err, out.getvalue()])
    assert line.number in stored and "验证码" in stored  # the search sees what was written
    for secret in SECRETS:
        assert secret not in stored, f"{secret} stored in a table"
        assert secret not in outputs, f"{secret} in a response, page or log"
    # and the flows really ran
    from kefu.identity.models import AuthAttempt

    assert AuthAttempt.objects.filter(success=True).count() >= 5
    assert AuthAttempt.objects.filter(method="ivr_password", success=True).exists()
