"""CON-1: every interaction leaves a contact record, inbound or outbound, with its channel and
direction — messages sent (notices, query results, one-time passwords), queries made without a call
(joined into one contact per sitting), remote-service queries for another province's customer."""

from __future__ import annotations

import re

import pytest

from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.errors import DomainError
from kefu.federation.errors import PeerError
from kefu.identity import services as identity
from kefu.notify import services as notify
from kefu.notify.models import OutgoingMessage
from kefu.remote import services as remote
from tests.capability.conftest import hub_peers  # noqa: F401 - shared fixture
from tests.identity.fixtures import *  # noqa: F403
from tests.identity.fixtures import authenticate

pytestmark = pytest.mark.django_db


def test_each_message_sent_is_an_outbound_contact_in_its_channel(line, js_agent):
    """CON-1: an SMS notice, an emailed and a faxed notice each leave one closed outbound contact in
    their own channel, placed with the subscriber and naming the outbox row."""
    sms = notify.sms_send(actor=js_agent, to=line.number, text="您的宽带将于今晚维护", subscriber=line)
    mail = notify.email_send(actor=js_agent, to="kehu@example.cn", subject="维护通知", text="今晚维护",
                             subscriber=line)  # fmt: skip
    fax = notify.fax_send(
        actor=js_agent, to="025-83001234", subject="维护通知", text="今晚维护", subscriber=line
    )

    rows = {c.channel: c for c in ContactRecord.objects.all()}
    assert sorted(rows) == ["email", "fax", "sms"]
    for message in (sms, mail, fax):
        contact = rows[message.channel]
        assert (contact.direction, contact.status, contact.subscriber, contact.staff) == (
            "outbound", "closed", line, js_agent
        )  # fmt: skip
        assert contact.external_ref == f"{message.channel}:{message.pk}"
        assert (contact.province_id, contact.city_id) == (line.home_province_id, line.home_city_id)
    assert "您的宽带将于今晚维护" in rows["sms"].summary and rows["sms"].number == line.number


def test_a_one_time_password_sent_is_a_contact_without_the_code(line, js_agent):
    """CON-1, AUTH-4: sending an SMS one-time password leaves an outbound SMS contact whose summary
    carries the masked text, never the code."""
    identity.otp_send(actor=js_agent, number=line.number)
    message = OutgoingMessage.objects.get(purpose="otp")
    contact = ContactRecord.objects.get()
    assert (contact.channel, contact.direction, contact.subscriber) == ("sms", "outbound", line)
    assert "******" in contact.summary and message.text.split("，")[0] in contact.summary
    assert re.search(r"验证码为\d", contact.summary) is None


def test_queries_without_a_call_join_one_contact_per_sitting(line, make_staff, api_client_for, settings):
    """CON-1, SR-1: queries with no call — a walk-in at the hall, identified by the ID shown — open one
    inbound contact in the staff member's channel (the hall), each kind of query a service request on
    it; within the sitting the next query joins it, after the sitting a new contact opens."""
    hall = make_staff("hall_staff", "JS", city="3201")
    client = api_client_for(hall)
    shown = authenticate(
        client, line.number, method="id_shown", channel="hall", id_number=line.customer.id_number
    )
    assert shown.status_code == 200, shown.content
    assert client.get(f"/api/v1/subscribers/{line.number}/bills").status_code == 200
    assert client.get(f"/api/v1/subscribers/{line.number}/points").status_code == 200

    contact = ContactRecord.objects.get(staff=hall, subscriber=line)  # one contact for the sitting
    assert (contact.channel, contact.direction, contact.call_id) == ("hall", "inbound", "")
    requests = ServiceRequest.objects.filter(contact=contact, request_type="query")
    assert sorted(r.description for r in requests) == [
        f"查询：月账单（{line.number}）", f"查询：积分（{line.number}）"
    ]  # fmt: skip

    settings.KEFU_QUERY_CONTACT_MINUTES = 0  # the sitting is over
    assert client.get(f"/api/v1/subscribers/{line.number}/balance").status_code == 200
    newest = ContactRecord.objects.filter(staff=hall, subscriber=line).latest("id")
    assert (
        newest.pk != contact.pk and newest.requests.get().description == f"查询：余额与欠费（{line.number}）"
    )
    assert newest.channel == "hall"


ANSWER = {"home": "ZJ", "number": "13957100001", "what": "balance", "columns": [], "rows": []}


def test_a_remote_query_is_a_contact_where_the_customer_is_served(
    hub_peers,  # noqa: F811
    make_staff,
    monkeypatch,
    answered_call,  # noqa: F811
):
    """CON-1, SVC-1: asking the home province about its subscriber leaves an inbound contact on the
    serving province (the number, no local subscriber) with the query as a service request — also
    when the home province does not answer."""
    agent = make_staff("hotline_agent", "JS")
    answered_call(agent, "13957100001")  # the caller is identified by the agent's answered call
    monkeypatch.setattr(remote.client, "request", lambda **kw: ANSWER)
    remote.remote_query(
        actor=agent, number="13957100001", home="ZJ", what="balance", verified_by="calling_number"
    )

    contact = ContactRecord.objects.get()
    assert (contact.channel, contact.direction, contact.number, contact.subscriber) == (
        "hotline", "inbound", "13957100001", None
    )  # fmt: skip
    assert (contact.province_id, contact.staff) == (agent.province_id, agent)
    assert [r.description for r in contact.requests.all()] == ["异地查询：余额（归属ZJ）"]

    def down(**kw):
        raise PeerError("节点 HUB 无法连接", code="peer_unreachable", status=502, peer="HUB")

    monkeypatch.setattr(remote.client, "request", down)
    with pytest.raises(DomainError) as refused:
        remote.remote_query(
            actor=agent, number="13957100001", home="ZJ", what="bills", verified_by="calling_number"
        )
    assert refused.value.code == "peer_unreachable"
    assert ContactRecord.objects.count() == 1  # the same sitting
    failed = contact.requests.get(description__startswith="异地查询：账单")
    assert "未得到答复" in failed.description
