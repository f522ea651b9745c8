"""BA-1: only products that fit the line are offered, and the same rule refuses the rest on the server
(kefu.customers.eligibility), with a stable code and a readable reason; a refusal changes nothing and
never reaches billing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from kefu.acceptance.models import Acceptance
from kefu.contacts.models import ContactRecord
from kefu.core.models import AuditEvent
from kefu.customers.billing import LocalBilling
from kefu.customers.eligibility import HeldProduct, Line, eligibility
from kefu.customers.models import Product, Subscription
from kefu.customers.seeding.products import PRODUCTS, RULES
from tests.factories import SubscriptionFactory, line_with_history, product
from tests.identity.fixtures import KNOWN, _with_known_password, authenticate

_ROWS = {row[0]: row for row in PRODUCTS}


def _product(code: str) -> Product:
    """The demo catalog's product, unsaved: the rule reads attributes only."""
    code, name, kind, _fee, _business, _brand = _ROWS[code]
    return Product(code=code, name=name, kind=kind, **RULES[code])


def _held(*codes: str) -> tuple[HeldProduct, ...]:
    return tuple(
        HeldProduct(code=p.code, name=p.name, kind=p.kind, exclusive_group=p.exclusive_group)
        for p in map(_product, codes)
    )


PREPAID_MZONE = Line(network_type="4g", brand="mzone", pay_method="prepaid", held=_held("P-MZ-18", "V-CRBT"))
GOTONE_4G = Line(
    network_type="4g", brand="gotone", pay_method="postpaid_cash", held=_held("P-GT-58", "V-READ")
)
GOTONE_5G = Line(network_type="5g", brand="gotone", pay_method="bank_collection", held=_held("P-GT-88"))
BROADBAND = Line(
    network_type="broadband", brand="broadband", pay_method="postpaid_cash", held=_held("P-BB-50")
)


@pytest.mark.parametrize(
    ("line", "code", "replaces", "reason"),
    [
        (PREPAID_MZONE, "P-BB-100", "P-MZ-18", "line_type"),  # the prepaid mobile line → 100M broadband
        (GOTONE_4G, "P-FX-20", "P-GT-58", "line_type"),  # a fixed-line plan on a mobile line
        (BROADBAND, "P-GT-58", "P-BB-50", "line_type"),  # a mobile plan on a broadband line
        (GOTONE_4G, "P-GT-58", "P-GT-58", "already_held"),  # the current plan
        (PREPAID_MZONE, "P-GT-88", "P-MZ-18", "brand"),  # another brand's plan
        (GOTONE_4G, "V-5G-BOOST", None, "network"),  # 5G only
        (PREPAID_MZONE, "V-IROAM", None, "pay_method"),  # postpaid only
        (GOTONE_4G, "V-READ-VIP", None, "mutually_exclusive"),  # holds V-READ
        (GOTONE_4G, "V-CRBT-HITS", None, "prerequisite_missing"),  # needs V-CRBT
        (PREPAID_MZONE, "V-CRBT", None, "already_held"),
        (BROADBAND, "V-CRBT", None, "line_type"),
        (PREPAID_MZONE, "B-IPTV", None, "line_type"),
        (GOTONE_4G, "P-GT-88", "P-GT-58", ""),  # a fitting plan
        (PREPAID_MZONE, "P-MZ-28", "P-MZ-18", ""),
        (BROADBAND, "P-BB-100", "P-BB-50", ""),
        (GOTONE_5G, "V-5G-BOOST", None, ""),
        (GOTONE_5G, "V-IROAM", None, ""),
        (GOTONE_4G, "V-READ-VIP", "V-READ", ""),  # an exclusive product replacing its rival
        (PREPAID_MZONE, "V-CRBT-HITS", None, ""),  # the prerequisite is held
        (BROADBAND, "B-IPTV", None, ""),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_eligibility_matrix(line, code, replaces, reason):
    """BA-1: the rule refuses what does not fit the line — kind of line, brand, network, pay method, the
    product or plan held, exclusive products, prerequisites — and accepts what fits."""
    verdict = eligibility(_product(code), line, replaces=replaces)
    assert verdict.eligible is (reason == "")
    assert verdict.reason == reason
    assert bool(verdict.message) is (reason != "")


def test_refusal_is_worded_for_the_agent():
    """BA-1: the reason names the product and what the line is, in zh-Hans and in English."""
    with translation.override("zh-hans"):
        verdict = eligibility(_product("P-BB-100"), PREPAID_MZONE, replaces="P-MZ-18")
    assert verdict.message == "移动宽带100M 仅适用于宽带线路，该号码是移动电话线路"
    with translation.override("en"):
        english = eligibility(_product("P-BB-100"), PREPAID_MZONE, replaces="P-MZ-18").message
    assert "broadband" in english.lower() and "仅适用" not in english
    prerequisite = eligibility(_product("V-CRBT-HITS"), GOTONE_4G, names={"V-CRBT": "彩铃"})
    assert "彩铃" in prerequisite.message and prerequisite.detail == {"requires": ["V-CRBT"]}


def test_replaced_prerequisite_no_longer_counts():
    """BA-1: changing the prerequisite itself into the product that needs it is refused."""
    verdict = eligibility(_product("V-CRBT-HITS"), PREPAID_MZONE, replaces="V-CRBT")
    assert verdict.reason == "prerequisite_missing"


# ---- on the server: the API refuses, changes nothing and never calls billing's write


def _state(line):
    return (
        list(
            Subscription.objects.filter(subscriber=line).order_by("pk").values_list("product__code", "status")
        ),
        ContactRecord.objects.count(),
        Acceptance.objects.count(),
        AuditEvent.objects.filter(action__startswith="acceptance.").count(),
    )


@pytest.fixture
def prepaid_line(catalog):
    """A prepaid 动感地带 4G line (plan P-MZ-18) whose service password is KNOWN."""
    line = line_with_history(months=1, brand="mzone", account__pay_method="prepaid")
    line.subscriptions.all().delete()
    SubscriptionFactory(subscriber=line, product=product("P-MZ-18"))
    return _with_known_password(line)


@pytest.fixture
def billing_writes(monkeypatch):
    """Every call of billing's subscription write, recorded (and still carried out)."""
    calls = []
    original = LocalBilling.change_subscriptions

    def spy(self, number, **kwargs):
        calls.append((number, kwargs.get("start"), kwargs.get("end")))
        return original(self, number, **kwargs)

    monkeypatch.setattr(LocalBilling, "change_subscriptions", spy)
    return calls


@pytest.fixture
def agent_on(js_agent, api_client_for):
    def make(line):
        client = api_client_for(js_agent)
        assert authenticate(client, line.number, password=KNOWN).status_code == 200
        return client

    return make


def _change(client, number, product_code, replaces, **extra):
    body = {"action": "change", "product": product_code, "replaces": replaces, "channel": "hall", **extra}
    return client.post(f"/api/v1/subscribers/{number}/subscriptions", body, format="json")


@pytest.mark.django_db
def test_prepaid_mobile_to_broadband_plan_is_refused(prepaid_line, agent_on, billing_writes):
    """BA-1: the prepaid mobile line asking for the 100M broadband plan: 422 offer_not_eligible with the
    reason; no subscription, contact, acceptance or audit row; billing's write never called."""
    client = agent_on(prepaid_line)
    before = _state(prepaid_line)
    response = _change(client, prepaid_line.number, "P-BB-100", "P-MZ-18")
    assert response.status_code == 422, response.content
    body = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert body["code"] == "offer_not_eligible" and body["reason"] == "line_type"
    assert body["detail"] == "移动宽带100M 仅适用于宽带线路，该号码是移动电话线路"
    assert _state(prepaid_line) == before
    assert billing_writes == []


@pytest.mark.django_db
def test_refusal_reason_in_english(prepaid_line, agent_on):
    """BA-1: the reason follows the language the user chose (the language switch's cookie)."""
    client = agent_on(prepaid_line)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _change(client, prepaid_line.number, "P-FX-20", "P-MZ-18")
    assert response.status_code == 422 and response.json()["reason"] == "line_type"
    assert "fixed" in response.json()["detail"].lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code", "reason"),
    [
        ({"action": "change", "product": "P-FX-20", "replaces": "P-MZ-18"}, 422, "offer_not_eligible", "line_type"),
        ({"action": "change", "product": "P-GT-88", "replaces": "P-MZ-18"}, 422, "offer_not_eligible", "brand"),
        ({"action": "change", "product": "P-MZ-18", "replaces": "P-MZ-18"}, 409, "already_subscribed", "already_held"),
        ({"action": "order", "product": "V-IROAM"}, 422, "offer_not_eligible", "pay_method"),
        ({"action": "order", "product": "V-5G-BOOST"}, 422, "offer_not_eligible", "network"),
        ({"action": "order", "product": "V-CRBT-HITS"}, 422, "offer_not_eligible", "prerequisite_missing"),
    ],
    ids=["fixed-plan-on-mobile", "other-brand", "current-plan", "postpaid-only", "5g-only", "prerequisite"],
)  # fmt: skip
def test_refusals_change_nothing(prepaid_line, agent_on, billing_writes, body, status, code, reason):
    """BA-1: each rule refuses on the server with its code and reason; nothing changes, billing untouched."""
    client = agent_on(prepaid_line)
    before = _state(prepaid_line)
    response = client.post(
        f"/api/v1/subscribers/{prepaid_line.number}/subscriptions", {**body, "channel": "hall"}, format="json"
    )
    assert (response.status_code, response.json()["code"], response.json()["reason"]) == (
        status,
        code,
        reason,
    )
    assert _state(prepaid_line) == before
    assert billing_writes == []


@pytest.mark.django_db
def test_fitting_plan_is_accepted_through_billing(prepaid_line, agent_on, billing_writes):
    """BA-1: a plan of the line's own brand is accepted, and billing's write carries it."""
    client = agent_on(prepaid_line)
    response = _change(client, prepaid_line.number, "P-MZ-28", "P-MZ-18")
    assert response.status_code == 201, response.content
    assert billing_writes == [(prepaid_line.number, ["P-MZ-28"], ["P-MZ-18"])]
    active = set(prepaid_line.subscriptions.filter(status="active").values_list("product__code", flat=True))
    assert active == {"P-MZ-28"}
    assert AuditEvent.objects.filter(action="customers.subscriber.change_subscriptions").count() == 1


@pytest.mark.django_db
def test_offer_list_for_the_line(prepaid_line, js_agent, api_client_for):
    """BA-1: the line's product list offers its own brand's plans as a change of the current plan and
    marks the rest not eligible with the same reason the server gives; eligible ones first."""
    client = api_client_for(js_agent)  # listing needs the number in scope, not a grant
    rows = client.get(f"/api/v1/subscribers/{prepaid_line.number}/products", {"kind": "plan"}).json()
    by_code = {row["code"]: row for row in rows}
    eligible = [row["code"] for row in rows if row["eligible"]]
    assert sorted(eligible) == ["P-MZ-28", "P-MZ-38"]
    assert rows[: len(eligible)] == [by_code[c] for c in eligible]
    assert by_code["P-MZ-28"]["action"] == "change" and by_code["P-MZ-28"]["replaces"] == "P-MZ-18"
    assert by_code["P-MZ-18"]["reason"] == "already_held"
    broadband = by_code["P-BB-100"]
    assert broadband["eligible"] is False and broadband["reason"] == "line_type"
    assert broadband["reason_text"] == "移动宽带100M 仅适用于宽带线路，该号码是移动电话线路"
    vas = client.get(f"/api/v1/subscribers/{prepaid_line.number}/products", {"kind": "vas"}).json()
    assert {r["code"]: r["reason"] for r in vas}["V-CRBT-HITS"] == "prerequisite_missing"
    assert {r["code"]: r["action"] for r in vas}["V-CRBT"] == "order"


@pytest.mark.django_db
def test_offer_list_out_of_scope_is_404(zj_line, js_agent, api_client_for):
    """SYS-1: another province's line is not found."""
    assert api_client_for(js_agent).get(f"/api/v1/subscribers/{zj_line.number}/products").status_code == 404


@pytest.mark.django_db
def test_list_and_server_agree_on_every_refusal(prepaid_line, agent_on, billing_writes):
    """BA-1: one rule behind both: every product the line's list marks not eligible is refused by the
    acceptance with the same reason and wording, and nothing reaches billing."""
    client = agent_on(prepaid_line)
    listed = [
        row
        for kind in ("plan", "vas", "monternet")
        for row in client.get(f"/api/v1/subscribers/{prepaid_line.number}/products", {"kind": kind}).json()
        if not row["eligible"]
    ]
    assert len(listed) > 10
    for row in listed:
        body = {"action": row["action"], "product": row["code"], "channel": "hall"}
        if row["replaces"]:
            body["replaces"] = row["replaces"]
        answer = client.post(f"/api/v1/subscribers/{prepaid_line.number}/subscriptions", body, format="json")
        assert answer.status_code in (409, 422), (row["code"], answer.content)
        assert (answer.json()["reason"], answer.json()["detail"]) == (row["reason"], row["reason_text"])
    assert billing_writes == []
