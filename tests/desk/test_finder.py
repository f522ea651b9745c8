"""The finder (VIEW-1, SYS-2): by number, by ID-number prefix (6+ characters) and by name narrowed by
a city or an ID prefix; within scope, audited once per search, several results listed with the ID
number masked."""

from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent
from kefu.customers.selectors import finder_parse
from tests.factories import CustomerFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang_wei(db):
    """Three 张伟: two in Nanjing (3201), one in Suzhou (3205); one 张伟强 in Nanjing; one 张伟 in
    Hangzhou (ZJ, out of a JS agent's scope)."""
    lines = {}
    for key, home in (("nj1", "3201"), ("nj2", "3201"), ("sz", "3205"), ("hz", "3301")):
        lines[key] = SubscriberFactory(home=home, customer=CustomerFactory(home=home, name="张伟"))
    lines["qiang"] = SubscriberFactory(home="3201", customer=CustomerFactory(home="3201", name="张伟强"))
    return lines


def _find(client, user, q):
    client.force_login(user)
    return client.get("/desk/customers/", {"q": q})


def _numbers(response) -> set[str]:
    return {line.number for line in response.context["lines"]}


def test_a_name_lists_every_match_in_scope_with_the_id_masked(client, js_agent, zhang_wei):
    """VIEW-1, SYS-1: 张伟 lists the JS lines of every 张伟 (and 张伟强, a prefix), never the ZJ one;
    the ID number shows masked, never in full."""
    response = _find(client, js_agent, "张伟")
    assert response.status_code == 200
    expected = {zhang_wei[k].number for k in ("nj1", "nj2", "sz", "qiang")}
    assert _numbers(response) == expected
    html = response.content.decode()
    nj1 = zhang_wei["nj1"].customer
    assert nj1.masked_id_number in html and nj1.id_number not in html
    assert zhang_wei["hz"].number not in html


@pytest.mark.parametrize("city", ["南京", "南京市"])
def test_a_city_narrows_a_name(client, js_agent, zhang_wei, city):
    """VIEW-1: "张伟 南京" keeps the Nanjing lines only."""
    response = _find(client, js_agent, f"张伟 {city}")
    assert _numbers(response) == {zhang_wei[k].number for k in ("nj1", "nj2", "qiang")}


def test_an_id_prefix_narrows_a_name_and_one_match_opens_the_view(client, js_agent, zhang_wei):
    """VIEW-1: "张伟 <ID prefix>" narrows to that person; a single line opens its view directly."""
    target = zhang_wei["nj2"]
    response = _find(client, js_agent, f"张伟 {target.customer.id_number[:14]}")
    assert response.status_code == 302 and response.url == f"/desk/customers/{target.number}/"
    response = _find(client, js_agent, "张伟 3205")
    assert response.status_code == 302 and response.url == f"/desk/customers/{zhang_wei['sz'].number}/"


def test_an_id_number_prefix_of_six_or_more(client, js_agent, zhang_wei):
    """VIEW-1: six or more characters of an ID number find the lines whose customer's ID starts so;
    fewer are refused with a readable reason and nothing searched."""
    prefix = zhang_wei["nj1"].customer.id_number[:6]  # 320102: the Nanjing region of the IDs
    expected = {
        line.number
        for line in zhang_wei.values()
        if line.customer.id_number.startswith(prefix) and line.home_province.code == "JS"
    }
    assert len(expected) == 3
    response = _find(client, js_agent, prefix)
    assert response.status_code == 200 and _numbers(response) == expected
    short = _find(client, js_agent, prefix[:5])
    assert short.status_code == 200 and short.context["lines"] == []
    assert "证件号码至少输入6位" in short.content.decode()
    out_of_scope = _find(client, js_agent, zhang_wei["hz"].customer.id_number)
    assert out_of_scope.status_code == 200 and out_of_scope.context["lines"] == []


def test_each_search_writes_one_audit_row_with_what_was_searched(client, js_agent, zhang_wei):
    """SYS-2: one audit row per search: the query, its kind, the narrowing and the lines listed."""
    before = AuditEvent.objects.filter(object_type="customers.search").count()
    _find(client, js_agent, "张伟 南京")
    rows = AuditEvent.objects.filter(object_type="customers.search")
    assert rows.count() == before + 1
    row = rows.latest("id")
    assert row.actor_id == js_agent.pk and row.action == "view"
    assert row.changes["query"] == "张伟 南京" and row.changes["kind"] == "name"
    assert row.changes["name"] == "张伟" and row.changes["cities"] == ["南京"]
    assert set(row.changes["numbers"]) == {zhang_wei[k].number for k in ("nj1", "nj2", "qiang")}
    _find(client, js_agent, "123")  # refused before searching: nothing searched, nothing audited
    assert AuditEvent.objects.filter(object_type="customers.search").count() == before + 1


def test_unknown_city_is_a_readable_refusal(client, js_agent, zhang_wei):
    """VIEW-1: a narrowing word that is no city says so instead of finding nothing silently."""
    response = _find(client, js_agent, "张伟 火星")
    assert "未知的地市：火星" in response.content.decode() and response.context["lines"] == []


@pytest.mark.parametrize(
    ("query", "kind", "fields"),
    [
        ("13812345678", "number", {"number": "13812345678"}),
        ("32010219900307", "id_prefix", {"id_prefix": "32010219900307"}),
        ("32010219900307123x", "id_prefix", {"id_prefix": "32010219900307123X"}),
        ("张伟", "name", {"name": "张伟"}),
        ("张伟 3201", "name", {"name": "张伟", "id_prefix": "3201"}),
    ],
    ids=["number", "id-prefix", "whole-id", "name", "name+id"],
)
def test_the_query_is_parsed(query, kind, fields, db):
    """VIEW-1: what each shape of query means."""
    parsed = finder_parse(query)
    assert parsed.kind == kind and not parsed.error
    assert {k: getattr(parsed, k) for k in fields} == fields


def test_queries_per_search_are_few(client, js_agent, zhang_wei, django_assert_max_num_queries):
    """VIEW-1: a name search is a fixed number of queries whatever the matches (the page's own
    queries included)."""
    client.force_login(js_agent)
    client.get("/desk/customers/", {"q": "张伟"})
    with django_assert_max_num_queries(12):
        client.get("/desk/customers/", {"q": "张伟 南京"})
