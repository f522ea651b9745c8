"""After-call work (CON-1, CON-4, CON-6): the contact's agent writes the contact summary (接触摘要) and a
wrap-up reason (话后处理原因) from a configurable list; validated, permitted to its agent or a
supervisor only, once; shown on the contact page and in the history."""

import pytest

from kefu.contacts.models import ContactRecord, WrapUpReason
from kefu.core.models import AuditEvent
from kefu.telephony import services as telephony
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_call(js_agent):
    """A call the agent answered and hung up: its contact is closed and not yet wrapped up."""
    line = SubscriberFactory(home="3201")
    for kind in ("ring", "answer", "hangup"):
        call = telephony.cti_event(
            actor=js_agent,
            kind=kind,
            call_id="W1",
            calling_number=line.number,
            agent_job_number=js_agent.job_number,
        )
    return call


def _wrap(api, contact_id, **body):
    return api.post(f"/api/v1/contacts/{contact_id}/wrap-up", body, format="json")


def _state(contact_id):
    contact = ContactRecord.objects.get(pk=contact_id)
    return (
        contact.summary,
        contact.wrap_up_reason_id,
        contact.wrapped_up_at,
        AuditEvent.objects.filter(action="contact.wrap_up").count(),
    )


def test_default_reasons_are_the_telecom_ones(js_agent, api_client_for):
    """CON-1: the list starts with a hotline's usual reasons, in order, and is served to the desk."""
    names = list(WrapUpReason.objects.filter(active=True).values_list("name", flat=True))
    for expected in ("咨询已解答", "已受理业务", "已建工单", "转其他部门", "客户挂断", "骚扰电话", "其他"):
        assert expected in names
    served = api_client_for(js_agent).get("/api/v1/wrap-up-reasons").json()
    assert [r["name"] for r in served] == names
    WrapUpReason.objects.filter(code="silent").update(active=False)
    served = api_client_for(js_agent).get("/api/v1/wrap-up-reasons").json()
    assert "silent" not in [r["code"] for r in served]


def test_the_agent_wraps_up_and_the_contact_page_shows_it(js_agent, ended_call, api_client_for, client):
    """CON-1, CON-4: the own agent saves summary and reason once; the API answers the contact with
    them; the contact page and the history list show them; one audit row."""
    api = api_client_for(js_agent)
    response = _wrap(api, ended_call.contact_id, reason="answered", summary="  客户咨询流量包，已解答  ")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["wrap_up_reason"] == "answered" and body["summary"] == "客户咨询流量包，已解答"
    assert body["wrapped_up_by"] == js_agent.job_number and body["wrapped_up_at"]
    assert _state(ended_call.contact_id)[3] == 1

    client.force_login(js_agent)
    page = client.get(f"/desk/contacts/{ended_call.contact_id}/").content.decode()
    assert "客户咨询流量包，已解答" in page and "咨询已解答" in page
    assert 'data-testid="wrap-up-box"' not in page  # done: no form any more
    history = client.get("/desk/contacts/", {"number": ended_call.calling_number}).content.decode()
    assert "咨询已解答" in history


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reason": "", "summary": "没有原因"}, 422, "wrap_up_reason_required"),
        ({"reason": "no_such_reason"}, 422, "wrap_up_reason_required"),
        ({"reason": "other", "summary": "字" * 2001}, 422, "wrap_up_summary_too_long"),
    ],
    ids=["reason-missing", "reason-unknown", "summary-too-long"],
)
def test_bad_wrap_up_is_refused_and_changes_nothing(js_agent, ended_call, api_client_for, body, status, code):
    """CON-1: a reason is required (from the active list) and the summary has a length limit
    (KEFU_WRAP_UP_SUMMARY_MAX, 2000): problem+json with a stable code, nothing written."""
    before = _state(ended_call.contact_id)
    response = _wrap(api_client_for(js_agent), ended_call.contact_id, **body)
    assert response.status_code == status and response.json()["code"] == code
    assert _state(ended_call.contact_id) == before


def test_a_retired_reason_is_refused(js_agent, ended_call, api_client_for):
    """CON-1: a reason the administrator retired can no longer be chosen."""
    WrapUpReason.objects.filter(code="other").update(active=False)
    response = _wrap(api_client_for(js_agent), ended_call.contact_id, reason="other")
    assert response.status_code == 422 and response.json()["code"] == "wrap_up_reason_required"


def test_only_its_agent_or_a_supervisor_wraps_up_and_only_once(
    js_agent, make_staff, ended_call, api_client_for
):
    """CON-1, CON-6: another agent of the same centre is 403 ``wrap_up_forbidden``; a supervisor of
    the scope may wrap up the agent's contact; a second wrap-up is 409 (a correction changes it)."""
    other = make_staff("hotline_agent", "JS")
    before = _state(ended_call.contact_id)
    refused = _wrap(api_client_for(other), ended_call.contact_id, reason="other")
    assert refused.status_code == 403 and refused.json()["code"] == "wrap_up_forbidden"
    assert _state(ended_call.contact_id) == before

    supervisor = make_staff("supervisor", "JS")
    done = _wrap(api_client_for(supervisor), ended_call.contact_id, reason="customer_hung_up")
    assert done.status_code == 200 and done.json()["wrapped_up_by"] == supervisor.job_number

    after = _state(ended_call.contact_id)
    again = _wrap(api_client_for(js_agent), ended_call.contact_id, reason="other", summary="再写一次")
    assert again.status_code == 409 and again.json()["code"] == "contact_already_wrapped_up"
    assert _state(ended_call.contact_id) == after


def test_the_contact_page_form_wraps_up(js_agent, ended_call, client):
    """CON-1: the contact page offers the same form to its agent; a refusal is a readable message."""
    client.force_login(js_agent)
    url = f"/desk/contacts/{ended_call.contact_id}/"
    assert 'data-testid="wrap-up-box"' in client.get(url).content.decode()
    refused = client.post(url + "wrap-up", {"reason": "", "summary": "x"}, follow=True).content.decode()
    assert "请选择话后处理原因" in refused
    assert ContactRecord.objects.get(pk=ended_call.contact_id).wrapped_up_at is None
    client.post(url + "wrap-up", {"reason": "transferred", "summary": "转宽带部门"})
    contact = ContactRecord.objects.get(pk=ended_call.contact_id)
    assert contact.wrap_up_reason.code == "transferred" and contact.summary == "转宽带部门"


def test_administrators_keep_the_reasons_in_the_admin(client, make_staff):
    """CON-1, SYS-2: the admin lists the reasons and an added one is audited and offered to agents."""
    root = make_staff("administrator", province=None, is_staff=True, is_superuser=True)
    client.force_login(root)
    listing = client.get("/admin/contacts/wrapupreason/").content.decode()
    assert "咨询已解答" in listing
    response = client.post(
        "/admin/contacts/wrapupreason/add/",
        {
            "code": "complaint_escalated",
            "name": "投诉升级",
            "name_en": "Complaint escalated",
            "position": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert WrapUpReason.objects.get(code="complaint_escalated").name == "投诉升级"
    assert AuditEvent.objects.filter(action="admin.add.wrapupreason").count() == 1
    assert (
        WrapUpReason.objects.filter(active=True).order_by("position", "id").first().code
        == "complaint_escalated"
    )
