import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """A few subscribers in JS and ZJ, from the real seed command."""
    call_command("seed", subscribers=3, province="JS", months=1, verbosity=0)
    call_command("seed", subscribers=3, province="ZJ", months=1, verbosity=0)


@pytest.fixture
def js_subscriber(seeded):
    from kefu.customers.models import Subscriber

    return Subscriber.objects.filter(home_province__code="JS").order_by("id").first()


@pytest.fixture
def zj_subscriber(seeded):
    from kefu.customers.models import Subscriber

    return Subscriber.objects.filter(home_province__code="ZJ").order_by("id").first()


@pytest.fixture
def complaint_category(db):
    from kefu.catalog.models import CategoryNode

    return (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
