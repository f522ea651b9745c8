"""The native work-order API (WO-6, WO-4, API, SYS-1) and attachments (WO-6)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from kefu.core.models import AuditEvent
from kefu.workorders import services
from kefu.workorders.models import Attachment, IdempotencyKey, WorkOrder, WorkOrderEvent

URL = "/api/v1/work-orders"


@pytest.fixture
def body(subscriber, complaint_category):
    return {
        "kind": "complaint",
        "subscriber": subscriber.number,
        "category": complaint_category.id,
        "description": "宽带无法上网",
    }


def test_create_is_idempotent(api_client_for, staff, body):
    """API: the same Idempotency-Key and body give the same order, never a duplicate."""
    client = api_client_for(staff.agent)
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1
    other = client.post(URL, {**body, "description": "另一件事"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert WorkOrder.objects.count() == 1
    assert client.post(URL, body, format="json").status_code == 201
    assert WorkOrder.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_create_answers_where_the_order_stands(api_client_for, staff, body):
    """API: a created order comes back with its number, state, holder and deadline; its detail has
    the first event."""
    client = api_client_for(staff.agent)
    data = client.post(URL, body, format="json").json()
    assert (data["state"], data["seq"]) == ("accepted", 1)
    assert data["holder"]["ref"] == "department:CENTRE-JS"
    assert data["order_due_at"]
    detail = client.get(f"{URL}/{data['number']}").json()
    assert [e["action"] for e in detail["events"]] == ["accept"]
    assert detail["flow"] == "complaint"


def test_create_for_an_out_of_scope_subscriber_is_404(api_client_for, make_staff, body):
    """SYS-1: a ZJ agent cannot create an order on a JS subscriber; nothing is written."""
    response = api_client_for(make_staff("hotline_agent", "ZJ")).post(URL, body, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert WorkOrder.objects.count() == 0


def test_full_lifecycle_through_the_api(api_client_for, staff, body, cause, resp_department):
    """WO-2, WO-4: accept → dispatch → receive → reply → feedback → archive over HTTP."""
    number = api_client_for(staff.agent).post(URL, body, format="json").json()["number"]
    steps = [
        (staff.back, "dispatch", {}),
        (staff.city, "receive", {}),
        (staff.city, "reply", {"comment": "已修复"}),
        (staff.back, "feedback", {"satisfaction": "satisfied"}),
        (
            staff.back,
            "archive",
            {"responsibility_cause": cause.code, "responsible_department": resp_department.code},
        ),
    ]
    for actor, action, payload in steps:
        response = api_client_for(actor).post(f"{URL}/{number}/{action}", payload, format="json")
        assert response.status_code == 200, response.content
    assert response.json()["state"] == "archived"
    detail = api_client_for(staff.back).get(f"{URL}/{number}").json()
    assert [e["action"] for e in detail["events"]] == [
        "accept",
        "dispatch",
        "receive",
        "reply",
        "feedback",
        "archive",
    ]
    assert detail["responsibility_cause"] == cause.code
    assert detail["actions"] == ["query"]


def test_forbidden_action_is_409_problem(api_client_for, accept, staff):
    """WO-4, API: a forbidden action answers 409 problem+json invalid_transition; nothing changes."""
    order = accept()
    before = model_to_dict(WorkOrder.objects.get(pk=order.pk))
    response = api_client_for(staff.back).post(f"{URL}/{order.number}/archive", {}, format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_transition"
    assert model_to_dict(WorkOrder.objects.get(pk=order.pk)) == before
    assert WorkOrderEvent.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    ("action", "payload", "status", "code"),
    [
        ("return", {}, 422, "reason_required"),
        ("comment", {}, 422, "comment_required"),
        ("feedback", {"satisfaction": "meh"}, 400, "validation_failed"),
        ("dispatch", {"to": "department:NOPE"}, 422, "unknown_holder"),
    ],
)
def test_action_input_is_checked(api_client_for, accept, drive, staff, action, payload, status, code):
    """WO-4: each action checks its input (a return needs a reason; a comment needs text)."""
    order = drive(accept(), "dispatch") if action != "dispatch" else accept()
    actor = staff.city if action in ("return", "feedback") else staff.back
    response = api_client_for(actor).post(f"{URL}/{order.number}/{action}", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_interim_comment_is_the_comment_action(api_client_for, accept, drive, staff):
    """WO-4: the interim comment (中途意见) is POST .../comment."""
    order = drive(accept(), "dispatch")
    response = api_client_for(staff.agent).post(
        f"{URL}/{order.number}/comment", {"comment": "客户补充地址"}, format="json"
    )
    assert response.status_code == 200
    assert order.events.last().comment == "客户补充地址"


def test_out_of_scope_order_is_404_for_every_method(api_client_for, accept, make_staff):
    """SYS-1: a ZJ user sees no JS order, reads or writes."""
    order = accept()
    client = api_client_for(make_staff("supervisor", "ZJ"))
    assert client.get(f"{URL}/{order.number}").status_code == 404
    assert client.post(f"{URL}/{order.number}/urge", {}, format="json").status_code == 404
    assert client.get(URL).json()["results"] == []


# --- the list --------------------------------------------------------------------------------------


@pytest.fixture
def orders(accept, drive, staff, make_subscriber, complaint_category):
    """Five orders: two dispatched in Nanjing, one gold in Suzhou, one archived, one fault report."""
    a = drive(accept(), "dispatch")
    b = drive(accept(), "dispatch", "receive")
    gold = make_subscriber("3205", level="gold")
    c = accept(subscriber=gold)
    d = drive(accept(), "dispatch", "receive", "reply", "feedback", "archive")
    e = services.order_accept(
        actor=staff.agent, data=services.OrderInput(kind="fault_report", subscriber=make_subscriber("3201"))
    ).order
    WorkOrder.objects.filter(pk=c.pk).update(overdue_at=c.accepted_at)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["e", "d", "c", "b", "a"]),
        ("state=dispatched", ["a"]),
        ("state=dispatched,processing", ["b", "a"]),
        ("overdue=true", ["c"]),
        ("overdue=false", ["e", "d", "b", "a"]),
        ("level=gold", ["c"]),
        ("city=3205", ["c"]),
        ("kind=fault_report", ["e"]),
        ("holder=department:CITY-3201", ["b", "a"]),
        ("holder=department:CENTRE-JS", ["e", "d", "c"]),
        ("open=true", ["e", "c", "b", "a"]),
    ],
)
def test_list_filters(api_client_for, staff, orders, query, expected):
    """WO-6: the back-office list filters by state, overdue, level, business, category, city,
    holder and kind, newest first."""
    response = api_client_for(staff.back).get(f"{URL}?{query}")
    assert response.status_code == 200
    numbers = [row["number"] for row in response.json()["results"]]
    assert numbers == [orders[k].number for k in expected]


def test_list_by_business_and_category(api_client_for, staff, orders, complaint_category):
    """WO-6: business (code) and category (node code, any version) filters."""
    client = api_client_for(staff.back)
    by_business = client.get(f"{URL}?business={complaint_category.business.code}").json()["results"]
    by_category = client.get(f"{URL}?category={complaint_category.code}").json()["results"]
    assert len(by_business) == len(by_category) == 4


def test_list_is_keyset_paginated(api_client_for, staff, orders):
    """WO-6: pages follow a cursor, not an offset."""
    client = api_client_for(staff.back)
    first = client.get(f"{URL}?page_size=2").json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["number"] for r in second["results"]] == [orders["c"].number, orders["b"].number]


def test_list_query_count(api_client_for, staff, orders, django_assert_max_num_queries):
    """WO-6: the list costs a fixed number of queries however many rows it shows."""
    client = api_client_for(staff.back)
    # token, the page (codes joined), its categories, its holders (departments here); none per row
    with django_assert_max_num_queries(4):
        assert client.get(f"{URL}?state=dispatched,processing&level=ordinary").status_code == 200


def test_detail_query_count(api_client_for, staff, orders, django_assert_max_num_queries):
    """WO-6: an order's detail with its history is a fixed number of queries, plus SYS-2's view row
    (one INSERT; in a test's transaction it runs in a savepoint: three statements)."""
    client = api_client_for(staff.back)
    with django_assert_max_num_queries(5 + 3):
        assert client.get(f"{URL}/{orders['d'].number}").status_code == 200


def test_oa_export(api_client_for, staff, orders):
    """WO-10: the OA export lists the orders with their office link, as JSON or CSV."""
    WorkOrder.objects.filter(pk=orders["a"].pk).update(oa_reference="OA-1")
    client = api_client_for(staff.back)
    rows = client.get(f"{URL}/oa-export?state=dispatched").json()["results"]
    assert [(r["number"], r["oa_reference"]) for r in rows] == [(orders["a"].number, "OA-1")]
    csv = client.get(f"{URL}/oa-export?state=dispatched&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert orders["a"].number in csv.content.decode("utf-8-sig")


def test_transition_table_endpoint(api_client_for, staff):
    """WO-4: the table is published for clients (the desk draws its buttons from it)."""
    rows = api_client_for(staff.back).get("/api/v1/work-order-transitions").json()
    assert {"state": "dispatched", "action": "receive", "target": "processing"}.items() <= next(
        r for r in rows if (r["state"], r["action"]) == ("dispatched", "receive")
    ).items()


def test_flows_api(api_client_for, staff, js_admin):
    """SYS-3: everyone reads the flows; an administrator publishes a new version."""
    flows = api_client_for(staff.back).get("/api/v1/work-order-flows?kind=complaint").json()
    assert {f["code"] for f in flows} == {"complaint", "interface", "billing_adjustment"}
    definition = {"steps": [{"action": "process"}, {"action": "reply"}, {"action": "archive"}]}
    denied = api_client_for(staff.back).post(
        "/api/v1/work-order-flows", {"code": "complaint", "definition": definition}, format="json"
    )
    assert denied.status_code == 403
    created = api_client_for(js_admin).post(
        "/api/v1/work-order-flows", {"code": "complaint", "definition": definition}, format="json"
    )
    assert (created.status_code, created.json()["version"]) == (201, 2)
    bad = api_client_for(js_admin).post(
        "/api/v1/work-order-flows",
        {"code": "complaint", "definition": {"steps": [{"action": "reply"}]}},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_flow")


# --- attachments -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_upload_with_an_action_and_download(api_client_for, accept, drive, staff, media):
    """WO-6: a file uploaded with a reply is stored outside the database with its checksum; the
    download is scope-checked and audited."""
    order = drive(accept(), "dispatch", "receive")
    content = "修复现场照片".encode()
    upload = SimpleUploadedFile("现场.txt", content, content_type="text/plain")
    response = api_client_for(staff.city).post(
        f"{URL}/{order.number}/reply", {"comment": "已修复", "files": [upload]}, format="multipart"
    )
    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get()
    assert (attachment.size, attachment.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert attachment.event.action == "reply"
    assert (media / attachment.file.name).read_bytes() == content
    download = api_client_for(staff.back).get(f"/api/v1/work-order-attachments/{attachment.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["X-Checksum-SHA256"] == attachment.sha256
    assert AuditEvent.objects.filter(action="workorders.attachment.download").count() == 1
    detail = api_client_for(staff.back).get(f"{URL}/{order.number}").json()
    assert [a["name"] for a in detail["attachments"]] == ["现场.txt"]


def test_upload_on_an_order(api_client_for, accept, staff, media):
    """WO-6: files can be attached to an open order on their own."""
    order = accept()
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = api_client_for(staff.back).post(
        f"{URL}/{order.number}/attachments", {"files": [upload]}, format="multipart"
    )
    assert response.status_code == 200
    assert order.events.last().action == "attach"


def test_download_out_of_scope_is_404(api_client_for, accept, staff, make_staff, media):
    """SYS-1: a ZJ user cannot download a JS order's file."""
    order = accept()
    services.order_attach(
        actor=staff.back, order=order, files=[SimpleUploadedFile("a.txt", b"x", content_type="text/plain")]
    )
    response = api_client_for(make_staff("supervisor", "ZJ")).get(
        f"/api/v1/work-order-attachments/{Attachment.objects.get().pk}"
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="workorders.attachment.download").count() == 0


@pytest.mark.parametrize(
    ("upload", "status", "code"),
    [
        (
            lambda: SimpleUploadedFile("big.txt", b"x" * 2048, content_type="text/plain"),
            413,
            "attachment_too_large",
        ),
        (
            lambda: SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload"),
            415,
            "attachment_type_refused",
        ),
    ],
)
def test_attachment_limits(api_client_for, accept, staff, media, settings, upload, status, code):
    """WO-6: size and type limits; a refused file leaves no order change and no attachment."""
    settings.KEFU_ATTACHMENT_MAX_BYTES = 1024
    order = accept()
    response = api_client_for(staff.back).post(
        f"{URL}/{order.number}/attachments", {"files": [upload()]}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Attachment.objects.count() == 0
    assert WorkOrderEvent.objects.filter(order=order).count() == 1
