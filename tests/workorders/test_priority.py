"""TIER-1 and SVC-2 on the work-order engine: an order's rank and time limits come from the customer's
level and type at acceptance, and the working queues (the real queue query, ``queues.queue_orders``)
put VIP and enterprise orders first, with keyset pages that stay complete in that order."""

from __future__ import annotations

import pytest

from kefu.core.choices import CustomerType
from kefu.workorders import queues
from kefu.workorders.models import WorkOrder
from tests.factories import SubscriberFactory


@pytest.fixture
def line():
    """line(level="ordinary", enterprise=False) -> a Nanjing line of a person or an enterprise."""

    def make(level: str = "ordinary", enterprise: bool = False):
        kind = CustomerType.ENTERPRISE if enterprise else CustomerType.INDIVIDUAL
        return SubscriberFactory(home="3201", level=level, customer__customer_type=kind)

    return make


@pytest.fixture
def mixed(accept, line):
    """Seven complaint orders accepted in this order (ids grow along the list), by customer."""
    made = {}
    for key, level, enterprise in [
        ("ordinary_1", "ordinary", False),
        ("gold", "gold", False),
        ("ordinary_2", "ordinary", False),
        ("enterprise", "ordinary", True),
        ("supreme", "supreme", False),
        ("silver", "silver", False),
        ("ordinary_3", "ordinary", False),
    ]:
        made[key] = accept(subscriber=line(level, enterprise))
    return made


def numbers(orders) -> list[str]:
    return [o.number for o in orders]


def test_rank_and_type_are_fixed_at_acceptance(mixed):
    """TIER-1, SVC-2: the order keeps the customer's type and a rank: ordinary 0, silver 1, gold 2,
    diamond 3, supreme 4; an enterprise customer's ordinary line ranks with gold."""
    got = {k: (o.customer_type, o.priority) for k, o in mixed.items()}
    assert got == {
        "ordinary_1": ("individual", 0),
        "gold": ("individual", 2),
        "ordinary_2": ("individual", 0),
        "enterprise": ("enterprise", 2),
        "supreme": ("individual", 4),
        "silver": ("individual", 1),
        "ordinary_3": ("individual", 0),
    }
    stored = dict(WorkOrder.objects.values_list("number", "priority"))
    assert stored == {o.number: o.priority for o in mixed.values()}


def test_the_working_queue_puts_vip_and_enterprise_first(staff, mixed):
    """TIER-1: in the back office's working queue ("我的待办") the supreme order comes first, then
    gold and enterprise (newest first between equals), silver, then ordinary orders newest first."""
    rows = queues.queue_orders(user=staff.back, queue="mine", filters={})[:20]
    m = mixed
    assert numbers(rows) == numbers(
        [
            m["supreme"],
            m["enterprise"],
            m["gold"],
            m["silver"],
            m["ordinary_3"],
            m["ordinary_2"],
            m["ordinary_1"],
        ]
    )


def test_a_closed_vip_order_leaves_the_working_queue(staff, mixed, drive):
    """TIER-1: the rank orders open work only: a cancelled supreme order is no longer in "我的待办"."""
    drive(mixed["supreme"], "cancel")
    rows = queues.queue_orders(user=staff.back, queue="mine", filters={})[:20]
    assert mixed["supreme"].number not in numbers(rows)
    assert numbers(rows)[:2] == numbers([mixed["enterprise"], mixed["gold"]])


@pytest.mark.parametrize(
    "queue", ["all", "created", "department:CENTRE-JS"], ids=["all", "created", "holder-tab"]
)
def test_the_lists_stay_newest_first(staff, mixed, queue):
    """TIER-1 ranks the working queue only: "all", the orders one accepted and a holder's tab (which
    list closed orders too) are newest first."""
    user = staff.agent if queue == "created" else staff.back
    assert queue in {t.key for t in queues.queues_for(user)}
    rows = queues.queue_orders(user=user, queue=queue, filters={})[:20]
    assert numbers(rows) == numbers(sorted(mixed.values(), key=lambda o: -o.pk))


@pytest.mark.parametrize("size", [1, 2, 3])
def test_ranked_pages_are_complete_and_in_order(staff, mixed, size):
    """TIER-1: reading the ranked queue by keyset pages of any size (cursor "rank.id") gives every
    order once, in the same order as one read."""
    whole = numbers(queues.queue_orders(user=staff.back, queue="mine", filters={})[:20])
    seen, cursor = [], ""
    for _ in range(20):
        search = queues.queue_orders(user=staff.back, queue="mine", filters={})
        if cursor:
            search = queues.after_cursor(search, "mine", cursor)
        page = search[:size]
        if not page:
            break
        seen += numbers(page)
        cursor = queues.queue_cursor(page[-1], "mine")
    assert seen == whole
    assert len(whole) == len(mixed)


def test_desk_queue_page_shows_the_ranked_order_and_its_next_link(client, staff, mixed, monkeypatch):
    """TIER-1: the desk's queue page lists the supreme order first and its "下一页" link carries the
    rank cursor, which opens the rest in order."""
    from kefu.workorders import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(staff.back)
    first = client.get("/workorders/?queue=mine")
    assert first.status_code == 200
    rows = [o.number for o, _late in first.context["rows"]]
    m = mixed
    assert rows == numbers([m["supreme"], m["enterprise"], m["gold"]])
    assert f"after=2.{m['gold'].pk}" in first.context["next_url"]
    second = client.get("/workorders/" + first.context["next_url"])
    assert [o.number for o, _late in second.context["rows"]] == numbers(
        [m["silver"], m["ordinary_3"], m["ordinary_2"]]
    )


def test_enterprise_orders_get_the_enterprise_time_limit(accept, line):
    """SVC-2, TIER-1: a complaint of an enterprise customer gets the enterprise limit (12 h, 7x24),
    whatever the level of the line; a person's ordinary and gold lines get 48 h and 24 h."""
    enterprise = accept(subscriber=line("ordinary", True))
    enterprise_gold = accept(subscriber=line("gold", True))
    person = accept(subscriber=line("ordinary"))
    gold = accept(subscriber=line("gold"))
    got = [(o.time_limit_hours, o.round_the_clock) for o in (enterprise, enterprise_gold, person, gold)]
    assert got == [(12, True), (12, True), (48, False), (24, False)]
