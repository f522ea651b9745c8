import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """A few subscribers in JS and ZJ from the real seed commands, with marketing history and offers."""
    call_command("seed", subscribers=3, province="JS", months=6, verbosity=0)
    call_command("seed", subscribers=2, province="ZJ", months=6, verbosity=0)
    call_command("seedmarketing", verbosity=0)


@pytest.fixture
def js_line(seeded):
    from kefu.customers.models import Subscriber

    return Subscriber.objects.filter(home_province__code="JS").order_by("id").first()


@pytest.fixture
def zj_line(seeded):
    from kefu.customers.models import Subscriber

    return Subscriber.objects.filter(home_province__code="ZJ").order_by("id").first()
