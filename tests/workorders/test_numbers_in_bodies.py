"""Numbers in request bodies are bad input unless they are ASCII digits within the column's range
(SYS-1): on the native API's writes (WO-1 create, WO-9 billing adjustment, WO-4 categorise, CON-2
manual contact, CON-3 link, SR-1 service request, CON-6 correction), the WO-5 time-limit lookup and
the desk's new-order and categorise forms, '١٢', '１２', '³', 2**70 and a negative id answer 400 (or a
form error) and change nothing — before, '١٢' and '１２' were read as 12 and 2**70 reached the
database."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kefu.contacts.models import ContactCorrection, ContactLink, ContactRecord, ServiceRequest
from kefu.core.models import AuditEvent
from kefu.workorders import services
from kefu.workorders.models import CoordinationDetail, WorkOrder

BAD_IDS = ["١٢", "１２", "³", 2**70, -1]
BAD_AMOUNTS = ["١٢", "１２", "³", 2**70, "-1000000"]  # a negative amount is a charge: too large is bad


def _contact(api, staff, subscriber) -> ContactRecord:
    body = {"channel": "hotline", "number": subscriber.number, "summary": "咨询"}
    response = api(staff.agent).post("/api/v1/contacts", body, format="json")
    return ContactRecord.objects.get(pk=response.json()["id"])


def _triaged(staff):
    data = services.OrderInput(kind="complaint", description="宽带总是掉线", triage=True)
    return services.order_accept(actor=staff.agent, data=data).order


def _snapshot(*models) -> tuple:
    return tuple(m.objects.count() for m in (*models, AuditEvent))


def _refused(response, field: str, codes=("validation_failed",)) -> None:
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] in codes
    assert field in str(problem.get("errors", problem["detail"]))


# (requirement, how to send one value, the field the refusal names, the rows that must not change)
def _create(ctx, value):
    body = {"kind": "complaint", "subscriber": ctx.subscriber.number, "description": "宽带无法上网"}
    return ctx.api(ctx.staff.agent).post("/api/v1/work-orders", {**body, "category": value}, format="json")


def _adjust(ctx, value):
    body = {
        "kind": "complaint",
        "subscriber": ctx.subscriber.number,
        "category": ctx.category.pk,
        "description": "重复扣费",
        "flow": "billing_adjustment",
        "billing_adjustment": {"amount": value, "reason": "重复扣取彩铃费"},
    }
    return ctx.api(ctx.staff.agent).post("/api/v1/work-orders", body, format="json")


def _categorise(ctx, value):
    order = ctx.triaged
    return ctx.api(ctx.staff.back).post(
        f"/api/v1/work-orders/{order.number}/categorise", {"category": value}, format="json"
    )


def _manual_contact(ctx, value):
    body = {"channel": "hotline", "number": ctx.subscriber.number, "category": value}
    return ctx.api(ctx.staff.agent).post("/api/v1/contacts", body, format="json")


def _link(ctx, value):
    return ctx.api(ctx.staff.agent).post(
        f"/api/v1/contacts/{ctx.contact.pk}/links", {"to_contact": value}, format="json"
    )


def _service_request(ctx, value):
    body = {"request_type": "complaint", "category": value}
    return ctx.api(ctx.staff.agent).post(f"/api/v1/contacts/{ctx.contact.pk}/requests", body, format="json")


def _correct(ctx, value):
    body = {"changes": {"category": value}, "reason": "分类选错"}
    return ctx.api(ctx.staff.back).post(f"/api/v1/contacts/{ctx.contact.pk}/corrections", body, format="json")


CASES = {
    "WO-1 create: category": (_create, BAD_IDS, "category", (WorkOrder,)),
    "WO-9 billing adjustment: amount": (_adjust, BAD_AMOUNTS, "amount", (WorkOrder, CoordinationDetail)),
    "WO-4 categorise: category": (_categorise, BAD_IDS, "category", (WorkOrder,)),
    "CON-2 manual contact: category": (_manual_contact, BAD_IDS, "category", (ContactRecord,)),
    "CON-3 link: to_contact": (_link, BAD_IDS, "to_contact", (ContactLink,)),
    "SR-1 service request: category": (_service_request, BAD_IDS, "category", (ServiceRequest,)),
    # a value inside the correction's ``changes`` object: its id goes through kefu.core.numbers
    "CON-6 correction: category": (_correct, BAD_IDS[:4], "category", (ContactCorrection,)),
}


@pytest.fixture
def ctx(staff, subscriber, complaint_category, api_client_for):
    class Context:
        pass

    context = Context()
    context.staff, context.subscriber, context.category = staff, subscriber, complaint_category
    context.api = api_client_for
    context.contact = _contact(api_client_for, staff, subscriber)
    context.triaged = _triaged(staff)
    return context


@pytest.mark.parametrize(
    ("case", "value"), [(case, value) for case, spec in CASES.items() for value in spec[1]]
)
def test_a_bad_number_in_a_body_is_400_and_changes_nothing(case, value, ctx):
    """SYS-1 (with WO-1, WO-9, WO-4, CON-2, CON-3, SR-1, CON-6): a non-ASCII digit string, a number past
    64 bits or a negative id in a body is 400 naming the field; no row and no audit event is written,
    and a triaged order stays in triage."""
    send, _values, field, models = CASES[case]
    before = _snapshot(*models)

    response = send(ctx, value)

    _refused(response, field, codes=("validation_failed", "invalid_number"))
    assert _snapshot(*models) == before
    ctx.triaged.refresh_from_db()
    assert (ctx.triaged.state, ctx.triaged.category_id) == ("triage", None)


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_bodies_with_ascii_numbers_are_taken(case, ctx):
    """SYS-1: the control: each body above, with an ASCII number, is accepted — the 400s come from the
    number, not from the rest of the body."""
    send, _values, field, models = CASES[case]
    if field == "amount":
        good = "30.00"
    elif field == "to_contact":
        good = _contact(ctx.api, ctx.staff, ctx.subscriber).pk
    else:
        good = str(ctx.category.pk)  # an id as ASCII text, as a form would send it
    before = _snapshot(*models)

    response = send(ctx, good)

    assert response.status_code in (200, 201), response.content
    assert _snapshot(*models) != before


@pytest.mark.parametrize("value", ["١٢", "１２", "³", str(2**70), "-1"])
def test_the_time_limit_lookup_refuses_a_bad_category(value, staff, api_client_for):
    """SYS-1, WO-5: the time-limit lookup's category is a row id: bad numbers are 400."""
    response = api_client_for(staff.agent).get(f"/api/v1/time-limits/resolve?category={quote(value)}")
    _refused(response, "category", codes=("validation_failed", "invalid_number"))


@pytest.mark.parametrize("value", ["١٢", "１２", "³", str(2**70), "-1"])
def test_the_new_order_form_refuses_a_bad_category_and_says_so(value, staff, subscriber, client):
    """SYS-1, WO-1: the desk's new-order form with a bad category number creates no order and shows
    the form again with the category's error; a bad hidden contact id is named too."""
    client.force_login(staff.agent)
    body = {"number": subscriber.number, "kind": "complaint", "description": "x", "idempotency_key": "k"}

    response = client.post("/workorders/new/", {**body, "category": value, "contact": value})

    assert response.status_code == 200
    assert WorkOrder.objects.count() == 0
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert 'data-testid="field-error"' in html


@pytest.mark.parametrize("value", ["١٢", "１２", "³", str(2**70)])
def test_the_categorise_form_refuses_a_bad_category_and_says_so(value, staff, client):
    """SYS-1, WO-4: the order page's categorise form with a bad category number shows the refusal
    (validation_failed) and the order stays in triage."""
    order = _triaged(staff)
    client.force_login(staff.back)

    response = client.post(
        f"/workorders/{order.number}/act", {"action": "categorise", "category": value}, follow=True
    )

    assert "validation_failed" in response.content.decode()
    order.refresh_from_db()
    assert (order.state, order.category_id) == ("triage", None)


@pytest.mark.parametrize("value", ["١٢", "１２", "³", str(2**70), "0", "25"])
def test_the_bills_query_refuses_a_bad_number_of_months(value, staff, subscriber, api_client_for):
    """SYS-1, Q-1: the bill query's ``months`` (1 to 24) read through the same field: '١٢' is not 12
    months, and the query is not recorded (no audit event)."""
    client = api_client_for(staff.agent)
    before = AuditEvent.objects.count()

    response = client.get(f"/api/v1/subscribers/{subscriber.number}/bills?months={quote(value)}")

    _refused(response, "months")
    assert AuditEvent.objects.count() == before
    # ASCII 12 passes the field and goes on to the query's own checks (the line's verification)
    assert client.get(f"/api/v1/subscribers/{subscriber.number}/bills?months=12").status_code != 400
