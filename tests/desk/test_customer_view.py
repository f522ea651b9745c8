"""The unified customer view (VIEW-1..7): sections, fixed query count, masking and audited reveal,
audited edits of non-core fields, the embeddable page and data scope."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.catalog.models import CategoryNode
from kefu.contacts import services as contacts
from kefu.core.models import AuditEvent
from kefu.desk.view import churn_prediction, customer_view, matching_offers
from kefu.marketing.models import MarketingRecord, Offer, RetentionRecord
from tests.factories import SubscriberFactory, start_of_month

pytestmark = pytest.mark.django_db

SECTIONS = {
    "header", "opening", "user", "basic", "membership", "service", "products", "billing", "analysis",
    "complaints", "recent_contacts", "summary", "last_work_order",
}  # fmt: skip


def _queries(user, number) -> int:
    with CaptureQueriesContext(connection) as captured:
        view = customer_view(user=user, number=number)
    assert view is not None
    return len(captured.captured_queries)


def test_view_has_every_section_and_masks_personal_data(js_agent, js_line, js_granted):
    """VIEW-1..3: the header always shows home location, name, level, brand, customer type and a masked
    ID number; every section is present; nothing personal is unmasked."""
    view = customer_view(user=js_agent, number=js_line.number)
    assert SECTIONS <= set(view)
    header = view["header"]
    assert header["home_province"] == "江苏"
    assert header["name"] == js_line.customer.name
    assert header["level"]["value"] == js_line.level
    assert header["brand"]["value"] == js_line.brand
    assert header["customer_type"]["value"] == js_line.customer.customer_type
    id_number = js_line.customer.id_number
    assert header["masked_id_number"] != id_number
    assert header["masked_id_number"][-4:] == id_number[-4:]
    assert "*" in header["masked_id_number"]
    assert id_number not in str(view)
    # the line's six bills, newest first: last month's and the five before it
    this_month = start_of_month(timezone.localdate())
    newest = [f"{start_of_month(this_month, i):%Y-%m}" for i in range(1, 7)]
    assert js_line.bills.count() == 6
    assert [b["month"] for b in view["billing"]["bills"]] == newest
    assert [p["month"] for p in view["summary"]["spending_curve"]] == newest[::-1]
    assert len(view["analysis"]["usage_trend"]) == 3
    assert view["may_reveal"] is False


def test_query_count_is_fixed_whatever_the_history(js_agent, js_line):
    """Performance (issue 3): the view costs the same number of queries with 0 or 30 contacts and
    with long retention and marketing histories."""
    before = _queries(js_agent, js_line.number)
    now = timezone.now()
    for i in range(30):
        contacts.contact_create(
            actor=js_agent,
            data=contacts.ContactInput(
                channel="hotline",
                subscriber=js_line,
                started_at=now - timedelta(days=i),
                request_type="complaint" if i % 3 == 0 else "query",
                summary=f"第{i}次",
            ),
        )
    product = js_line.subscriptions.first().product
    RetentionRecord.objects.bulk_create(
        RetentionRecord(subscriber=js_line, reason="competitor", offer_type="data_bonus", outcome="pending")
        for _ in range(15)
    )
    MarketingRecord.objects.bulk_create(
        MarketingRecord(subscriber=js_line, product=product, channel="sms", result="declined")
        for _ in range(40)
    )
    after = _queries(js_agent, js_line.number)
    assert after == before
    view = customer_view(user=js_agent, number=js_line.number)
    assert len(view["recent_contacts"]) == 5
    assert view["summary"]["complaints_last_3_months"] == 10
    assert view["summary"]["pending"]["open_contacts"]


def test_recent_contacts_reach_past_the_three_month_window(js_agent, js_line):
    """VIEW-2, VIEW-3: the recent calls are the last five whenever they were; the call trajectory and
    the complaints of the summary only count the last three months (one query serves both)."""
    node = (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
    now = timezone.now()
    for i, days in enumerate((1, 2, 100, 120, 150, 200, 400)):
        contacts.contact_create(
            actor=js_agent,
            data=contacts.ContactInput(
                channel="hotline",
                subscriber=js_line,
                started_at=now - timedelta(days=days),
                request_type="complaint",
                category=node if i == 0 else None,
                summary=f"第{i}次",
            ),
        )
    view = customer_view(user=js_agent, number=js_line.number)
    assert view["recent_contacts"][0]["category"] == node.full_path
    assert {"name": node.full_path, "times": 1} in view["summary"]["businesses_asked"]
    assert [c["summary"] for c in view["recent_contacts"]] == ["第0次", "第1次", "第2次", "第3次", "第4次"]
    assert len(view["summary"]["call_trajectory"]) == 2
    assert [c["summary"] for c in view["complaints"]["contacts"]] == ["第0次", "第1次"]
    assert view["summary"]["complaints_last_3_months"] == 2
    assert view["recent_contacts"][0]["staff"] == js_agent.job_number


def test_last_work_order_shows_who_accepted_and_replied(js_agent, js_line):
    """VIEW-4: the last work order, in progress, with accepted at, business, deadline, state, accepting
    agent, replying agent, replied at and satisfaction; a complaint order counts in the summary."""
    from kefu.workorders import services as workorders
    from kefu.workorders.choices import Satisfaction
    from kefu.workorders.models import WorkOrder, WorkOrderEvent

    node = (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
    order = workorders.order_accept(
        actor=js_agent,
        data=workorders.OrderInput(kind="complaint", subscriber=js_line, category=node, title="信号差"),
    ).order
    replied_at = timezone.now()
    WorkOrderEvent.objects.create(
        order=order, seq=99, action="reply", actor_job_number="JSB001", at=replied_at, state_after="replied"
    )  # a reply as the back office records it, without walking the whole flow
    WorkOrder.objects.filter(pk=order.pk).update(satisfaction=Satisfaction.SATISFIED)
    view = customer_view(user=js_agent, number=js_line.number)
    last = view["last_work_order"]
    assert last["number"] == order.number and last["title"] == "信号差"
    assert last["kind"]["value"] == "complaint" and last["state"]["value"] == order.state
    assert last["accepted_by"] == js_agent.job_number
    assert last["business"] == order.business.name
    assert last["deadline"] is not None and last["accepted_at"] is not None
    assert last["replied_by"] == "JSB001"
    assert last["replied_at"] == timezone.localtime(replied_at).isoformat(timespec="seconds")
    assert last["satisfaction"] == str(Satisfaction.label(Satisfaction.SATISFIED))
    assert last["open"] is True
    assert view["summary"]["pending"]["work_orders"] == [last]
    assert view["complaints"]["work_orders"] == [last]
    assert view["summary"]["complaints_last_3_months"] == 1


def test_view_api_query_count_is_pinned(js_agent, js_line, api_client_for, django_assert_max_num_queries):
    """The view API's query count is pinned (auth + the selector's fixed queries + the audit row with
    its savepoint)."""
    client = api_client_for(js_agent)
    expected = _queries(js_agent, js_line.number)
    with django_assert_max_num_queries(expected + 3 + 3):
        response = client.get(f"/api/v1/subscribers/{js_line.number}/view")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == js_line.number
    assert body["header"]["masked_id_number"].endswith(js_line.customer.id_number[-4:])


def test_out_of_scope_number_is_404_in_api_page_and_embed(js_agent, zj_line, api_client_for, client):
    """SYS-1: a JS agent opening a ZJ number gets 404 everywhere; its existence is not disclosed."""
    response = api_client_for(js_agent).get(f"/api/v1/subscribers/{zj_line.number}/view")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    client.force_login(js_agent)
    assert client.get(f"/desk/customers/{zj_line.number}/").status_code == 404
    assert client.get(f"/desk/embed/customers/{zj_line.number}/").status_code == 404
    assert client.post(f"/desk/customers/{zj_line.number}/reveal").status_code == 404
    old = zj_line.interests
    assert client.post(f"/desk/customers/{zj_line.number}/edit", {"interests": "x"}).status_code == 404
    zj_line.refresh_from_db()
    assert zj_line.interests == old


def test_page_shows_view_in_chinese_without_password_field(js_agent, js_line, client):
    """VIEW-1, AUTH-3: the page shows the header; a hotline agent's page has no password field."""
    client.force_login(js_agent)
    response = client.get(f"/desk/customers/{js_line.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "归属地" in html and "客户级别" in html and "证件号码" in html
    assert js_line.customer.id_number not in html
    assert 'type="password"' not in html
    assert "IVR密码验证" in html
    assert 'data-testid="reveal"' not in html  # a hotline agent may not reveal


def test_reveal_is_audited_for_permitted_role_and_refused_otherwise(make_staff, js_line, client):
    """VIEW-1, SYS-2: a permitted role reveals the ID number by a deliberate POST, which is audited;
    a hotline agent is refused and nothing is revealed."""
    agent = make_staff("hotline_agent", "JS")
    client.force_login(agent)
    response = client.post(f"/desk/customers/{js_line.number}/reveal")
    assert response.status_code == 403
    assert js_line.customer.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="customers.customer.reveal_id_number").exists()

    supervisor = make_staff("supervisor", "JS")
    client.force_login(supervisor)
    page = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert 'data-testid="reveal"' in page
    assert js_line.customer.id_number not in page
    response = client.post(f"/desk/customers/{js_line.number}/reveal")
    assert response.status_code == 200
    assert js_line.customer.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="customers.customer.reveal_id_number")
    assert event.actor_id == supervisor.pk
    assert js_line.customer.id_number not in str(event.changes)
    assert AuditEvent.objects.filter(
        action="desk.customer_view.reveal_personal_data", actor=supervisor
    ).exists()


def test_non_core_fields_edit_is_audited_with_before_and_after(js_agent, js_line, client):
    """VIEW-6: interests and mailing address are edited from the view; the audit keeps before/after."""
    js_line.interests = "书法"
    js_line.save()
    client.force_login(js_agent)
    response = client.post(
        f"/desk/customers/{js_line.number}/edit",
        {"interests": "登山", "mailing_address": "南京市玄武区中山路1号"},
    )
    assert response.status_code == 302
    js_line.refresh_from_db()
    assert js_line.interests == "登山"
    assert js_line.mailing_address == "南京市玄武区中山路1号"
    event = AuditEvent.objects.get(action="desk.customer_view.edit")
    assert event.changes["interests"] == {"before": "书法", "after": "登山"}
    assert event.changes["mailing_address"]["after"] == "南京市玄武区中山路1号"
    # the page shows the address masked
    page = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert "南京市玄武区中山路1号" not in page
    assert "南京市玄武区****" in page


def test_core_fields_cannot_be_edited_from_the_view(js_agent, js_line):
    """VIEW-6: only non-core fields; anything else is refused and nothing changes."""
    from kefu.core.errors import DomainError
    from kefu.customers.services import subscriber_update_non_core

    with pytest.raises(DomainError) as error:
        subscriber_update_non_core(actor=js_agent, number=js_line.number, changes={"level": "gold"})
    assert error.value.code == "not_editable"
    assert not AuditEvent.objects.filter(action="desk.customer_view.edit").exists()


def test_embed_renders_without_navigation_and_may_be_framed(js_agent, js_line, client):
    """VIEW-7: the embeddable view has no navigation or call bar and no X-Frame-Options header; the
    normal page keeps X-Frame-Options."""
    client.force_login(js_agent)
    response = client.get(f"/desk/embed/customers/{js_line.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="embedded-view"' in html
    assert "sidenav" not in html and 'id="callbar"' not in html
    assert js_line.number in html
    assert "X-Frame-Options" not in response
    assert client.get(f"/desk/customers/{js_line.number}/")["X-Frame-Options"] == "SAMEORIGIN"


def test_find_by_id_number_lists_the_customers_lines(js_agent, js_line, client):
    """VIEW-1: opening by ID number lists that customer's lines (one line opens at once); a number opens
    the view directly."""
    client.force_login(js_agent)
    response = client.get("/desk/customers/", {"q": js_line.number})
    assert response.status_code == 302 and response.url == f"/desk/customers/{js_line.number}/"
    response = client.get("/desk/customers/", {"q": js_line.customer.id_number})
    assert response.status_code == 302 and response.url == f"/desk/customers/{js_line.number}/"
    SubscriberFactory(customer=js_line.customer, home="3201")
    response = client.get("/desk/customers/", {"q": js_line.customer.id_number})
    assert response.status_code == 200
    assert js_line.number in response.content.decode()


def test_churn_prediction_rules_and_reasons():
    """VIEW-2/3: the churn score is rule-based and explains itself."""
    quiet = churn_prediction(
        monthly_totals=[Decimal(100)] * 3,
        arrears=Decimal(0),
        complaints=0,
        retention_contacts=0,
        status="active",
    )
    assert quiet["score"] == 0 and quiet["level"] == "low"
    risky = churn_prediction(
        monthly_totals=[Decimal(50), Decimal(80), Decimal(120)],
        arrears=Decimal("35.5"),
        complaints=1,
        retention_contacts=2,
        status="active",
    )
    assert risky["score"] == 30 + 25 + 15 + 20
    assert risky["level"] == "high"
    assert any("120.00 → 50.00" in r for r in risky["reasons"])
    assert any("35.50" in r for r in risky["reasons"])


def test_offers_match_level_brand_and_spend(db):
    """VIEW-3: offers match by level, brand and average spend."""
    offers = [
        Offer(code="A", name="A", kind="sale", levels=[], brands=["gotone"], min_monthly_spend=Decimal(100)),
        Offer(code="B", name="B", kind="retention", levels=["gold"], brands=[], min_monthly_spend=Decimal(0)),
    ]
    assert [
        o["code"]
        for o in matching_offers(offers, level="gold", brand="gotone", monthly_spend=Decimal(120))["sale"]
    ] == ["A"]
    matched = matching_offers(offers, level="ordinary", brand="gotone", monthly_spend=Decimal(99))
    assert matched == {"sale": [], "retention": []}


# The unified view's SQL budget (issue 3): the subscriber with its customer, home province and city;
# billing's line overview (the line with its account, products, bills, call details, payments, points);
# the recent contacts and the three-month window together; retention; marketing; offers; work orders;
# the viewer's grant on the line and, without one, the viewer's answered call from the line.
# Raise it only with a reason in the commit message.
VIEW_QUERIES = 14


def test_view_query_count_is_exactly_the_budget(js_agent, js_line):
    """VIEW-1..4, performance: the unified view is a fixed, small number of indexed queries."""
    assert _queries(js_agent, js_line.number) == VIEW_QUERIES


def test_view_query_count_under_a_grant(js_agent, js_line, js_granted):
    """VIEW-1..4, Q-1: under a grant the answered-call lookup is skipped: one query fewer."""
    assert _queries(js_agent, js_line.number) == VIEW_QUERIES - 1
