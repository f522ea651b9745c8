"""Staff login over the API: bearer tokens, problem+json failures, lockout (SYS-1)."""

import pytest
from django.test import override_settings

from kefu.core.models import AuditEvent, Staff
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_then_bearer_access(js_agent, client):
    """SYS-1: a job number and password give a token that authenticates API calls as Bearer."""
    response = client.post(
        "/api/v1/auth/token",
        {"job_number": js_agent.job_number, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["job_number"] == js_agent.job_number
    assert me.json()["scope"] == "province"
    assert me.json()["province"] == "JS"


def test_wrong_password_is_problem_json_and_counted(js_agent, client):
    """SYS-1: a wrong password answers 401 problem+json with a stable code and counts the failure."""
    response = client.post(
        "/api/v1/auth/token",
        {"job_number": js_agent.job_number, "password": "nope-nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["status"] == 401
    assert "nope-nope" not in response.content.decode()
    js_agent.refresh_from_db()
    assert js_agent.failed_logins == 1


def test_unknown_job_number_same_answer(client, db):
    """SYS-1: an unknown job number gets the same answer as a wrong password."""
    response = client.post(
        "/api/v1/auth/token",
        {"job_number": "nobody", "password": "whatever1"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@override_settings(KEFU_LOGIN_MAX_FAILURES=3, KEFU_LOGIN_LOCK_MINUTES=10)
def test_repeated_failures_lock_the_job_number(js_agent, client):
    """SYS-1: repeated failed logins lock the job number; even the right password is refused then."""
    for _ in range(2):
        r = client.post(
            "/api/v1/auth/token",
            {"job_number": js_agent.job_number, "password": "bad-pass"},
            content_type="application/json",
        )
        assert r.status_code == 401
    r = client.post(
        "/api/v1/auth/token",
        {"job_number": js_agent.job_number, "password": "bad-pass"},
        content_type="application/json",
    )
    assert r.status_code == 423
    assert r.json()["code"] == "login_locked"
    assert "locked_until" in r.json()
    r = client.post(
        "/api/v1/auth/token",
        {"job_number": js_agent.job_number, "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 423
    js_agent.refresh_from_db()
    assert js_agent.locked_until is not None
    assert AuditEvent.objects.filter(action="staff.login_failed", object_id=str(js_agent.pk)).count() == 3


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ('{"job_number": "x"}', "application/json"),
        ("[]", "application/json"),
    ],
    ids=["malformed", "missing-password", "wrong-shape"],
)
def test_bad_token_requests_are_400_problem_json(client, db, body, content_type):
    """SYS-1: malformed login bodies answer 400 problem+json and change nothing."""
    before = Staff.objects.count(), AuditEvent.objects.count()
    response = client.post("/api/v1/auth/token", body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in {"malformed_body", "validation_failed"}
    assert (Staff.objects.count(), AuditEvent.objects.count()) == before


def test_password_is_stored_as_argon2(js_agent):
    """SYS-1: staff passwords are argon2 hashes, never clear text."""
    js_agent.refresh_from_db()
    assert js_agent.password.startswith("argon2$")
    assert PASSWORD not in js_agent.password


def test_anonymous_api_call_is_401_problem(client, db):
    """SYS-1: the API needs authentication; the answer is problem+json."""
    response = client.get("/api/v1/staff")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def _token_for(staff) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=staff)[0].key


def test_a_checked_token_is_remembered_for_a_while(js_agent, client):
    """SYS-1: a process checks a bearer token once and trusts it for KEFU_TOKEN_CACHE_SECONDS: the
    second call reads no token or staff row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = _token_for(js_agent)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    with CaptureQueriesContext(connection) as second:
        again = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 200 and again.json()["job_number"] == js_agent.job_number
    assert any('"authtoken_token"' in q["sql"] for q in first.captured_queries)
    assert not any('"authtoken_token"' in q["sql"] for q in second.captured_queries)


def test_deactivating_staff_or_deleting_a_token_takes_effect_at_once(js_agent, client):
    """SYS-1: the remembered token is forgotten when its member of staff is saved (deactivated) or
    the token deleted, so the next call is refused."""
    from rest_framework.authtoken.models import Token

    token = _token_for(js_agent)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    js_agent.is_active = False
    js_agent.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    js_agent.is_active = True
    js_agent.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    Token.objects.filter(key=token).get().delete()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@override_settings(KEFU_TOKEN_CACHE_SECONDS=0)
def test_token_cache_off_checks_every_call(js_agent, client):
    """SYS-1: with KEFU_TOKEN_CACHE_SECONDS=0 every call reads the token again, so a deactivation
    done behind the model's back (a bulk UPDATE, another process) is seen at the next call."""
    token = _token_for(js_agent)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    Staff.objects.filter(pk=js_agent.pk).update(is_active=False)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
