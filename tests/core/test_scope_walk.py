"""Data scope (SYS-1): walk every endpoint of the URL conf and show that a JS user can neither read nor
change ZJ data. Routes are discovered, not listed, so a new endpoint is covered by itself; an endpoint
the walker cannot place (an unknown URL parameter or a create route without a payload below) fails the
test until someone says how to probe it.
"""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.urls import get_resolver

from kefu.core import audit, scope
from kefu.core.models import Staff
from tests.core.urlwalk import api_routes, ui_routes
from tests.factories import billing_catalog, line_with_history

WRITE_METHODS = ("post", "put", "patch", "delete")
DENIED = {403, 404, 405}


def _routes():
    return api_routes(get_resolver())


@pytest.fixture
def world(db, make_staff):
    """JS and ZJ data of every kind; returns the JS administrator who probes and the ZJ markers."""
    billing_catalog()
    zj_subscriber = line_with_history(months=2, home="3301")
    js_subscriber = line_with_history(months=2, home="3201")
    zj_staff = make_staff("back_office", "ZJ")
    audit.record(actor=zj_staff, action="test.zj_write", obj=zj_staff)
    js_admin = make_staff("administrator", "JS", is_staff=True)
    audit.record(actor=js_admin, action="test.js_write", obj=js_admin)
    from kefu.contacts import services as contacts

    zj_contact = None
    for actor, subscriber in ((zj_staff, zj_subscriber), (js_admin, js_subscriber)):
        contact = contacts.contact_create(
            actor=actor, data=contacts.ContactInput(channel="hotline", subscriber=subscriber, summary="walk")
        )
        contacts.service_request_add(actor=actor, contact=contact, request_type="query")
        zj_contact = zj_contact or contact
    from kefu.notify import services as notify

    for actor, subscriber in ((zj_staff, zj_subscriber), (js_admin, js_subscriber)):
        notify.sms_send(actor=actor, to=subscriber.number, text="walk", subscriber=subscriber)
        contacts.callback_task_create(
            actor=actor,
            purpose="follow_up",
            summary="walk",
            number=subscriber.number,
            subscriber=subscriber,
            assignee_staff=actor,
            province_id=subscriber.home_province_id,
            city_id=subscriber.home_city_id,
        )
    _work_orders(make_staff, zj_subscriber, js_subscriber)
    return {"user": js_admin, "zj_subscriber": zj_subscriber, "zj_staff": zj_staff, "zj_contact": zj_contact}


def _work_orders(make_staff, *subscribers):
    """A JS and a ZJ work order, each with an attachment (the work-order routes are walked too)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.workorders import services as workorders

    for subscriber in subscribers:
        province = subscriber.home_province.code
        order = workorders.order_accept(
            actor=make_staff("hotline_agent", province),
            data=workorders.OrderInput(kind="consultation", subscriber=subscriber, description="walk"),
        ).order
        upload = SimpleUploadedFile("walk.txt", b"walk", content_type="text/plain")
        back_office = make_staff("back_office", province)
        workorders.order_attach(actor=back_office, order=order, files=[upload])
        from kefu.tmf.trouble_ticket import notifications

        notifications.listener_register(actor=back_office, callback="http://127.0.0.1:9/walk")


def _zj_order():
    from kefu.workorders.models import WorkOrder

    return WorkOrder.objects.filter(province__code="ZJ").first()


def _zj_call(w):
    """An answered ZJ call (made on demand: only the routes that name a call need it)."""
    from kefu.telephony import services as telephony

    if "zj_call" not in w:
        for kind in ("ring", "answer"):
            w["zj_call"] = telephony.cti_event(
                actor=w["zj_staff"], kind=kind, call_id="walk-zj", calling_number=w["zj_subscriber"].number,
                agent_job_number=w["zj_staff"].job_number,
            )  # fmt: skip
    return w["zj_call"]


def _zj_collection(w):
    """A ZJ IVR password collection (AUTH-3), made on demand."""
    from kefu.identity import services as identity

    return identity.password_collection_request(actor=w["zj_staff"], call_id=_zj_call(w).call_id).pk


def _zj_notice(w):
    """A ZJ supervisor's notice to ZJ staff (SYS-1), made on demand."""
    from kefu.bulletins import services as bulletins

    if "zj_notice" not in w:
        author = Staff.objects.create(
            job_number="walk-zj-sup", role="supervisor", province=w["zj_staff"].province
        )
        w["zj_notice"] = bulletins.notice_publish(actor=author, title="walk", body="walk", audience="all")
    return w["zj_notice"].pk


# How to fill URL parameters that are not a viewset's own lookup: parameter name -> ZJ value.
PARAM_VALUES = {
    "number": lambda w: w["zj_subscriber"].number,
    "subscriber_number": lambda w: w["zj_subscriber"].number,
    "job_number": lambda w: w["zj_staff"].job_number,
    "call_id": lambda w: _zj_call(w).call_id,
    "collection_id": _zj_collection,
    "contact_id": lambda w: w["zj_contact"].pk,
    "order_number": lambda w: _zj_order().number,
    "attachment_id": lambda w: _zj_order().attachments.first().pk,
    "task_id": lambda w: _zj_callback_task().pk,
    "notice_id": _zj_notice,
    "code": lambda w: _zj_article(),
    # the knowledge editor's POST-only actions: any action name, the article is out of sight first
    "action": lambda w: "submit",
}


def _zj_article():
    """A ZJ-local knowledge article still in draft (issue 13): readers never see a draft."""
    from kefu.core.models import Province
    from kefu.knowledge import services as knowledge

    article = knowledge.save_article(
        actor=None, code="WALK-ZJ", title="walk", body="<p>walk</p>", province=Province.objects.get(code="ZJ")
    )
    return article.code


def _published_article(code: str = "WALK-PUB"):
    from kefu.knowledge import services as knowledge

    return knowledge.save_article(actor=None, code=code, title="walk", body="<p>walk</p>", status="published")


def _zj_callback_task():
    from kefu.contacts.models import CallbackTask

    return CallbackTask.objects.filter(province__code="ZJ").first()


# Creating routes (POST on a collection): route -> payload that would create ZJ data.
def _zj_routed_call(w) -> dict:
    """A call to a ZJ hotline, offered by the JS user: refused (the queue is out of scope)."""
    from kefu.core.models import Province
    from kefu.routing.models import RoutingQueue

    RoutingQueue.objects.get_or_create(
        code="ZJ-WALK",
        defaults={"name": "walk", "province": Province.objects.get(code="ZJ"), "hotline": "0571100"},
    )
    return {"call_id": "walk-zj", "calling_number": w["zj_subscriber"].number, "called_number": "0571100"}


CREATE_PAYLOADS = {
    "api/v1/routing/calls": _zj_routed_call,
    "api/v1/auth/token": None,  # logging in creates no ZJ data; covered by tests/core/test_auth.py
    "api/v1/work-orders": None,  # ZJ subscribers are refused: tests/workorders/test_api.py
    "tmf-api/troubleTicket/v4/troubleTicket": lambda w: {
        "description": "walk",
        "severity": "Minor",
        "ticketType": "consultation",
        "relatedParty": [
            {"id": w["zj_subscriber"].number, "role": "customer", "@referredType": "Subscriber"}
        ],
    },
    "tmf-api/troubleTicket/v4/hub": None,  # a listener lives in its registrant's own scope
    "api/v1/contacts": lambda w: {"channel": "hotline", "number": w["zj_subscriber"].number},
    "api/v1/contacts/import": None,
    # issue 13: a use record on a ZJ contact (the article itself is national reading)
    "api/v1/knowledge/uses": lambda w: {
        "contact": w["zj_contact"].pk,
        "kind": "answered",
        "article": _published_article().code,
    },
    # issue 13: an article or wording is created in its author's own province (never another's), and
    # synonyms belong to the node's search: tests/knowledge/test_scope.py
    "api/v1/knowledge/articles/": None,
    "api/v1/knowledge/wording/": None,
    "api/v1/knowledge/synonyms/": None,
    # AUTH-3: asking one's PIN pad to collect for a ZJ number (404 before the pad is even looked for)
    "api/v1/pin-pad/collections": lambda w: {"number": w["zj_subscriber"].number},
    # issue 5: asks the hub and writes nothing but an audit row in the asker's scope (CAP-1, SVC-1);
    # serving another province's customer through the hub is what SVC-1 is for: tests/remote
    "api/v1/capability/queries": None,
    # a remote complaint is the serving province's own order about another province's number (SVC-1):
    # tests/remote/test_complaint.py
    "api/v1/remote/complaints": None,
    "api/v1/remote/requests": None,  # the same for suggestions and allowed business (issue 11)
    "api/v1/remote/queries": None,  # rows are scope-checked one by one: tests/contacts/test_import_export.py
    # machine to machine (HMAC signature, no session): a staff token is refused, 401 not_signed
    "federation/v1/messages": lambda w: {
        "v": 1,
        "type": "ping",
        "sender": "ZJ",
        "receiver": "JS",
        "payload": {},
    },
    "tmf-api/partyInteraction/v4/partyInteraction": lambda w: {
        "channel": [{"id": "hotline"}],
        "direction": "inbound",
        "reason": "query",
        "status": "inProgress",
        "interactionDate": {},
        "relatedParty": [{"id": w["zj_subscriber"].number, "role": "subscriber"}],
    },
    # SYS-1: a notice to a ZJ member of staff: outside the JS author's scope, unknown_target
    "api/v1/notices": lambda w: {
        "title": "walk",
        "body": "walk",
        "audience": "staff",
        "target": w["zj_staff"].job_number,
    },
    "api/v1/cti/events": lambda w: {
        "event": "answer",
        "call_id": "walk",
        "calling_number": w["zj_subscriber"].number,
        "agent_job_number": w["zj_staff"].job_number,
    },
}


def _model(route):
    cls = route.view_class
    queryset = getattr(cls, "queryset", None)
    return queryset.model if queryset is not None else None


def _outside(model, user):
    inside = scope.restrict(model._default_manager.all(), user).values("pk")
    return model._default_manager.exclude(pk__in=inside)


def _lookup_field(route):
    cls = route.view_class
    return getattr(cls, "lookup_field", "pk")


def _ids(payload, key):
    items = payload.get("results", payload) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        return set()
    key = "id" if key == "pk" else key
    return {str(item.get(key)) for item in items if isinstance(item, dict)}


def _snapshot(obj):
    obj.refresh_from_db()
    return json.dumps(model_to_dict(obj), default=str, sort_keys=True)


@pytest.mark.parametrize("route", _routes(), ids=lambda r: r.route)
def test_api_route_keeps_js_user_out_of_zj_data(route, world, api_client_for):
    """SYS-1: no endpoint lets a JS user read or change ZJ data."""
    user = world["user"]
    client = api_client_for(user)
    model = _model(route)
    lookup = _lookup_field(route)

    if model is not None and getattr(model, "scope_fields", None) is None:
        # Reference data (provinces, catalog): national by nature; nothing belongs to ZJ only.
        return

    if not route.params:
        if "get" in route.actions and model is not None:
            response = client.get("/" + route.route, {"page_size": 500})
            assert response.status_code == 200, response.content[:300]
            if "json" not in response["Content-Type"]:
                # a file (an export): no ZJ subscriber or staff may appear in it
                text = response.content.decode("utf-8", errors="ignore")
                assert world["zj_subscriber"].number not in text
                assert world["zj_staff"].job_number not in text
                return
            # a resource may name its lookup field otherwise in the body (TMF621: id = order number)
            returned = _ids(response.json(), getattr(route.view_class, "resource_id_key", lookup))
            outside = {str(getattr(o, lookup)) for o in _outside(model, user)[:500]}
            inside = {
                str(getattr(o, lookup)) for o in scope.restrict(model._default_manager.all(), user)[:500]
            }
            assert outside, f"the world holds no out-of-scope {model.__name__}: add some to the fixture"
            assert not returned & outside, f"{route.route} leaked {sorted(returned & outside)[:5]}"
            assert returned & inside, f"{route.route} returned none of the in-scope rows"
        if "post" in route.actions:
            assert route.route in CREATE_PAYLOADS, f"add a ZJ create payload for {route.route}"
            payload = CREATE_PAYLOADS[route.route]
            if payload is not None:
                payload = payload(world)
                before = model._default_manager.count() if model else None
                response = client.post("/" + route.route, payload, format="json")
                assert response.status_code in DENIED | {400, 401, 422}
                assert response["Content-Type"].startswith("application/problem+json")
                if model is not None:
                    assert model._default_manager.count() == before
        return

    if route.route.startswith("api/v1/pickers/"):
        # pickers take a kind, not an object: every kind answers, and none names ZJ staff or teams
        from kefu.core.models import Department

        zj_teams = set(Department.objects.filter(province__code="ZJ").values_list("code", flat=True))
        assert zj_teams, "the world holds no ZJ team"
        for kind in ("businesses", "categories", "cities", "departments", "holders"):
            response = client.get(f"/api/v1/pickers/{kind}", {"limit": 500})
            assert response.status_code == 200, response.content[:300]
            text = response.content.decode()
            assert world["zj_staff"].job_number not in text
            assert not any(f'"{code}"' in text or f":{code}" in text for code in zj_teams), kind
        return

    values = {}
    target = None
    for name in route.params:
        if model is not None and name in (lookup, getattr(route.view_class, "lookup_url_kwarg", None)):
            target = _outside(model, user).first()
            assert target is not None, f"the world holds no out-of-scope {model.__name__}"
            values[name] = getattr(target, lookup)
        elif name in PARAM_VALUES:
            values[name] = PARAM_VALUES[name](world)
        else:
            pytest.fail(f"tell the scope walker how to fill <{name}> of {route.route} (PARAM_VALUES)")
    path = route.path_with(values)
    before = _snapshot(target) if target is not None else None
    counts = {m: m._default_manager.count() for m in (Staff,)}
    for method in route.actions:
        response = getattr(client, method)(path, {}, format="json") if method != "get" else client.get(path)
        assert response.status_code in DENIED, f"{method.upper()} {path} answered {response.status_code}"
        assert response["Content-Type"].startswith("application/problem+json")
    if target is not None:
        assert _snapshot(target) == before
    assert counts == {m: m._default_manager.count() for m in counts}


@pytest.mark.parametrize("route", ui_routes(get_resolver()), ids=lambda r: r.route or "/")
def test_ui_route_keeps_js_user_out_of_zj_data(route, world, client):
    """SYS-1: UI pages show a JS user no ZJ subscriber or staff, and refuse ZJ objects."""
    client.force_login(world["user"])
    values = {}
    for name in route.params:
        if name not in PARAM_VALUES:
            pytest.fail(f"tell the scope walker how to fill <{name}> of {route.route} (PARAM_VALUES)")
        values[name] = PARAM_VALUES[name](world)
    path = route.path_with(values)
    response = client.get(path)
    if response.streaming:
        # an event stream: it must open for the user's own channel only; nothing to read here
        assert response.status_code == 200
        response.close()
        return
    if route.params:
        assert response.status_code in DENIED | {302}, f"GET {path} answered {response.status_code}"
        return
    assert response.status_code in (200, 302, 405)
    text = response.content.decode(errors="ignore")
    assert world["zj_subscriber"].number not in text
    assert world["zj_staff"].job_number not in text
