import pytest

from tests.factories import add_marketing_history, ensure_offers, line_with_history
from tests.identity.fixtures import answered_call  # noqa: F401 - shared fixture
from tests.knowledge.fixtures import agent_only, article, contact, crbt, kb_line, make_wording  # noqa: F401


@pytest.fixture
def js_line(db):
    """A Nanjing 全球通 line with six months of bills, payments and points, recent calls and usage,
    a retention and two marketing contacts; the offers catalogue exists."""
    subscriber = line_with_history(months=6, home="3201")
    add_marketing_history(subscriber)
    ensure_offers()
    return subscriber


@pytest.fixture
def zj_line(db):
    """A Hangzhou line with the same history (out of a JS agent's scope)."""
    subscriber = line_with_history(months=6, home="3301")
    add_marketing_history(subscriber)
    return subscriber


@pytest.fixture
def grant_for(api_client_for):
    """grant_for(staff, line): the line's service password set to tests.identity.fixtures.KNOWN and
    the staff member authenticated on it through the authentication API (a valid grant, Q-1)."""
    from kefu.customers.services import subscriber_set_service_password
    from tests.identity.fixtures import KNOWN, authenticate

    def make(staff, subscriber):
        subscriber_set_service_password(actor=None, number=subscriber.number, password=KNOWN)
        response = authenticate(api_client_for(staff), subscriber.number, password=KNOWN)
        assert response.status_code == 200, response.content
        return response

    return make


@pytest.fixture
def js_granted(js_agent, js_line, grant_for):
    """The JS hotline agent holds a valid grant on js_line."""
    grant_for(js_agent, js_line)
    return js_line
