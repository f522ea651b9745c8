"""Contact-record pages (CON-1..6, SR-1): history search with keyset pages, detail, print, manual entry,
corrections with history, the all-or-nothing import with per-row reasons, and where each service
request leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.contacts import services as contacts
from kefu.contacts.models import ContactCorrection, ContactRecord

pytestmark = pytest.mark.django_db


def _contact(actor, line, **fields):
    return contacts.contact_create(
        actor=actor,
        data=contacts.ContactInput(channel=fields.pop("channel", "hotline"), subscriber=line, **fields),
    )


def test_history_search_filters_and_pages_by_keyset(js_agent, js_line, zj_line, make_staff, client):
    """CON-4, CON-5: filter by number and text; 下一页 continues where the page ended; ZJ stays out."""
    now = timezone.now()
    for i in range(25):
        _contact(js_agent, js_line, started_at=now - timedelta(minutes=i), summary=f"话费咨询{i}")
    zj_staff = make_staff("hotline_agent", "ZJ")
    _contact(zj_staff, zj_line, summary="话费咨询ZJ")
    client.force_login(js_agent)
    first = client.get("/desk/contacts/", {"number": js_line.number, "text": "话费"})
    html = first.content.decode()
    assert first.status_code == 200
    assert (
        html.count('href="/desk/contacts/')
        - html.count('href="/desk/contacts/new')
        - html.count('href="/desk/contacts/import')
        >= 20
    )
    assert zj_line.number not in html
    assert "下一页" in html
    ids = list(
        ContactRecord.objects.filter(number=js_line.number)
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)
    )
    assert f"#{ids[19]}<" in html and f"#{ids[20]}<" not in html
    next_url = first.context["next_url"]
    second = client.get("/desk/contacts/" + next_url).content.decode()
    assert f"#{ids[20]}<" in second and f"#{ids[24]}<" in second and f"#{ids[19]}<" not in second
    assert "下一页" not in second
    assert "/api/v1/contacts/export?" in html and "format=xlsx" in html


def test_detail_print_and_service_request_routing(js_agent, js_line, client):
    """CON-5 print view; SR-1: each request type leads to its module."""
    contact = _contact(js_agent, js_line, summary="咨询彩铃")
    client.force_login(js_agent)
    for request_type in ("consultation", "query", "business_handling", "complaint"):
        response = client.post(
            f"/desk/contacts/{contact.pk}/requests", {"request_type": request_type, "description": "彩铃"}
        )
        assert response.status_code == 302
    html = client.get(f"/desk/contacts/{contact.pk}/").content.decode()
    assert f"/desk/knowledge/?contact={contact.pk}&amp;request=" in html  # SR-1: consult for this request
    assert f"/desk/customers/{js_line.number}/#panel-query" in html
    assert f"/desk/customers/{js_line.number}/#panel-ba" in html
    printed = client.get(f"/desk/contacts/{contact.pk}/print/").content.decode()
    assert "打印时间" in printed and "sidenav" not in printed and "咨询彩铃" in printed


def test_correction_keeps_history_and_is_refused_to_agents(js_agent, make_staff, js_line, client):
    """CON-6: a supervisor corrects the request type with a reason; the old value stays as history; a
    hotline agent cannot."""
    contact = _contact(js_agent, js_line, request_type="query")
    client.force_login(js_agent)
    client.post(f"/desk/contacts/{contact.pk}/correct", {"request_type": "complaint", "reason": "误选"})
    contact.refresh_from_db()
    assert contact.request_type == "query"
    supervisor = make_staff("supervisor", "JS")
    client.force_login(supervisor)
    client.post(
        f"/desk/contacts/{contact.pk}/correct",
        {"request_type": "complaint", "summary": contact.summary, "reason": "误选"},
    )
    contact.refresh_from_db()
    assert contact.request_type == "complaint"
    correction = ContactCorrection.objects.get(contact=contact)
    assert (correction.old_value, correction.new_value, correction.actor_id) == (
        "query",
        "complaint",
        supervisor.pk,
    )
    assert "误选" in client.get(f"/desk/contacts/{contact.pk}/").content.decode()


def test_manual_entry_creates_a_closed_contact(js_agent, js_line, zj_line, client):
    """CON-2: manual entry in scope; a ZJ number is refused and nothing is written."""
    client.force_login(js_agent)
    before = ContactRecord.objects.count()
    response = client.post(
        "/desk/contacts/new/",
        {"number": zj_line.number, "channel": "letter", "direction": "inbound", "summary": "信"},
    )
    assert response.status_code == 200 and ContactRecord.objects.count() == before
    response = client.post(
        "/desk/contacts/new/",
        {
            "number": js_line.number,
            "channel": "letter",
            "direction": "inbound",
            "request_type": "suggestion",
            "summary": "来信",
        },
    )
    assert response.status_code == 302
    contact = ContactRecord.objects.latest("id")
    assert (contact.channel, contact.status, contact.summary) == ("letter", "closed", "来信")


@pytest.mark.parametrize(
    ("role", "channel", "label"),
    [
        ("hotline_agent", "hotline", "热线"),
        ("hall_staff", "hall", "营业厅"),
        ("vip_manager", "vip_manager", "客户经理"),
        ("back_office", "hotline", "热线"),
    ],
    ids=["agent", "hall", "vip", "back-office"],
)
def test_manual_entry_starts_with_the_staffs_own_channel(make_staff, js_line, client, role, channel, label):
    """CON-2: a contact entered by hand starts with the channel the member of staff serves in."""
    client.force_login(make_staff(role, "JS"))
    html = client.get("/desk/contacts/new/", {"number": js_line.number}).content.decode()
    assert f'<option value="{channel}" selected>{label}</option>' in html
    assert html.count(" selected>") == 2  # the channel and the direction, nothing else pre-chosen


def test_bad_import_file_changes_nothing_and_lists_rows_and_reasons(js_agent, js_line, client):
    """CON-2 (Done when): a bad file imports nothing and says which rows are wrong and why; a good file
    imports every row."""
    client.force_login(js_agent)
    before = ContactRecord.objects.count()
    bad = (
        "渠道,号码,开始时间,摘要\n"
        f"热线,{js_line.number},2026-11-01 09:30:00,好的一行\n"
        f"鸽子,{js_line.number},2026-11-01 09:31:00,渠道不对\n"
        "热线,10000000000,not-a-time,号码和时间都不对\n"
    ).encode()
    response = client.post("/desk/contacts/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "未导入任何记录" in html
    errors = response.context["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {(3, "channel"), (4, "number"), (4, "started_at")}
    assert "鸽子" in html
    assert ContactRecord.objects.count() == before
    good = f"渠道,号码,开始时间,摘要\n热线,{js_line.number},2026-11-01 09:30:00,一\n营业厅,{js_line.number},2026-11-02 10:00:00,二\n"
    response = client.post("/desk/contacts/import/", {"file": SimpleUploadedFile("good.csv", good.encode())})
    assert response.status_code == 302
    assert ContactRecord.objects.count() == before + 2


def test_ivr_simulator_page_is_labelled(js_agent, client):
    """AUTH-3: the IVR simulator is a separate page, clearly labelled 模拟IVR."""
    client.force_login(js_agent)
    html = client.get("/desk/ivr-simulator/", {"collection": "7"}).content.decode()
    assert "模拟IVR" in html and 'value="7"' in html
