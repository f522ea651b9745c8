"""Login by job number (SYS-1): readable errors, lockout, language switch, logout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese_by_default(client):
    """SYS-1: the login page asks for the job number (工号), in zh-Hans unless the user switches."""
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工号" in html
    assert "密码" in html
    assert 'lang="zh-CN"' in html
    assert "Job number" not in html


def test_login_page_switches_to_english(client):
    """SYS-1: the language switch on the login page turns the page into English."""
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert "Job number" in html
    assert "Password" in html
    assert "Sign in" in html
    assert "工号" not in html


def test_login_with_job_number_reaches_the_desk(client, js_agent):
    """SYS-1: staff log in with their job number and land on the desk home page."""
    response = client.post(reverse("login"), {"username": js_agent.job_number, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("desk:home")
    home = client.get(reverse("desk:home"))
    assert home.status_code == 200
    assert home.context["user"] == js_agent


def test_wrong_password_shows_readable_error_and_does_not_log_in(client, js_agent):
    """SYS-1: a wrong password gives "工号或密码错误" and no session."""
    response = client.post(reverse("login"), {"username": js_agent.job_number, "password": "wrong-password"})
    assert response.status_code == 200
    assert "工号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("desk:home")).status_code == 302


def test_unknown_job_number_gets_the_same_error(client):
    """SYS-1: an unknown job number is answered like a wrong password (nothing is disclosed)."""
    response = client.post(reverse("login"), {"username": "nobody", "password": PASSWORD})
    assert "工号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_max_failures_shows_locked_message(client, js_agent, settings):
    """SYS-1: after KEFU_LOGIN_MAX_FAILURES failures the job number is locked, with its reopening time;
    even the right password is then refused."""
    for _ in range(settings.KEFU_LOGIN_MAX_FAILURES - 1):
        response = client.post(reverse("login"), {"username": js_agent.job_number, "password": "bad"})
        assert "工号或密码错误" in response.content.decode()
    response = client.post(reverse("login"), {"username": js_agent.job_number, "password": "bad"})
    js_agent.refresh_from_db()
    assert js_agent.locked_until is not None
    html = response.content.decode()
    assert "工号已锁定至" in html
    from django.utils import timezone

    assert timezone.localtime(js_agent.locked_until).strftime("%Y-%m-%d %H:%M") in html

    response = client.post(reverse("login"), {"username": js_agent.job_number, "password": PASSWORD})
    assert "工号已锁定至" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locked_message_in_english(client, js_agent, settings):
    """SYS-1: the lockout message is readable in English too."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(settings.KEFU_LOGIN_MAX_FAILURES):
        response = client.post(reverse("login"), {"username": js_agent.job_number, "password": "bad"})
    assert "locked until" in response.content.decode()


def test_logout_ends_the_session(client, js_agent):
    """SYS-1: logging out (a POST from the header) ends the session."""
    client.force_login(js_agent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("desk:home")).status_code == 302


def test_home_requires_login(client):
    """SYS-1: the desk is only for signed-in staff."""
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
