"""VIEW-7 + SVC-1: the embed page of a walk-in (and of a refused view) renders without the desk's
shell, like every embed page; the desk page keeps it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


@pytest.fixture
def suzhou_line(db):
    from tests.factories import line_with_history

    return line_with_history(months=1, home="3205")


def test_walk_in_embed_has_no_desk_navigation(make_staff, suzhou_line, client):
    """VIEW-7, SVC-1: a Suzhou line opened by Nanjing hall staff in the embed shows the walk-in panel in
    the embedded shell (no side navigation, no top bar, no call bar); the desk page has them."""
    client.force_login(make_staff("hall_staff", "JS", city="3201"))
    embed = client.get(f"/desk/embed/customers/{suzhou_line.number}/").content.decode()
    assert 'data-testid="cv-walk-in"' in embed and 'data-testid="panel-auth"' in embed
    assert 'data-testid="embedded-view"' in embed
    assert 'class="sidenav"' not in embed and 'class="topbar"' not in embed
    assert "customer_view.js" in embed  # the authentication panel works there too
    desk = client.get(f"/desk/customers/{suzhou_line.number}/").content.decode()
    assert 'data-testid="cv-walk-in"' in desk and 'class="sidenav"' in desk
    assert 'data-testid="embedded-view"' not in desk


def test_refused_embed_has_no_desk_navigation(js_agent, js_line, client, monkeypatch):
    """VIEW-7, SYS-2: an embed view refused because its audit row cannot be written shows the reason in
    the embedded shell, without the desk's navigation."""
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    client.force_login(js_agent)
    response = client.get(f"/desk/embed/customers/{js_line.number}/")
    html = response.content.decode()
    assert response.status_code == 503
    assert 'data-code="audit_unavailable"' in html and 'data-testid="embedded-view"' in html
    assert 'class="sidenav"' not in html
    page = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert 'data-code="audit_unavailable"' in page and 'class="sidenav"' in page
