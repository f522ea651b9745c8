"""The admin site (/admin/): administrators only, staff management, audited writes, read-only audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core import audit
from kefu.core.models import AuditEvent, Staff
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_administrator_reaches_the_admin(client, js_admin):
    """SYS-1: an administrator gets into /admin/, titled in Chinese, and sees the organisation."""
    client.force_login(js_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "kefu 客服管理" in html
    for url_name in ("core_staff_changelist", "core_province_changelist", "core_auditevent_changelist"):
        assert reverse(f"admin:{url_name}") in html


def test_hotline_agent_is_kept_out_of_the_admin(client, js_agent):
    """SYS-1: a hotline agent is sent to the admin login, and no admin page opens."""
    client.force_login(js_agent)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    assert client.get(reverse("admin:core_staff_changelist")).status_code == 302


@pytest.mark.parametrize(
    "url_name",
    [
        "core_province_changelist",
        "core_city_changelist",
        "core_department_changelist",
        "core_agentgroup_changelist",
        "core_staff_changelist",
        "core_staff_add",
        "core_auditevent_changelist",
    ],
)
def test_admin_pages_open(client, js_admin, url_name):
    """SYS-1: every organisation and staff page of the admin opens for an administrator."""
    client.force_login(js_admin)
    assert client.get(reverse(f"admin:{url_name}")).status_code == 200


def test_staff_list_is_limited_to_the_administrators_scope(client, js_admin, make_staff):
    """SYS-1: a JS administrator lists JS staff and not ZJ staff."""
    make_staff("hotline_agent", "JS", job_number="js7001")
    make_staff("hotline_agent", "ZJ", job_number="zj7001")
    client.force_login(js_admin)
    html = client.get(reverse("admin:core_staff_changelist")).content.decode()
    assert "js7001" in html
    assert "zj7001" not in html


def _staff_form(staff: Staff, **changes) -> dict:
    data = {
        "job_number": staff.job_number,
        "name": staff.name,
        "role": staff.role,
        "department": "",
        "agent_group": "",
        "province": staff.province_id or "",
        "city": staff.city_id or "",
        "sp_code": staff.sp_code,
        "is_active": "on" if staff.is_active else "",
        "is_staff": "on" if staff.is_staff else "",
        "locked_until_0": "",
        "locked_until_1": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_staff_save_through_admin_is_audited(client, js_admin, js_agent):
    """SYS-2: changing a staff member in the admin writes an audit event naming actor and change."""
    client.force_login(js_admin)
    url = reverse("admin:core_staff_change", args=[js_agent.pk])
    response = client.post(url, _staff_form(js_agent, name="李雷", role="supervisor"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    js_agent.refresh_from_db()
    assert js_agent.name == "李雷"
    assert js_agent.role == "supervisor"
    event = AuditEvent.objects.get(action="admin.change.staff", object_id=str(js_agent.pk))
    assert event.actor == js_admin
    assert event.changes["name"] == "李雷"
    assert event.changes["role"] == "supervisor"
    assert "password" not in event.changes


def test_staff_page_never_shows_the_password_hash(client, js_admin, js_agent):
    """SYS-1: the staff page says whether a password is set and links to set one, without the hash."""
    client.force_login(js_admin)
    html = client.get(reverse("admin:core_staff_change", args=[js_agent.pk])).content.decode()
    assert "已设置" in html
    assert reverse("admin:auth_user_password_change", args=[js_agent.pk]) in html
    assert "argon2" not in html
    assert js_agent.password.split("$")[-1] not in html


def test_staff_added_through_admin_can_log_in(client, js_admin):
    """SYS-1, SYS-2: an administrator creates staff with a job number and password; it is audited and
    the new staff member logs in with that job number."""
    client.force_login(js_admin)
    response = client.post(
        reverse("admin:core_staff_add"),
        {
            "job_number": "js8001",
            "name": "新员工",
            "role": "hotline_agent",
            "province": js_admin.province_id,
            "usable_password": "true",
            "password1": "new-secret-42",
            "password2": "new-secret-42",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff = Staff.objects.get(job_number="js8001")
    assert AuditEvent.objects.filter(action="admin.add.staff", object_id=str(staff.pk)).exists()
    client.logout()
    login = client.post(reverse("login"), {"username": "js8001", "password": "new-secret-42"})
    assert login.status_code == 302


def test_password_change_through_admin_is_audited(client, js_admin, js_agent):
    """SYS-1, SYS-2: an administrator sets a new password; the change is audited without the secret."""
    client.force_login(js_admin)
    url = reverse("admin:auth_user_password_change", args=[js_agent.pk])
    response = client.post(
        url, {"password1": "brand-new-77", "password2": "brand-new-77", "set_usable_password": "true"}
    )
    assert response.status_code == 302
    js_agent.refresh_from_db()
    assert js_agent.check_password("brand-new-77")
    assert not js_agent.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="admin.password.staff", object_id=str(js_agent.pk))
    assert "brand-new-77" not in str(event.changes)


def test_staff_cannot_be_deleted_through_admin(client, js_admin, js_agent):
    """SYS-2: staff are deactivated, not deleted, so their audit trail keeps its actor."""
    client.force_login(js_admin)
    response = client.post(reverse("admin:core_staff_delete", args=[js_agent.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Staff.objects.filter(pk=js_agent.pk).exists()


def test_audit_events_cannot_be_changed_in_admin(client, js_admin, js_agent):
    """SYS-2: the audit trail is read-only in the admin: no add, no change, no delete."""
    event = audit.record(actor=js_agent, action="test.original", obj=js_agent)
    client.force_login(js_admin)
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()  # shown, not editable
    assert client.post(change_url, {"action": "test.forged"}).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    delete = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert "无权访问" in delete.content.decode()
    event.refresh_from_db()
    assert event.action == "test.original"


def test_audit_list_filters_and_searches(client, js_admin, js_agent):
    """SYS-2: the audit list filters by action and searches by job number."""
    audit.record(actor=js_agent, action="test.alpha", obj=js_agent)
    audit.record(actor=js_admin, action="test.beta", obj=js_admin)
    client.force_login(js_admin)
    url = reverse("admin:core_auditevent_changelist")
    filtered = client.get(url, {"action": "test.alpha"})
    assert filtered.status_code == 200
    assert [e.action for e in filtered.context["cl"].result_list] == ["test.alpha"]
    searched = client.get(url, {"q": js_agent.job_number})
    assert {e.actor_job_number for e in searched.context["cl"].result_list} == {js_agent.job_number}
