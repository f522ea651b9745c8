"""The unified view under Q-1 (fees only after authentication or from the calling line itself), its
audit (SYS-2: one row per view, committed before the view is shown) and SVC-1 walk-ins (hall and VIP
staff serve a customer of another city of their province after authentication)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kefu.core.models import AuditEvent
from kefu.ports.billing import get_billing

pytestmark = pytest.mark.django_db

HOTLINE_OPENERS = {"ivr_password", "calling_number", "otp"}


def _views(number):
    return AuditEvent.objects.filter(action="view", object_id=number)


def test_api_fee_sections_empty_without_grant_and_filled_with_one(
    js_agent, js_line, api_client_for, grant_for
):
    """Q-1 (done-when, API): without a grant the bills, call details, payments, balance, points and the
    spend figures are absent and the sections say which authentication opens them; with a grant they
    are filled."""
    client = api_client_for(js_agent)
    locked = client.get(f"/api/v1/subscribers/{js_line.number}/view").json()
    assert locked["fees"]["locked"] is True
    assert locked["billing"]["locked"] is True
    assert set(locked["billing"]) == {"locked", "opens_with"}
    assert {m["method"] for m in locked["billing"]["opens_with"]} == HOTLINE_OPENERS
    assert set(locked["membership"]["points"]) == {"locked", "opens_with"}
    assert locked["summary"]["spending_curve"] == []
    assert locked["summary"]["six_month_spend"] == []
    assert locked["summary"]["average_monthly_spend"] is None
    assert locked["analysis"]["usage_trend"] == []
    assert not {"billing", "points", "usage"} & set(locked["sections"])

    grant_for(js_agent, js_line)
    opened = client.get(f"/api/v1/subscribers/{js_line.number}/view").json()
    assert opened["fees"] == {"locked": False, "opened_by": "password", "opens_with": []}
    assert opened["billing"]["locked"] is False
    assert len(opened["billing"]["bills"]) == 6
    assert len(opened["billing"]["payments"]) > 0
    assert len(opened["billing"]["calls"]) > 0
    assert opened["membership"]["points"]["locked"] is False
    points = get_billing().points(js_line.number)
    assert opened["membership"]["points"]["total"] == points.current_total
    assert opened["billing"]["balance"] == f"{get_billing().balance(js_line.number).balance:.2f}"
    assert len(opened["summary"]["spending_curve"]) == 6
    assert len(opened["analysis"]["usage_trend"]) == 3
    assert {"billing", "points", "usage"} <= set(opened["sections"])


def test_page_fee_sections_empty_without_grant_and_filled_with_one(js_agent, js_line, client, grant_for):
    """Q-1 (done-when, page): the billing tab shows the locked note and no bill table until the agent
    holds a grant; then the six bills show."""
    client.force_login(js_agent)
    html = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert 'data-testid="fees-locked"' in html
    assert 'data-testid="bills"' not in html
    assert 'data-testid="points-total"' not in html
    assert "语音采集服务密码" in html  # what would open it

    grant_for(js_agent, js_line)
    html = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert 'data-testid="fees-locked"' not in html
    assert 'data-testid="bills"' in html
    bills = html[
        html.index('data-testid="bills"') : html.index("</tbody>", html.index('data-testid="bills"'))
    ]
    assert bills.count("<tr>") == 6
    assert 'data-testid="points-total"' in html


def test_calling_line_sees_its_own_fees_without_password(
    js_agent, js_line, other_js_line, api_client_for, answered_call
):
    """Q-1, seed 002: on the agent's answered call from the line, that line's fees show without a
    password; another number during the same call stays locked."""
    answered_call(js_agent, js_line.number)
    client = api_client_for(js_agent)
    own = client.get(f"/api/v1/subscribers/{js_line.number}/view").json()
    assert own["fees"]["locked"] is False
    assert own["fees"]["opened_by"] == "calling_number"
    assert len(own["billing"]["bills"]) == 6
    other = client.get(f"/api/v1/subscribers/{other_js_line.number}/view").json()
    assert other["billing"] == {"locked": True, "opens_with": other["fees"]["opens_with"]}


def test_calling_number_of_someone_elses_call_opens_nothing(
    js_agent, make_staff, js_line, api_client_for, answered_call
):
    """Q-1: the call must be the viewer's own: another agent's call from the line opens nothing."""
    colleague = make_staff("hotline_agent", "JS")
    answered_call(colleague, js_line.number)
    view = api_client_for(js_agent).get(f"/api/v1/subscribers/{js_line.number}/view").json()
    assert view["fees"]["locked"] is True


def test_call_parties_masked_unless_role_may_reveal(js_agent, make_staff, js_line, api_client_for, grant_for):
    """Q-1, VIEW-1: call-detail other parties are masked for a hotline agent; a role that may reveal
    (hall staff) sees them, and the view's audit row names the revealed "call_parties"."""
    grant_for(js_agent, js_line)
    masked = api_client_for(js_agent).get(f"/api/v1/subscribers/{js_line.number}/view").json()
    parties = [c["other_party"] for c in masked["billing"]["calls"]]
    assert parties and all("****" in p for p in parties)
    real = set(js_line.calls.values_list("other_party", flat=True))
    assert not real & set(parties)
    assert "call_parties" not in masked["sections"]

    hall = make_staff("hall_staff", "JS", city="3201")
    grant_for(hall, js_line)
    shown = api_client_for(hall).get(f"/api/v1/subscribers/{js_line.number}/view").json()
    assert {c["other_party"] for c in shown["billing"]["calls"]} <= real
    row = _views(js_line.number).filter(actor=hall).get()
    assert "call_parties" in row.changes["sections"]


def test_one_audit_row_per_view_on_page_embed_fragment_and_api(js_agent, js_line, client, api_client_for):
    """SYS-2 (done-when): each opening of the unified view — page, embeddable page, product fragment,
    API — leaves exactly one audit row: action view, who, the number, the sections shown, from where."""
    client.force_login(js_agent)
    api = api_client_for(js_agent)
    steps = [
        lambda: client.get(f"/desk/customers/{js_line.number}/", REMOTE_ADDR="10.1.2.3"),
        lambda: client.get(f"/desk/embed/customers/{js_line.number}/"),
        lambda: client.get(f"/desk/customers/{js_line.number}/?fragment=products"),
        lambda: api.get(f"/api/v1/subscribers/{js_line.number}/view"),
    ]
    for count, step in enumerate(steps, start=1):
        assert step().status_code == 200
        assert _views(js_line.number).count() == count
    first = _views(js_line.number).order_by("id").first()
    assert first.actor == js_agent
    assert first.actor_job_number == js_agent.job_number
    assert first.object_type == "customers.subscriber"
    assert first.source_ip == "10.1.2.3"
    assert first.province_id == js_line.home_province_id and first.city_id == js_line.home_city_id
    assert "header" in first.changes["sections"] and "billing" not in first.changes["sections"]
    fragment = _views(js_line.number).order_by("id")[2]
    assert fragment.changes["sections"] == ["products"]


def test_out_of_scope_view_is_not_audited(js_agent, zj_line, api_client_for):
    """SYS-2: a 404 shows nothing, so it leaves no view row."""
    assert api_client_for(js_agent).get(f"/api/v1/subscribers/{zj_line.number}/view").status_code == 404
    assert not _views(zj_line.number).exists()


@pytest.fixture
def other_js_line(db):
    """A second Nanjing line."""
    from tests.factories import line_with_history

    return line_with_history(months=2, home="3201")


@pytest.fixture
def audit_fails(monkeypatch):
    """Every audit insert fails as if the audit table could not be written."""
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)


def test_view_whose_audit_cannot_be_written_is_not_shown(
    js_agent, js_line, client, api_client_for, audit_fails
):
    """SYS-2: when the audit row cannot be written the view is refused — 503 audit_unavailable on the
    API (problem+json), a readable message on the page — and no personal data leaves."""
    response = api_client_for(js_agent).get(f"/api/v1/subscribers/{js_line.number}/view")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "audit_unavailable"
    assert js_line.customer.name not in response.content.decode()
    client.force_login(js_agent)
    page = client.get(f"/desk/customers/{js_line.number}/")
    html = page.content.decode()
    assert page.status_code == 503
    assert 'data-code="audit_unavailable"' in html and "无法记录本次查看" in html
    assert js_line.customer.name not in html
    embed = client.get(f"/desk/embed/customers/{js_line.number}/")
    assert embed.status_code == 503


# ------------------------------------------------------------------------------------------------
# SVC-1 walk-ins


@pytest.fixture
def suzhou_line(db):
    """A Suzhou line (another city of JS)."""
    from tests.factories import line_with_history

    return line_with_history(months=6, home="3205")


def test_walk_in_from_another_city_is_served_after_authentication(
    make_staff, suzhou_line, client, api_client_for
):
    """SVC-1: Nanjing hall staff see nothing of a Suzhou customer before authentication (the page
    offers only authentication, the API answers 403 auth_required), authenticate them by the ID shown
    in person, and then serve them; the view's audit row marks the walk-in."""
    hall = make_staff("hall_staff", "JS", city="3201")
    api = api_client_for(hall)
    before = api.get(f"/api/v1/subscribers/{suzhou_line.number}/view")
    assert before.status_code == 403
    assert before.json()["code"] == "auth_required"
    assert "id_shown" in {m["method"] for m in before.json()["opens_with"]}
    client.force_login(hall)
    page = client.get(f"/desk/customers/{suzhou_line.number}/").content.decode()
    assert 'data-testid="cv-walk-in"' in page and 'data-testid="panel-auth"' in page
    assert suzhou_line.customer.name not in page

    done = api.post(
        f"/api/v1/subscribers/{suzhou_line.number}/authenticate",
        {"method": "id_shown", "id_number": suzhou_line.customer.id_number},
        format="json",
    )
    assert done.status_code == 200, done.content
    view = api.get(f"/api/v1/subscribers/{suzhou_line.number}/view").json()
    assert view["walk_in"] is True
    assert view["header"]["name"] == suzhou_line.customer.name
    assert len(view["billing"]["bills"]) == 6
    row = _views(suzhou_line.number).filter(actor=hall).order_by("-id").first()
    assert row.changes["walk_in"] is True and "billing" in row.changes["sections"]
    page = client.get(f"/desk/customers/{suzhou_line.number}/").content.decode()
    assert suzhou_line.customer.name in page


def test_walk_in_is_for_hall_and_vip_staff_only(make_staff, suzhou_line, api_client_for):
    """SVC-1, SYS-1: a city-scoped back-office user still cannot reach another city's line (404), and
    a hall member of another province neither."""
    back_office = make_staff("back_office", "JS", city="3201")
    assert (
        api_client_for(back_office).get(f"/api/v1/subscribers/{suzhou_line.number}/view").status_code == 404
    )
    zj_hall = make_staff("hall_staff", "ZJ", city="3301")
    assert api_client_for(zj_hall).get(f"/api/v1/subscribers/{suzhou_line.number}/view").status_code == 404


def test_finder_opens_a_walk_in_number_on_the_authentication_panel(make_staff, suzhou_line, client):
    """SVC-1, VIEW-1: hall staff typing a walk-in's number in the finder reach its view (the
    authentication panel); a city-scoped back-office user finds nothing."""
    hall = make_staff("hall_staff", "JS", city="3201")
    client.force_login(hall)
    response = client.get("/desk/customers/", {"q": suzhou_line.number})
    assert response.status_code == 302 and response["Location"] == f"/desk/customers/{suzhou_line.number}/"
    client.force_login(make_staff("back_office", "JS", city="3201"))
    response = client.get("/desk/customers/", {"q": suzhou_line.number})
    assert response.status_code == 200
    # the results table only: the page's hint gives example names (a factory may pick one of them)
    results = response.content.decode().split('data-testid="finder-lines"', 1)[1].split("</tbody>", 1)[0]
    assert suzhou_line.customer.name not in results and suzhou_line.number not in results


def test_churn_reasons_name_no_amounts_while_fees_are_locked():
    """Q-1: the churn reasons shown with locked fees keep the rule but not the amounts."""
    from decimal import Decimal

    from kefu.desk.view import churn_prediction

    falling = [Decimal("40"), Decimal("60"), Decimal("80")]
    args = {"monthly_totals": falling, "arrears": Decimal("12.5"), "complaints": 0, "retention_contacts": 0}
    shown = churn_prediction(**args, status="active")
    hidden = churn_prediction(**args, status="active", figures=False)
    assert shown["score"] == hidden["score"] == 55
    assert any("12.50" in r for r in shown["reasons"]) and any("40.00" in r for r in shown["reasons"])
    assert hidden["reasons"] == ["近3个月消费持续下降", "当前欠费"]


@pytest.mark.committing
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_view_audit_in_autocommit_is_written_or_refuses(js_agent, js_line, api_client_for, monkeypatch):
    """SYS-2, as in production (autocommit, no test transaction around the request): the view's row
    is committed by its own INSERT; when that INSERT fails the view answers 503 audit_unavailable."""
    from django.db import connection

    api = api_client_for(js_agent)
    assert api.get(f"/api/v1/subscribers/{js_line.number}/view").status_code == 200
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert _views(js_line.number).count() == 1

    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    refused = api.get(f"/api/v1/subscribers/{js_line.number}/view")
    assert refused.status_code == 503 and refused.json()["code"] == "audit_unavailable"
    assert _views(js_line.number).count() == 1
