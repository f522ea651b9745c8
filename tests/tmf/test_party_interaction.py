"""TMF683 Party Interaction v4 over contact records (CON-1..7, SR-1, SYS-1): every response body is
validated against the official specification (tests/tmf/conftest.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from kefu.contacts import services
from kefu.contacts.models import ContactCorrection, ContactLink, ContactRecord
from kefu.core.models import AuditEvent
from tests.tmf.conftest import PI, assert_conforms, assert_valid

API = "TMF683"
LIST, ONE = "/partyInteraction", "/partyInteraction/{id}"


def _contact(actor, line, **fields):
    data = {
        "channel": "hotline",
        "subscriber": line,
        "summary": "查询话费",
        "request_type": "query",
        **fields,
    }
    return services.contact_create(actor=actor, data=services.ContactInput(**data))


@pytest.fixture
def history(js_lines, zj_lines, make_staff):
    """Seven JS contacts over the last days (one outbound, one open, two by another agent) and two ZJ."""
    agent = make_staff("hotline_agent", "JS", name="王小明")
    other = make_staff("hall_staff", "JS")
    zj = make_staff("hotline_agent", "ZJ")
    now = timezone.now().replace(microsecond=0)
    js = []
    for days in range(5):
        start = now - timedelta(days=days + 1)
        js.append(
            _contact(
                agent,
                js_lines[days % 3],
                started_at=start,
                ended_at=start + timedelta(minutes=3),
                recording_ref=f"REC-{days}" if days == 0 else "",
            )
        )
    js.append(
        _contact(
            other,
            js_lines[0],
            channel="outbound",
            direction="outbound",
            request_type="business_handling",
            started_at=now - timedelta(days=10),
            ended_at=now - timedelta(days=10) + timedelta(minutes=1),
        )
    )
    js.append(_contact(other, js_lines[1], channel="hall", request_type="complaint", started_at=now))
    zj_contacts = [
        _contact(
            zj,
            line,
            started_at=now - timedelta(days=1),
            ended_at=now - timedelta(days=1) + timedelta(minutes=2),
        )
        for line in zj_lines[:2]
    ]
    return {"agent": agent, "other": other, "js": js, "zj": zj_contacts, "now": now}


def _ids(response):
    return [item["id"] for item in response.json()]


def test_list_pages_with_exact_counts_and_valid_bodies(history, api_client_for):
    """CON-4, SYS-1: a JS agent lists only JS contacts, newest first, with offset/limit and the exact
    X-Total-Count / X-Result-Count; each page is valid against the spec."""
    client = api_client_for(history["agent"])
    response = client.get(PI)
    assert_conforms(API, response, path=LIST, method="get")
    assert response["X-Total-Count"] == "7" and response["X-Result-Count"] == "7"
    expected = [str(c.pk) for c in sorted(history["js"], key=lambda c: (c.started_at, c.pk), reverse=True)]
    assert _ids(response) == expected
    assert not {str(c.pk) for c in history["zj"]} & set(_ids(response))

    page = client.get(PI, {"offset": 2, "limit": 3})
    assert_conforms(API, page, path=LIST, method="get")
    assert page["X-Total-Count"] == "7" and page["X-Result-Count"] == "3"
    assert _ids(page) == expected[2:5]

    tail = client.get(PI, {"offset": 6, "limit": 3})
    assert tail["X-Result-Count"] == "1" and _ids(tail) == expected[6:]


def test_fields_selects_attributes(history, api_client_for):
    """TMF630 ``fields``: only the asked attributes plus id, href and @type, in lists and single reads."""
    client = api_client_for(history["agent"])
    response = client.get(PI, {"fields": "status,direction", "limit": 2})
    assert_conforms(API, response, path=LIST, method="get")
    for item in response.json():
        assert set(item) == {"id", "href", "@type", "@baseType", "status", "direction"}
    one = client.get(f"{PI}/{history['js'][0].pk}", {"fields": "channel"})
    assert_conforms(API, one, path=ONE, method="get")
    assert set(one.json()) == {"id", "href", "@type", "@baseType", "channel"}


@pytest.mark.parametrize(
    "params, picks",
    [
        ({"direction": "outbound"}, [5]),
        ({"channel.name": "outbound"}, [5]),
        ({"channel.id": "hall"}, [6]),
        ({"status": "inProgress"}, [6]),
        ({"status": "completed"}, [0, 1, 2, 3, 4, 5]),
        ({"reason": "complaint"}, [6]),
        ({"reason": "query", "limit": 2}, [0, 1]),
    ],
)
def test_attribute_filters(history, api_client_for, params, picks):
    """TMF630 attribute filters: direction, channel.id/name, status, reason; counts follow the filter."""
    response = api_client_for(history["agent"]).get(PI, params)
    assert_conforms(API, response, path=LIST, method="get")
    assert _ids(response) == [str(history["js"][i].pk) for i in picks]


def test_channel_name_filter_accepts_the_chinese_name(history, api_client_for):
    """CON-4: channel.name takes the channel's name as the response shows it."""
    client = api_client_for(history["agent"])
    name = client.get(f"{PI}/{history['js'][6].pk}").json()["channel"][0]["name"]
    assert name == "营业厅"
    assert _ids(client.get(PI, {"channel.name": name})) == [str(history["js"][6].pk)]


def test_related_party_and_date_filters(history, api_client_for, js_lines):
    """CON-4: relatedParty.id finds a customer's, a line's or an agent's contacts; interactionDate
    filters take .gt/.lt."""
    client = api_client_for(history["agent"])
    js = history["js"]
    by_number = client.get(PI, {"relatedParty.id": js_lines[0].number})
    assert set(_ids(by_number)) == {str(js[i].pk) for i in (0, 3, 5)}
    by_customer = client.get(PI, {"relatedParty.id": str(js_lines[1].customer_id)})
    assert set(_ids(by_customer)) == {str(js[i].pk) for i in (1, 4, 6)}
    by_agent = client.get(PI, {"relatedParty.id": history["other"].job_number})
    assert set(_ids(by_agent)) == {str(js[5].pk), str(js[6].pk)}

    since = (history["now"] - timedelta(days=2, hours=12)).isoformat()
    until = (history["now"] - timedelta(hours=1)).isoformat()
    window = client.get(
        PI, {"interactionDate.startDateTime.gt": since, "interactionDate.startDateTime.lt": until}
    )
    assert_conforms(API, window, path=LIST, method="get")
    assert _ids(window) == [str(js[0].pk), str(js[1].pk)]
    assert window["X-Total-Count"] == "2"


@pytest.mark.parametrize(
    "params",
    [
        {"direction": "sideways"},
        {"status": "done"},
        {"interactionDate.startDateTime.gt": "yesterday"},
        {"limit": "x"},
    ],
)
def test_bad_filter_is_a_400_tmf_error(history, api_client_for, params):
    """Bad input: 400 in TMF's Error shape (and RFC 9457), nothing listed."""
    response = api_client_for(history["agent"]).get(PI, params)
    assert response.status_code == 400
    assert_conforms(API, response, path=LIST, method="get")
    assert response.json()["status"] == "400"


def test_retrieve_maps_every_part_of_a_contact(history, api_client_for, make_staff, js_lines):
    """CON-1, CON-3, CON-6, SR-1: a contact with a service request, a repeat link, a recording and a
    correction maps to channel, relatedParty, interactionItem, interactionRelationship, attachment and
    note, valid against the spec."""
    agent = history["agent"]
    first = history["js"][0]
    services.service_request_add(actor=agent, contact=first, request_type="fault_report", description="断网")
    ContactLink.objects.create(from_contact=first, to_contact=history["js"][3], kind="repeat")
    supervisor = make_staff("supervisor", "JS")
    services.contact_correct(
        actor=supervisor, contact=first, changes={"summary": "查询话费和积分"}, reason="补充"
    )

    response = api_client_for(agent).get(f"{PI}/{first.pk}")
    assert_conforms(API, response, path=ONE, method="get")
    body = response.json()
    assert body["id"] == str(first.pk) and body["href"] == f"{PI}/{first.pk}"
    assert body["status"] == "completed" and body["direction"] == "inbound"
    assert body["description"] == "查询话费和积分"
    assert body["interactionDate"]["startDateTime"] < body["interactionDate"]["endDateTime"]
    assert body["channel"][0]["id"] == "hotline"
    roles = {p["role"]: p for p in body["relatedParty"]}
    assert roles["customer"]["id"] == str(js_lines[0].customer_id)
    assert roles["customer"]["href"] == f"/tmf-api/customerManagement/v4/customer/{js_lines[0].customer_id}"
    assert roles["subscriber"]["id"] == js_lines[0].number
    assert roles["agent"]["id"] == agent.job_number and roles["agent"]["name"] == "王小明"
    [item] = body["interactionItem"]
    assert item["item"]["role"] == "fault_report"
    assert_valid(API, item, "InteractionItem")

    complaint = services.service_request_add(
        actor=agent, contact=history["js"][1], request_type="complaint", reference="WO-TEST-1"
    )
    linked = api_client_for(agent).get(f"{PI}/{history['js'][1].pk}")
    assert_conforms(API, linked, path=ONE, method="get")
    [ticket] = [i["item"] for i in linked.json()["interactionItem"] if i["id"] == str(complaint.pk)]
    assert ticket["id"] == "WO-TEST-1" and ticket["role"] == "work_order"
    assert ticket["href"] == "/tmf-api/troubleTicket/v4/troubleTicket/WO-TEST-1"
    assert body["interactionRelationship"] == [
        {
            "id": str(history["js"][3].pk),
            "href": f"{PI}/{history['js'][3].pk}",
            "relationshipType": "isRepeatOf",
        }
    ]
    assert body["attachment"] == [{"id": "REC-0", "name": "REC-0", "attachmentType": "recording"}]
    [note] = body["note"]
    assert note["author"] == supervisor.job_number and "补充" in note["text"]

    repeat = api_client_for(agent).get(f"{PI}/{history['js'][3].pk}").json()
    assert {"id": str(first.pk), "href": f"{PI}/{first.pk}", "relationshipType": "hasRepeat"} in repeat[
        "interactionRelationship"
    ]


def test_create_writes_one_contact_record(history, api_client_for, js_lines):
    """CON-1: POST PartyInteraction_Create opens a contact through the contacts service (audited);
    201 with the resource, valid against the spec."""
    agent = history["agent"]
    payload = {
        "channel": [{"id": "web", "href": "urn:kefu:channel:web", "name": "web"}],
        "direction": "inbound",
        "reason": "consultation",
        "status": "completed",
        "description": "咨询5G套餐",
        "interactionDate": {
            "startDateTime": "2026-11-20T09:00:00+08:00",
            "endDateTime": "2026-11-20T09:05:30+08:00",
        },
        "relatedParty": [{"id": js_lines[2].number, "role": "subscriber", "@referredType": "Subscriber"}],
        "attachment": [{"id": "REC-9", "attachmentType": "recording"}],
    }
    before = ContactRecord.objects.count()
    response = api_client_for(agent).post(PI, payload, format="json")
    assert response.status_code == 201, response.content
    assert_conforms(API, response, path=LIST, method="post")
    body = response.json()
    contact = ContactRecord.objects.get(pk=int(body["id"]))
    assert ContactRecord.objects.count() == before + 1
    assert (contact.channel, contact.request_type, contact.status) == ("web", "consultation", "closed")
    assert contact.subscriber == js_lines[2] and contact.staff == agent
    assert contact.duration_seconds == 330 and contact.recording_ref == "REC-9"
    assert body["status"] == "completed" and body["description"] == "咨询5G套餐"
    assert AuditEvent.objects.filter(action="contact.create", object_id=str(contact.pk)).exists()


def test_create_open_interaction_by_chinese_reason(history, api_client_for, js_lines):
    """CON-1: an inProgress interaction stays open; reason may be the request type's name."""
    payload = {
        "channel": [{"id": "hotline", "href": "urn:kefu:channel:hotline"}],
        "direction": "inbound",
        "reason": "投诉",
        "status": "inProgress",
        "interactionDate": {},
        "relatedParty": [{"id": js_lines[0].number, "role": "subscriber"}],
    }
    response = api_client_for(history["agent"]).post(PI, payload, format="json")
    assert response.status_code == 201, response.content
    assert_conforms(API, response, path=LIST, method="post")
    contact = ContactRecord.objects.get(pk=int(response.json()["id"]))
    assert contact.status == "open" and contact.request_type == "complaint"


@pytest.mark.parametrize(
    "change",
    [
        {"reason": None},
        {"channel": []},
        {"channel": [{"id": "pigeon"}]},
        {"direction": "sideways"},
        {"reason": "gossip"},
        {"status": "completed"},  # no end time
        {"status": "inProgress", "interactionDate": {"endDateTime": "2026-11-20T10:00:00+08:00"}},
        {"interactionDate": {"startDateTime": "not a date"}},
        {"relatedParty": []},
        {"interactionItem": [{"reason": "x"}]},
        {"attachment": [{"id": "x", "attachmentType": "video"}]},
    ],
)
def test_create_refuses_bad_input_with_400(history, api_client_for, js_lines, change):
    """Bad input: 400 TMF Error; no contact is written."""
    payload = {
        "channel": [{"id": "hotline"}],
        "direction": "inbound",
        "reason": "query",
        "status": "inProgress",
        "interactionDate": {},
        "relatedParty": [{"id": js_lines[0].number, "role": "subscriber"}],
        **change,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    before = ContactRecord.objects.count()
    response = api_client_for(history["agent"]).post(PI, payload, format="json")
    assert response.status_code == 400, response.content
    assert_conforms(API, response, path=LIST, method="post")
    assert ContactRecord.objects.count() == before


def test_create_for_an_out_of_scope_line_is_404(history, api_client_for, zj_lines):
    """SYS-1: a JS agent cannot open a contact on a ZJ line: 404, nothing written."""
    payload = {
        "channel": [{"id": "hotline"}],
        "direction": "inbound",
        "reason": "query",
        "status": "inProgress",
        "interactionDate": {},
        "relatedParty": [{"id": zj_lines[0].number, "role": "subscriber"}],
    }
    before = ContactRecord.objects.count()
    response = api_client_for(history["agent"]).post(PI, payload, format="json")
    assert response.status_code == 404
    assert_conforms(API, response, path=LIST, method="get")  # POST declares no 404; the Error shape holds
    assert ContactRecord.objects.count() == before


def test_patch_corrects_permitted_fields_with_history(history, api_client_for, make_staff):
    """CON-6: a supervisor's merge patch of description and reason, with a note saying why, corrects
    the record; each change is kept as history and shown as a note."""
    supervisor = make_staff("supervisor", "JS")
    contact = history["js"][1]
    response = api_client_for(supervisor).patch(
        f"{PI}/{contact.pk}",
        json.dumps(
            {"description": "客户咨询国际漫游", "reason": "consultation", "note": [{"text": "坐席录入有误"}]}
        ),
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 200, response.content
    assert_conforms(API, response, path=ONE, method="patch")
    body = response.json()
    assert body["description"] == "客户咨询国际漫游" and body["reason"] == "咨询"
    contact.refresh_from_db()
    assert (contact.summary, contact.request_type) == ("客户咨询国际漫游", "consultation")
    corrections = ContactCorrection.objects.filter(contact=contact)
    assert {c.field for c in corrections} == {"summary", "request_type"}
    assert {c.reason for c in corrections} == {"坐席录入有误"}
    assert len(body["note"]) == 2


def test_patch_status_completed_closes_an_open_contact(history, api_client_for):
    """CON-1: status completed closes an open contact with its end time and duration; reopening is a
    409."""
    client = api_client_for(history["other"])
    contact = history["js"][6]
    end = (contact.started_at + timedelta(minutes=4)).isoformat()
    response = client.patch(
        f"{PI}/{contact.pk}", {"status": "completed", "interactionDate": {"endDateTime": end}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert_conforms(API, response, path=ONE, method="patch")
    contact.refresh_from_db()
    assert contact.status == "closed" and contact.duration_seconds == 240
    again = client.patch(f"{PI}/{contact.pk}", {"status": "inProgress"}, format="json")
    assert again.status_code == 409
    assert_conforms(API, again, path=ONE, method="patch")


@pytest.mark.parametrize(
    "role, body, status",
    [
        ("hotline_agent", {"description": "x", "note": [{"text": "why"}]}, 403),  # role may not correct
        ("supervisor", {"description": "x"}, 400),  # no reason given
        ("supervisor", {"direction": "outbound", "note": [{"text": "why"}]}, 400),  # not correctable
        ("supervisor", {"channel": [{"id": "web"}], "note": [{"text": "why"}]}, 400),
        ("supervisor", {"interactionDate": {"startDateTime": "2020-01-01T00:00:00Z"}}, 400),
        ("supervisor", ["not", "an", "object"], 400),
    ],
)
def test_patch_refusals_change_nothing(history, api_client_for, make_staff, role, body, status):
    """CON-6: corrections only by permitted roles, of permitted fields, with a reason; otherwise a TMF
    Error (400/403) and the record is unchanged."""
    contact = history["js"][2]
    before = (contact.summary, contact.request_type, contact.channel, contact.direction, contact.started_at)
    response = api_client_for(make_staff(role, "JS")).patch(f"{PI}/{contact.pk}", body, format="json")
    assert response.status_code == status, response.content
    assert_conforms(API, response, path=ONE, method="patch")
    contact.refresh_from_db()
    assert (
        contact.summary,
        contact.request_type,
        contact.channel,
        contact.direction,
        contact.started_at,
    ) == before
    assert not ContactCorrection.objects.filter(contact=contact).exists()


def test_out_of_scope_contact_is_404_for_every_method(history, api_client_for):
    """SYS-1: a ZJ contact does not exist for a JS user: GET and PATCH are 404 (TMF Error), it is
    unchanged, and it never appears in a list."""
    client = api_client_for(history["agent"])
    zj = history["zj"][0]
    get = client.get(f"{PI}/{zj.pk}")
    assert get.status_code == 404
    assert_conforms(API, get, path=ONE, method="get")
    patch = client.patch(f"{PI}/{zj.pk}", {"description": "x", "note": [{"text": "x"}]}, format="json")
    assert patch.status_code == 404
    assert_conforms(API, patch, path=ONE, method="patch")
    zj.refresh_from_db()
    assert zj.summary == "查询话费"
    assert client.get(f"{PI}/not-a-number").status_code == 404
    listed = client.get(PI, {"relatedParty.id": zj.number})
    assert listed.json() == [] and listed["X-Total-Count"] == "0"


def test_unsupported_methods_are_405_and_anonymous_is_401(history, api_client_for):
    """TMF630: DELETE and PUT are not offered (405, TMF Error); without credentials 401."""
    client = api_client_for(history["agent"])
    contact = history["js"][0]
    for response in (
        client.delete(f"{PI}/{contact.pk}"),
        client.put(f"{PI}/{contact.pk}", {}, format="json"),
    ):
        assert response.status_code == 405
        assert_conforms(API, response, path=ONE, method="delete")
    assert ContactRecord.objects.filter(pk=contact.pk).exists()
    anonymous = api_client_for(None).get(PI)
    assert anonymous.status_code == 401
    assert_conforms(API, anonymous, path=LIST, method="get")


def test_list_query_count_does_not_grow_with_the_page(history, api_client_for, django_assert_max_num_queries):
    """The list loads a page in a fixed number of queries, however many contacts it holds."""
    client = api_client_for(history["agent"])
    services.service_request_add(actor=history["agent"], contact=history["js"][0], request_type="query")
    client.get(PI, {"limit": 1})  # the token is checked once, then remembered
    with django_assert_max_num_queries(12) as small:
        client.get(PI, {"limit": 1})
    with django_assert_max_num_queries(12) as large:
        client.get(PI, {"limit": 7})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_validator_rejects_what_the_spec_forbids():
    """The checks above can fail: a channel without href, a related party without @referredType, a
    non-RFC 3339 date and an Error without reason are refused."""
    with pytest.raises(AssertionError):
        assert_valid(API, {"channel": [{"id": "hotline"}]}, "PartyInteraction")
    with pytest.raises(AssertionError):
        assert_valid(API, {"relatedParty": [{"id": "1", "href": "/x"}]}, "PartyInteraction")
    with pytest.raises(AssertionError):
        assert_valid(API, {"creationDate": "2026-11-20 09:00"}, "PartyInteraction")
    with pytest.raises(AssertionError):
        assert_valid(API, {"code": "x"}, "Error")


def test_errors_speak_the_requested_language(history, api_client_for):
    """Error messages are zh-Hans by default and English once the user chose it (language cookie), in
    the same TMF Error shape."""
    client = api_client_for(history["agent"])
    chinese = client.get(PI, {"status": "done"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(PI, {"status": "done"})
    assert chinese.json()["message"] == "status 的取值无效：done"
    assert english.json()["message"] == "invalid value of status: done"
    assert_conforms(API, english, path=LIST, method="get")
