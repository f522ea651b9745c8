"""The reference business platform (CAP-2, ORG-3): every query answered from seeded data, blacklist
handling changing that data, the `capability.forward` handler and the read-only requests page."""

from __future__ import annotations

import pytest

from kefu.capability import definitions as defs
from kefu.core.errors import DomainError
from kefu.federation.envelope import Message
from kefu.platform import federation_handlers, services
from kefu.platform.models import BlacklistEntry, PlatformRecord, PlatformRequest

pytestmark = pytest.mark.django_db
NUMBER = "13912340002"  # not on any blacklist at first (not a multiple of 5 or 7)
LISTED = "13912340005"  # % 5 == 0: blocked on video, music and reading from the start

CONDITIONS = {
    "handsets": {"brand": "华为"},
    "book_info": {"book": "三体"},
}


def _ask(business, query, **conditions):
    return services.capability_answer(business=business, query=query, conditions=conditions, province="JS")


@pytest.mark.parametrize(
    "business, query",
    [(b.code, q.code) for b in defs.BUSINESSES for q in b.queries if q.kind == defs.QUERY and q.code not in
     ("blacklist", "blacklist_log", "order_detail")],
)  # fmt: skip
def test_every_cap2_query_is_answered_from_seeded_data(business, query):
    """CAP-2: each query finds the number's seeded records, in the columns the definition names."""
    conditions = CONDITIONS.get(query, {"number": NUMBER})
    answer = _ask(business, query, **conditions)
    assert answer["outcome"] == "ok", answer
    columns = [c["key"] for c in answer["columns"]]
    assert answer["rows"] and all(set(columns) <= set(row) for row in answer["rows"])


def test_seeding_is_deterministic_and_once():
    _ask("mobile_video", "on_demand", number=NUMBER)
    first = sorted(PlatformRecord.objects.filter(number=NUMBER).values_list("kind", "data"), key=str)
    assert services.number_seed(NUMBER) is False
    PlatformRecord.objects.filter(number=NUMBER).delete()
    from kefu.platform.models import SeededNumber

    BlacklistEntry.objects.all().delete()
    SeededNumber.objects.all().delete()
    services.number_seed(NUMBER)
    again = sorted(PlatformRecord.objects.filter(number=NUMBER).values_list("kind", "data"), key=str)
    assert [k for k, _ in again] == [k for k, _ in first]


def test_order_detail_finds_the_order_of_the_list():
    order_no = _ask("mobile_payment", "orders", number=NUMBER)["rows"][0]["order_no"]
    detail = _ask("mobile_payment", "order_detail", number=NUMBER, order_no=order_no)
    assert [r["order_no"] for r in detail["rows"]] == [order_no]
    assert _ask("mobile_payment", "order_detail", number=NUMBER, order_no="P0")["outcome"] == "empty"


def test_period_and_month_conditions_filter_records():
    everything = _ask("mobile_game", "consumption", number=NUMBER)["rows"]
    since = max(r["at"] for r in everything)[:10]
    recent = _ask("mobile_game", "consumption", number=NUMBER, date_from=since)["rows"]
    assert recent and all(r["at"][:10] >= since for r in recent) and len(recent) <= len(everything)
    assert _ask("wireless_music", "on_demand", number=NUMBER, month="2001-01")["outcome"] == "empty"


@pytest.mark.parametrize("business", ["mobile_video", "wireless_music", "mobile_reading"])
def test_blacklist_block_and_activate_change_the_data(business):
    """CAP-2 handling: block, then the blacklist query shows it; activate releases it; repeating a
    handling is answered as refused and changes nothing."""
    query = "blacklist_log" if business == "wireless_music" else "blacklist"
    conditions = {"number": NUMBER}
    assert _ask(business, query, **conditions)["outcome"] == "empty"
    done = _ask(business, "blacklist_block", reason="客户要求", **conditions)
    assert (done["outcome"], done["rows"][0]["state"]) == ("ok", "屏蔽")
    assert BlacklistEntry.objects.get(business=business, number=NUMBER).state == "blocked"
    again = _ask(business, "blacklist_block", **conditions)
    assert again["outcome"] == "refused" and "屏蔽" in again["message"]
    assert _ask(business, "blacklist_activate", **conditions)["rows"][0]["state"] == "激活"
    answer = _ask(business, query, **conditions)
    if business == "wireless_music":
        assert [r["action"] for r in answer["rows"]] == ["激活", "屏蔽"]
    else:
        assert answer["rows"][0]["state"] == "激活"


def test_seeded_blacklist_shows_before_any_handling():
    assert _ask("mobile_reading", "blacklist", number=LISTED)["rows"][0]["state"] == "屏蔽"


def test_game_blacklist_add_and_delete():
    """CAP-2: 手机游戏 adds and deletes blacklist entries; deleting twice is refused."""
    assert _ask("mobile_game", "blacklist", number=NUMBER)["outcome"] == "empty"
    assert _ask("mobile_game", "blacklist_add", number=NUMBER)["outcome"] == "ok"
    assert _ask("mobile_game", "blacklist_add", number=NUMBER)["outcome"] == "refused"
    assert _ask("mobile_game", "blacklist", number=NUMBER)["rows"][0]["state"] == "屏蔽"
    assert _ask("mobile_game", "blacklist_delete", number=NUMBER)["outcome"] == "ok"
    assert _ask("mobile_game", "blacklist_delete", number=NUMBER)["outcome"] == "refused"
    assert not BlacklistEntry.objects.filter(business="mobile_game", number=NUMBER).exists()


def test_unknown_query_and_bad_conditions_are_refused():
    with pytest.raises(DomainError) as exc:
        _ask("mobile_payment", "blacklist_add", number=NUMBER)
    assert exc.value.code == "unknown_query"
    with pytest.raises(DomainError) as exc:
        _ask("mobile_game", "blacklist", number="123")
    assert exc.value.code == "validation_failed"


def test_forward_handler_answers_and_logs_the_request():
    message = Message(id="x", type="capability.forward", sender="HUB", receiver="PLAT", mode="request",
                      payload={"business": "mobile_game", "query": "points_balance",
                               "conditions": {"number": NUMBER}, "province": "ZJ"})  # fmt: skip
    answer = federation_handlers.on_forward(message)
    assert answer["rows"][0]["number"] == NUMBER
    request = PlatformRequest.objects.get()
    assert (request.province, request.query, request.outcome, request.rows) == (
        "ZJ",
        "points_balance",
        "ok",
        1,
    )


def test_requests_page_is_read_only_for_administrators(client, make_staff, settings):
    settings.ROOT_URLCONF = "kefu.urls.platform"
    settings.KEFU_ROLE = "platform"
    _ask("mobile_game", "blacklist_add", number=NUMBER)
    client.force_login(make_staff("administrator", province=None, is_staff=True))
    response = client.get("/requests/")
    assert response.status_code == 200
    body = response.content.decode()
    assert NUMBER in body and "黑名单新增" in body and "blacklist_add" not in body
    client.force_login(make_staff("hotline_agent"))
    assert client.get("/requests/").status_code == 403
