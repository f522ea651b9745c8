"""BA-1, VIEW-3: the unified view's offers that sell a product show only where the product fits the line,
by the rule business acceptance applies (kefu.customers.eligibility)."""

from __future__ import annotations

import pytest

from kefu.desk.view import customer_view
from kefu.marketing.seeding import ensure_offers
from tests.factories import SubscriptionFactory, billing_catalog, line_with_history, product

pytestmark = pytest.mark.django_db


def _sale_offers(user, line) -> set[str]:
    view = customer_view(user=user, number=line.number)
    return {o["code"] for o in view["summary"]["offers"]["sale"]}


@pytest.fixture
def offers():
    billing_catalog()
    ensure_offers()


def test_5g_offer_only_on_a_5g_line(js_agent, offers):
    """BA-1: the 5G pack's offer (brands: any mobile) is not shown on a 4G line, whose acceptance would
    refuse the product, and is shown on a 5G line."""
    g4 = line_with_history(months=1, network_type="4g")
    g5 = line_with_history(months=1, network_type="5g")
    assert "S-5G" not in _sale_offers(js_agent, g4)
    assert "S-5G" in _sale_offers(js_agent, g5)


def test_broadband_upgrade_not_offered_to_who_has_it(js_agent, offers):
    """BA-1: 宽带提速至200M is offered to a 100M broadband line, not to the line already on 200M (its
    current plan), nor to a mobile line."""
    slow = line_with_history(months=1, brand="broadband")
    fast = line_with_history(months=1, brand="broadband")
    fast.subscriptions.all().delete()
    SubscriptionFactory(subscriber=fast, product=product("P-BB-200"))
    assert "S-BB-200" in _sale_offers(js_agent, slow)
    assert "S-BB-200" not in _sale_offers(js_agent, fast)
    assert "S-BB-200" not in _sale_offers(js_agent, line_with_history(months=1))
