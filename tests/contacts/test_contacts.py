"""Contact records (CON-1..6) and service requests (SR-1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.contacts import services
from kefu.contacts.models import ContactCorrection, ContactLink, ContactRecord, ServiceRequest
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _create(api, number, **extra):
    return api.post("/api/v1/contacts", {"channel": "hotline", "number": number, **extra}, format="json")


def test_manual_entry_writes_one_record_with_audit(js_agent, js_subscriber, api_client_for):
    """CON-1, CON-2: a contact entered by hand is one record, in the subscriber's scope, audited."""
    api = api_client_for(js_agent)
    start = timezone.now() - timedelta(minutes=5)
    response = _create(
        api,
        js_subscriber.number,
        started_at=start.isoformat(),
        ended_at=timezone.now().isoformat(),
        summary="咨询套餐资费",
        recording_ref="REC-1",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["province"] == "JS"
    assert 299 <= body["duration_seconds"] <= 301
    contact = ContactRecord.objects.get(pk=body["id"])
    assert contact.subscriber_id == js_subscriber.id
    assert AuditEvent.objects.filter(action="contact.create", object_id=str(contact.pk)).count() == 1


def test_cannot_record_contact_for_other_province(js_agent, zj_subscriber, api_client_for):
    """CON-4, SYS-1: a JS agent cannot write a contact onto a ZJ subscriber."""
    response = _create(api_client_for(js_agent), zj_subscriber.number)
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_subscriber"
    assert not ContactRecord.objects.exists()


def test_end_before_start_is_refused(js_agent, js_subscriber, api_client_for):
    """CON-2: bad input changes nothing."""
    now = timezone.now()
    response = _create(
        api_client_for(js_agent),
        js_subscriber.number,
        started_at=now.isoformat(),
        ended_at=(now - timedelta(hours=1)).isoformat(),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "contact_invalid_times"
    assert not ContactRecord.objects.exists()


def test_repeat_contact_is_linked_automatically(js_agent, js_subscriber, complaint_category, settings):
    """CON-3: same subscriber, same category, within the configured days → linked as a repeat."""
    settings.KEFU_REPEAT_CONTACT_DAYS = 3
    now = timezone.now()

    def make(days_ago):
        return services.contact_create(
            actor=js_agent,
            data=services.ContactInput(
                channel="hotline",
                subscriber=js_subscriber,
                started_at=now - timedelta(days=days_ago),
                category=complaint_category,
                request_type="complaint",
            ),
        )

    old = make(5)
    first = make(2)
    second = make(0)
    assert not ContactLink.objects.filter(from_contact=first, to_contact=old).exists()  # 3 days apart
    link = ContactLink.objects.get(from_contact=second)
    assert link.to_contact_id == first.id
    assert link.kind == "repeat"


def test_manual_link_and_self_link_refused(js_agent, js_subscriber, api_client_for):
    """CON-3: staff link related contacts by hand; a contact cannot link to itself."""
    api = api_client_for(js_agent)
    a = _create(api, js_subscriber.number).json()["id"]
    b = _create(api, js_subscriber.number).json()["id"]
    assert api.post(f"/api/v1/contacts/{b}/links", {"to_contact": a}, format="json").status_code == 201
    refused = api.post(f"/api/v1/contacts/{a}/links", {"to_contact": a}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "contact_invalid_link"
    assert ContactLink.objects.count() == 1


def test_close_sets_duration_and_refuses_second_close(js_agent, js_subscriber, api_client_for):
    """CON-1: closing a contact records its end and duration, once."""
    api = api_client_for(js_agent)
    start = timezone.now() - timedelta(seconds=90)
    contact_id = _create(api, js_subscriber.number, started_at=start.isoformat()).json()["id"]
    closed = api.post(f"/api/v1/contacts/{contact_id}/close", {"summary": "已解答"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["duration_seconds"] >= 90
    again = api.post(f"/api/v1/contacts/{contact_id}/close", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "contact_already_closed"


def test_correction_keeps_history_and_needs_permission(make_staff, js_subscriber, api_client_for):
    """CON-6: permitted users correct the request type with a reason; the old value stays as history."""
    agent = make_staff("hotline_agent", "JS")
    supervisor = make_staff("supervisor", "JS")
    contact_id = _create(api_client_for(agent), js_subscriber.number, request_type="query").json()["id"]
    denied = api_client_for(agent).post(
        f"/api/v1/contacts/{contact_id}/corrections",
        {"changes": {"request_type": "complaint"}, "reason": "错选"},
        format="json",
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "contact_correction_forbidden"
    not_allowed = api_client_for(supervisor).post(
        f"/api/v1/contacts/{contact_id}/corrections",
        {"changes": {"channel": "web"}, "reason": "x"},
        format="json",
    )
    assert not_allowed.status_code == 422
    assert not_allowed.json()["code"] == "contact_field_not_correctable"
    ok = api_client_for(supervisor).post(
        f"/api/v1/contacts/{contact_id}/corrections",
        {"changes": {"request_type": "complaint"}, "reason": "错选"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()[0]["old_value"] == "query"
    assert ok.json()[0]["new_value"] == "complaint"
    assert ContactRecord.objects.get(pk=contact_id).request_type == "complaint"
    assert ContactCorrection.objects.filter(contact_id=contact_id).count() == 1


@pytest.mark.parametrize(
    "request_type, module",
    [
        ("consultation", "knowledge"),
        ("complaint", "work_order"),
        ("query", "query"),
        ("business_handling", "business_acceptance"),
        ("fault_report", "fault_report"),
    ],
)
def test_service_request_leads_to_its_module(js_agent, js_subscriber, api_client_for, request_type, module):
    """SR-1: each request type leads to its module."""
    api = api_client_for(js_agent)
    contact_id = _create(api, js_subscriber.number).json()["id"]
    response = api.post(
        f"/api/v1/contacts/{contact_id}/requests", {"request_type": request_type}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["module"] == module
    assert ServiceRequest.objects.get(contact_id=contact_id).module == module
    assert ContactRecord.objects.get(pk=contact_id).request_type == request_type


def test_history_search_keyset_pages_and_filters(js_agent, js_subscriber, api_client_for):
    """CON-4, CON-5: history by conditions, newest first, in keyset pages that neither skip nor repeat."""
    now = timezone.now()
    for minutes in range(7):
        services.contact_create(
            actor=js_agent,
            data=services.ContactInput(
                channel="hotline" if minutes % 2 else "web",
                subscriber=js_subscriber,
                started_at=now - timedelta(minutes=minutes),
            ),
        )
    api = api_client_for(js_agent)
    seen = []
    url = f"/api/v1/contacts?number={js_subscriber.number}&page_size=3"
    while url:
        page = api.get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert len(seen) == 7 and len(set(seen)) == 7
    starts = [ContactRecord.objects.get(pk=i).started_at for i in seen]
    assert starts == sorted(starts, reverse=True)
    web_only = api.get(f"/api/v1/contacts?number={js_subscriber.number}&channel=web").json()["results"]
    assert {c["channel"] for c in web_only} == {"web"}
    assert len(web_only) == 4
