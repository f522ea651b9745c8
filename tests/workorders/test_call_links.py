"""What an agent does during a call is filed under the call's contact record (CON-1, WO-1): a work order
accepted during the call (API with the desk's X-Call-Id / X-Contact-Id headers, or the page form's
hidden fields) gets a service request on that contact; the contact page and the order page link each
other. A contact that is not the agent's call in progress is refused (409 ``contact_not_in_call``) and
nothing is created."""

import pytest

from kefu.contacts.models import ServiceRequest
from kefu.telephony import services as telephony
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _cti(agent, kind, call_id, number):
    return telephony.cti_event(
        actor=agent, kind=kind, call_id=call_id, calling_number=number, agent_job_number=agent.job_number
    )


@pytest.fixture
def call(staff, subscriber):
    """The agent's answered call from the subscriber."""
    _cti(staff.agent, "ring", "L1", subscriber.number)
    return _cti(staff.agent, "answer", "L1", subscriber.number)


def _body(subscriber, category):
    return {
        "kind": "complaint",
        "subscriber": subscriber.number,
        "category": category.pk,
        "description": "来电反映宽带频繁掉线",
    }


def _counts():
    return WorkOrder.objects.count(), ServiceRequest.objects.count()


def test_an_order_accepted_during_a_call_is_linked_to_its_contact(
    staff, subscriber, complaint_category, call, api_client_for, client
):
    """CON-1, WO-1: the order names the call's contact (API detail ``contact``) through a work-order
    service request on it; the contact page links the order and the order page links the contact."""
    response = api_client_for(staff.agent).post(
        "/api/v1/work-orders",
        _body(subscriber, complaint_category),
        format="json",
        HTTP_X_CALL_ID=call.call_id,
        HTTP_X_CONTACT_ID=str(call.contact_id),
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.select_related("service_request").get(number=response.json()["number"])
    request = order.service_request
    assert request.contact_id == call.contact_id
    assert (request.request_type, request.module, request.reference) == (
        "complaint",
        "work_order",
        order.number,
    )
    detail = api_client_for(staff.agent).get(f"/api/v1/work-orders/{order.number}").json()
    assert detail["contact"] == call.contact_id

    client.force_login(staff.agent)
    contact_page = client.get(f"/desk/contacts/{call.contact_id}/").content.decode()
    assert f'href="/workorders/{order.number}/"' in contact_page
    order_page = client.get(f"/workorders/{order.number}/").content.decode()
    assert (
        f'href="/desk/contacts/{call.contact_id}/"' in order_page
        and 'data-testid="order-contact"' in order_page
    )


def test_the_page_form_links_the_order_to_the_call(staff, subscriber, complaint_category, call, client):
    """CON-1: the new-order page posts the call in hidden fields (filled by desk.js at submit)."""
    client.force_login(staff.agent)
    page = client.get("/workorders/new/", {"number": subscriber.number}).content.decode()
    assert 'name="call_contact"' in page and 'name="call_id"' in page
    form = {
        **_body(subscriber, complaint_category),
        "number": subscriber.number,
        "call_id": call.call_id,
        "call_contact": str(call.contact_id),
        "idempotency_key": "k-form-1",
    }
    response = client.post("/workorders/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = WorkOrder.objects.get()
    assert order.service_request.contact_id == call.contact_id


def test_without_a_call_an_order_has_no_contact(staff, subscriber, complaint_category, api_client_for):
    """WO-1: outside a call nothing is linked and no service request is invented."""
    response = api_client_for(staff.agent).post(
        "/api/v1/work-orders", _body(subscriber, complaint_category), format="json"
    )
    assert response.status_code == 201
    assert WorkOrder.objects.get().service_request_id is None
    assert ServiceRequest.objects.count() == 0


@pytest.mark.parametrize("case", ["ended", "held", "other-agent"])
def test_a_contact_not_in_the_agents_call_is_refused(
    case, staff, subscriber, complaint_category, call, make_staff, api_client_for, settings
):
    """CON-1: naming the contact of an ended call, of a call on hold, or of another agent's call is
    409 ``contact_not_in_call`` and creates nothing."""
    actor = staff.agent
    if case == "ended":
        _cti(staff.agent, "hangup", call.call_id, subscriber.number)
    elif case == "held":
        settings.KEFU_CALLS_PER_SEAT = 2
        _cti(staff.agent, "ring", "L2", "13999999999")
        _cti(staff.agent, "answer", "L2", "13999999999")
    else:
        actor = make_staff("hotline_agent", "JS")
    before = _counts()
    response = api_client_for(actor).post(
        "/api/v1/work-orders",
        _body(subscriber, complaint_category),
        format="json",
        HTTP_X_CONTACT_ID=str(call.contact_id),
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "contact_not_in_call"
    assert _counts() == before


def test_a_query_during_another_call_is_not_filed_under_it(
    staff, subscriber, call, make_staff, api_client_for
):
    """CON-1, Q-1: a query naming a contact that is not the agent's call in progress is refused the
    same way (409 ``contact_not_in_call``), and no service request is added to that contact."""
    other = make_staff("hotline_agent", "JS")
    before = ServiceRequest.objects.filter(contact_id=call.contact_id).count()
    response = api_client_for(other).get(
        f"/api/v1/subscribers/{subscriber.number}/balance", HTTP_X_CONTACT_ID=str(call.contact_id)
    )
    assert response.status_code == 409 and response.json()["code"] == "contact_not_in_call"
    assert ServiceRequest.objects.filter(contact_id=call.contact_id).count() == before


def test_acceptance_names_only_the_agents_call(staff, subscriber, call, make_staff, api_client_for):
    """CON-1, BA-1: a business acceptance naming another agent's call contact is 409
    ``contact_not_in_call`` before anything else is checked or written."""
    other = make_staff("hotline_agent", "JS")
    before = ServiceRequest.objects.count()
    response = api_client_for(other).post(
        f"/api/v1/subscribers/{subscriber.number}/subscriptions",
        {"action": "order", "product": "NOPE", "contact_id": call.contact_id},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "contact_not_in_call"
    assert ServiceRequest.objects.count() == before
