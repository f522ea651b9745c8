"""The desk home page (工作台): layout, navigation and the administrators' system overview with real
figures within the user's scope (the other roles' homes: ``homes/test_homes.py``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _figure(response, key):
    return next(f for f in response.context["figures"] if f.key == key)


def test_header_shows_staff_node_and_scope(client, make_staff, settings):
    """SYS-1: the header names the signed-in staff (job number, name, role) and their data scope."""
    agent = make_staff("hotline_agent", "JS", city="3201", job_number="js0001", name="王芳")
    client.force_login(agent)
    html = client.get(reverse("desk:home")).content.decode()
    assert "js0001" in html
    assert "王芳" in html
    assert "热线座席" in html
    assert "江苏 / 南京" in html
    assert f"<strong>{settings.KEFU_NODE_CODE}</strong>" in html


def test_navigation_marks_unbuilt_areas_as_coming_soon(client, js_agent):
    """SYS-1: areas not built yet are disabled and marked 即将上线; an agent sees no 管理 link."""
    client.force_login(js_agent)
    html = client.get(reverse("desk:home")).content.decode()
    for label in ("工作台", "客户视图", "接触记录", "工单", "知识库", "外呼", "质检", "报表"):
        assert label in html
    # the customer view and contact records are live (issue 3); areas still to come are disabled
    assert 'href="/desk/customers/"' in html and 'href="/desk/contacts/"' in html
    assert 'href="/desk/knowledge/"' in html  # issue 13
    for label in ("外呼", "质检", "报表"):
        assert f'aria-disabled="true" title="即将上线">{label}' in html
    assert "即将上线" in html
    assert 'href="/admin/"' not in html


def test_administrator_sees_the_admin_link(client, js_admin):
    """SYS-1: the 管理 area is offered to administrators only."""
    client.force_login(js_admin)
    html = client.get(reverse("desk:home")).content.decode()
    assert 'href="/admin/"' in html
    assert "管理" in html


def test_staff_figure_follows_the_database(client, js_admin, make_staff):
    """SYS-1: the staff figure counts active staff in scope, and moves when staff are added."""
    client.force_login(js_admin)
    before = _figure(client.get(reverse("desk:home")), "staff").value
    make_staff("hall_staff", "JS")
    after = client.get(reverse("desk:home"))
    assert _figure(after, "staff").value == before + 1
    assert ("营业厅人员", 1) in _figure(after, "staff").breakdown


def test_staff_figure_stays_within_scope(client, js_admin, make_staff):
    """SYS-1: staff of another province are not counted for a JS agent."""
    client.force_login(js_admin)
    before = _figure(client.get(reverse("desk:home")), "staff").value
    make_staff("hotline_agent", "ZJ")
    make_staff("hotline_agent", "JS", is_active=False)
    assert _figure(client.get(reverse("desk:home")), "staff").value == before


def test_staff_figure_is_rendered_in_chinese(client, js_admin, make_staff):
    """SYS-1: the figures are labelled in Chinese, with the roles of the staff counted."""
    make_staff("quality_inspector", "JS")
    client.force_login(js_admin)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()
    assert "在岗员工" in html
    assert "用户数" in html
    assert "业务" in html
    assert "质检员" in html
    assert f'<p class="card-value">{_figure(response, "staff").value}</p>' in html


def test_audit_figure_counts_recent_events_in_scope(client, js_admin, zj_agent):
    """SYS-2: the operations figure counts audit events of the user's scope only."""
    from kefu.core import audit

    client.force_login(js_admin)
    before = _figure(client.get(reverse("desk:home")), "audit").value
    audit.record(actor=js_admin, action="test.js", obj=js_admin)
    audit.record(actor=zj_agent, action="test.zj", obj=zj_agent)
    assert _figure(client.get(reverse("desk:home")), "audit").value == before + 1
    assert AuditEvent.objects.filter(action="test.zj").exists()


def test_subscriber_and_business_figures_come_from_their_apps(client, js_admin):
    """SYS-1: subscribers (scope-limited) and businesses by status come from the customers and catalog
    selectors when those apps provide them."""
    client.force_login(js_admin)
    response = client.get(reverse("desk:home"))
    subscribers = _figure(response, "subscribers").value
    businesses = _figure(response, "businesses")
    try:
        from kefu.customers.selectors import subscriber_count
    except ImportError:
        assert subscribers is None
    else:
        assert subscribers == subscriber_count(js_admin)
    try:
        from kefu.catalog.selectors import business_counts_by_status
    except ImportError:
        assert businesses.value is None
    else:
        counts = business_counts_by_status()
        assert businesses.value == sum(counts.values())
        assert len(businesses.breakdown) == len(counts)


def test_refresh_returns_the_figures_only(client, js_agent):
    """SYS-1: the htmx refresh of the home page answers with the figures fragment, not a whole page."""
    client.force_login(js_agent)
    response = client.get(reverse("desk:home"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="figures"' in html
    assert "<html" not in html


def test_home_in_english(client, js_admin):
    """SYS-1: after the language switch the desk is in English, place names included."""
    client.force_login(js_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("desk:home")).content.decode()
    assert "Desk" in html
    assert "Staff on duty" in html
    assert "Jiangsu" in html
    assert "工作台" not in html


def test_not_found_page_uses_the_layout(client, js_agent):
    """SYS-1: an unknown UI page answers 404 inside the desk layout, not Django's bare page."""
    client.force_login(js_agent)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "返回工作台" in html
    assert 'class="topbar"' in html


def test_server_error_page_renders_without_context():
    """SYS-1: the 500 page renders with no request context at all (as Django renders it)."""
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "系统错误" in html
    assert "desk.css" in html
