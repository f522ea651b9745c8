"""The desk's navigation offers only pages that would admit the signed-in role (SYS-1, SP-2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core.access import admits, view_admits
from kefu.core.choices import Role
from kefu.desk.navigation import navigation_for

pytestmark = pytest.mark.django_db

# the province's people (devices and the IVR's account have no desk)
PROVINCE_ROLES = [
    Role.HOTLINE_AGENT,
    Role.HALL_STAFF,
    Role.VIP_MANAGER,
    Role.BACK_OFFICE,
    Role.CITY_HANDLER,
    Role.SUPERVISOR,
    Role.QUALITY_INSPECTOR,
    Role.ADMINISTRATOR,
]
SPQUALITY_ROLES = {Role.SUPERVISOR, Role.BACK_OFFICE, Role.ADMINISTRATOR}


def _items(client, user) -> dict[str, str | None]:
    client.force_login(user)
    response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    return {item.key: item.url for item in navigation_for(response.wsgi_request)}


@pytest.mark.parametrize("role", PROVINCE_ROLES, ids=str)
def test_every_offered_link_opens_for_the_role(client, make_staff, role):
    """SYS-1: no menu item leads a role to a 403 page; every link offered opens (200)."""
    user = make_staff(role, "JS", city="3201" if role == Role.CITY_HANDLER else None)
    items = _items(client, user)
    for key, url in items.items():
        if url is None or key == "admin":
            continue
        assert client.get(url).status_code == 200, (role, key, url)


@pytest.mark.parametrize("role", PROVINCE_ROLES, ids=str)
def test_sp_quality_menu_follows_the_page_rule(client, make_staff, role):
    """SP-2, SYS-1: SP服务质量 shows exactly for the roles its page admits; the others would get 403."""
    user = make_staff(role, "JS", city="3201" if role == Role.CITY_HANDLER else None)
    items = _items(client, user)
    page = client.get(reverse("spquality:home"))
    if role in SPQUALITY_ROLES:
        assert "spquality" in items and page.status_code == 200
    else:
        assert "spquality" not in items and page.status_code == 403
    html = client.get(reverse("desk:home")).content.decode()
    assert ("SP服务质量" in html) == (role in SPQUALITY_ROLES)


def test_account_managers_menu_follows_the_page_rule(client, make_staff):
    """SVC-2, SYS-1: 客户经理 shows for a VIP manager and a supervisor, not for a hotline agent (403)."""
    for role, shown in ((Role.VIP_MANAGER, True), (Role.SUPERVISOR, True), (Role.HOTLINE_AGENT, False)):
        items = _items(client, make_staff(role, "JS"))
        assert ("account_managers" in items) is shown, role
        assert (client.get(reverse("desk:account_managers")).status_code == 200) is shown, role


def test_admits_declares_the_rule_on_the_view(rf, make_staff):
    """SYS-1: the decorator's rule is what the navigation reads, by roles or by predicate."""

    @admits({Role.SUPERVISOR})
    def by_role(request):
        return "ok"

    @admits(lambda user: user.job_number.startswith("x"))
    def by_predicate(request):
        return "ok"

    supervisor = make_staff(Role.SUPERVISOR, "JS", job_number="y1")
    agent = make_staff(Role.HOTLINE_AGENT, "JS", job_number="x1")
    assert view_admits(by_role, supervisor) and not view_admits(by_role, agent)
    assert view_admits(by_predicate, agent) and not view_admits(by_predicate, supervisor)
    assert view_admits(lambda request: None, agent)  # no declared rule: every signed-in user
