import pytest

from tests.factories import SubscriberFactory


@pytest.fixture
def js_subscriber(db):
    """A Nanjing line."""
    return SubscriberFactory(home="3201")


@pytest.fixture
def zj_subscriber(db):
    """A Hangzhou line (out of a JS agent's scope)."""
    return SubscriberFactory(home="3301")


@pytest.fixture
def complaint_category(db):
    from kefu.catalog.models import CategoryNode

    return (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
