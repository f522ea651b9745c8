"""Queries (Q-1..4): the calling line's own data without a password, other numbers after
authentication; the 13 points figures; results by SMS and email; queries noted on the contact."""

from __future__ import annotations

import pytest

from kefu.contacts.models import ServiceRequest
from kefu.core.models import AuditEvent
from kefu.customers.selectors import points_figures
from kefu.notify.models import OutgoingMessage
from tests.identity.fixtures import KNOWN, authenticate

pytestmark = pytest.mark.django_db

KINDS = ("bills", "call-details", "payments", "balance", "points", "orders")


def test_other_number_needs_authentication(line, js_agent, api_client_for):
    """Q-1: without a grant every query on a number is 403 auth_required; after the password, 200."""
    client = api_client_for(js_agent)
    for kind in KINDS:
        response = client.get(f"/api/v1/subscribers/{line.number}/{kind}")
        assert response.status_code == 403, kind
        assert response.json()["code"] == "auth_required"
    assert authenticate(client, line.number, password=KNOWN).status_code == 200
    for kind in KINDS:
        assert client.get(f"/api/v1/subscribers/{line.number}/{kind}").status_code == 200, kind


def test_calling_line_needs_no_password(line, other_line, js_agent, api_client_for, answered_call):
    """Q-1: the calling line's own fees with the active call, no password; another number still not."""
    call = answered_call(js_agent, line.number)
    client = api_client_for(js_agent)
    bills = client.get(f"/api/v1/subscribers/{line.number}/bills", {"call_id": call.call_id})
    assert bills.status_code == 200 and len(bills.json()) == 2  # two months of history
    by_header = client.get(
        f"/api/v1/subscribers/{line.number}/balance", HTTP_X_CONTACT_ID=str(call.contact_id)
    )
    assert by_header.status_code == 200 and "balance" in by_header.json()
    other = client.get(f"/api/v1/subscribers/{other_line.number}/bills", {"call_id": call.call_id})
    assert other.status_code == 403 and other.json()["code"] == "auth_required"


def test_calling_line_grant_ends_with_the_call(line, js_agent, api_client_for, answered_call):
    """Q-1: a calling-number grant does not outlive the call."""
    from kefu.telephony import services as telephony

    call = answered_call(js_agent, line.number)
    client = api_client_for(js_agent)
    assert (
        client.get(f"/api/v1/subscribers/{line.number}/bills", {"call_id": call.call_id}).status_code == 200
    )
    assert client.get(f"/api/v1/subscribers/{line.number}/bills").status_code == 200  # the grant holds
    telephony.cti_event(actor=js_agent, kind="hangup", call_id=call.call_id, calling_number=line.number,
                        agent_job_number=js_agent.job_number)  # fmt: skip
    assert client.get(f"/api/v1/subscribers/{line.number}/bills").status_code == 403


def test_points_thirteen_figures(line, js_agent, api_client_for):
    """Q-2: all thirteen figures through the API, equal to the ledger's."""
    client = api_client_for(js_agent)
    authenticate(client, line.number, password=KNOWN)
    body = client.get(f"/api/v1/subscribers/{line.number}/points").json()
    figures = points_figures(line)
    names = [
        "earned_this_month", "earned_total", "usable_this_month", "usable_total", "voided_this_month",
        "voided_total", "current_total", "redeemed_this_month", "redeemed_total", "activity_this_month",
        "activity_total", "redeemable", "not_redeemable",
    ]  # fmt: skip
    assert len(names) == 13
    for name in names:
        assert body[name] == getattr(figures, name), name
    assert body["earned_total"] > 0


def test_call_details_and_bills_parameters(line, js_agent, api_client_for):
    """Q-1: bills of N months; call details of one month; bad parameters 400."""
    client = api_client_for(js_agent)
    authenticate(client, line.number, password=KNOWN)
    assert len(client.get(f"/api/v1/subscribers/{line.number}/bills", {"months": 1}).json()) == 1
    assert client.get(f"/api/v1/subscribers/{line.number}/bills", {"months": 0}).status_code == 400
    assert (
        client.get(f"/api/v1/subscribers/{line.number}/call-details", {"month": "2024-13"}).status_code == 400
    )
    this_month = client.get(f"/api/v1/subscribers/{line.number}/call-details").json()
    old = client.get(f"/api/v1/subscribers/{line.number}/call-details", {"month": "2001-01"}).json()
    assert old == [] and isinstance(this_month, list)


def test_query_is_noted_on_contact_and_audited(line, js_agent, api_client_for, answered_call):
    """CON-1, SR-1: a query with the contact id becomes a query service request there; always audited."""
    call = answered_call(js_agent, line.number)
    client = api_client_for(js_agent)
    client.get(f"/api/v1/subscribers/{line.number}/bills", {"contact_id": call.contact_id})
    client.get(f"/api/v1/subscribers/{line.number}/bills", {"contact_id": call.contact_id})
    client.get(f"/api/v1/subscribers/{line.number}/points", {"contact_id": call.contact_id})
    requests = ServiceRequest.objects.filter(contact_id=call.contact_id)
    assert requests.count() == 2 and {r.request_type for r in requests} == {"query"}
    assert AuditEvent.objects.filter(action="queries.bills", actor=js_agent).count() == 2


def test_send_result_by_sms_and_email(line, js_agent, api_client_for):
    """Q-4: a result by SMS to the number itself (Chinese, in the outbox) or by email."""
    client = api_client_for(js_agent)
    assert client.post(f"/api/v1/subscribers/{line.number}/query-results", {"what": "balance", "method": "sms"},
                       format="json").status_code == 403  # fmt: skip
    authenticate(client, line.number, password=KNOWN)
    sms = client.post(f"/api/v1/subscribers/{line.number}/query-results", {"what": "points", "method": "sms"},
                      format="json")  # fmt: skip
    assert sms.status_code == 202
    message = OutgoingMessage.objects.get(pk=sms.json()["id"])
    assert message.to == line.number and "积分" in message.text and message.purpose == "query_result"
    outbox = client.get("/api/v1/sms-outbox").json()["results"]
    assert outbox[0]["id"] == message.id
    elsewhere = client.post(f"/api/v1/subscribers/{line.number}/query-results",
                            {"what": "bills", "method": "sms", "to": "13800000000"}, format="json")  # fmt: skip
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "invalid_recipient"
    email = client.post(f"/api/v1/subscribers/{line.number}/query-results",
                        {"what": "bills", "method": "email", "to": "kehu@example.cn"}, format="json")  # fmt: skip
    assert email.status_code == 202
    mail = OutgoingMessage.objects.get(pk=email.json()["id"])
    assert mail.channel == "email" and "账单" in mail.text and line.number in mail.subject
    assert OutgoingMessage.objects.count() == 2


def test_orders_progress_lists_acceptances(line, js_agent, api_client_for):
    """Q-3: the progress of the subscriber's orders includes business acceptances."""
    from kefu.customers.models import Product

    client = api_client_for(js_agent)
    authenticate(client, line.number, password=KNOWN)
    held = set(line.subscriptions.filter(status="active").values_list("product__code", flat=True))
    from kefu.customers.seeding.products import RESTRICTED

    vas = Product.objects.filter(kind="vas").exclude(code__in=held | set(RESTRICTED)).first()
    created = client.post(f"/api/v1/subscribers/{line.number}/subscriptions",
                          {"action": "order", "product": vas.code, "channel": "hall"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    orders = client.get(f"/api/v1/subscribers/{line.number}/orders").json()
    assert orders[0]["number"] == created["X-Order-Number"] and orders[0]["kind"] == "business_acceptance"
    assert orders[0]["state"] == "completed" and orders[0]["title"] == vas.name


def test_out_of_scope_queries_are_404(zj_line, js_agent, api_client_for):
    """SYS-1: a ZJ number is not found for a JS agent."""
    client = api_client_for(js_agent)
    for kind in KINDS:
        assert client.get(f"/api/v1/subscribers/{zj_line.number}/{kind}").status_code == 404
    response = client.post(f"/api/v1/subscribers/{zj_line.number}/query-results", {}, format="json")
    assert response.status_code == 404


def test_call_detail_parties_are_masked_unless_the_role_may_reveal(line, make_staff, api_client_for):
    """Q-1, SYS-2: the other party of a call is someone else's number: a hotline agent's call-details
    query shows it masked (first three, last four digits) and its audit row claims no reveal; a back-office
    handler, whose role may reveal personal data, sees it in clear and the audit row says so."""
    from django.utils import timezone

    from kefu.customers.models import CallDetail

    stored = {c.other_party for c in CallDetail.objects.filter(subscriber=line)}
    assert stored, "the line has call history"
    seen = {}
    for role in ("hotline_agent", "back_office"):
        staff = make_staff(role, "JS")
        client = api_client_for(staff)
        authenticate(client, line.number, password=KNOWN)
        calls = CallDetail.objects.filter(subscriber=line)
        months = {timezone.localtime(c.start_at).strftime("%Y-%m") for c in calls}
        parties = set()
        for month in months:
            rows = client.get(f"/api/v1/subscribers/{line.number}/call-details", {"month": month}).json()
            parties |= {r["other_party"] for r in rows}
        row = AuditEvent.objects.filter(action="queries.call_details", actor=staff).latest("id")
        seen[role] = (parties, row.changes.get("call_parties", False))
    agent_parties, agent_revealed = seen["hotline_agent"]
    assert agent_parties and not agent_parties & stored and not agent_revealed
    assert all("****" in p for p in agent_parties)
    assert seen["back_office"] == (stored, True)
