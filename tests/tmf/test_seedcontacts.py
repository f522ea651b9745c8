"""``kefu seedcontacts``: the bulk contact generator behind the contact-history benchmark (CON-4, CON-5).
On SQLite it runs the Python path, on PostgreSQL the SQL path; both must produce the same shapes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from kefu.contacts.models import ContactRecord
from kefu.customers.models import Subscriber


@pytest.fixture
def lines(js_lines, zj_lines):
    """Three JS and three ZJ lines for the generator to spread contacts over."""
    return js_lines + zj_lines


def test_per_subscriber_gives_every_line_its_contacts(lines):
    """N per subscriber: exactly N closed contacts on each line, placed in its home province and city."""
    call_command("seedcontacts", per_subscriber=4, verbosity=0)
    assert ContactRecord.objects.count() == 24
    per_line = dict(ContactRecord.objects.values_list("subscriber").annotate(n=Count("id")))
    assert set(per_line.values()) == {4} and len(per_line) == 6
    for contact in ContactRecord.objects.select_related("subscriber"):
        line = contact.subscriber
        assert contact.number == line.number
        assert (contact.province_id, contact.city_id) == (line.home_province_id, line.home_city_id)
        assert contact.status == "closed" and contact.ended_at > contact.started_at
        assert contact.duration_seconds == (contact.ended_at - contact.started_at).total_seconds()
        assert contact.request_type and contact.summary
        assert contact.direction == ("outbound" if contact.channel == "outbound" else "inbound")


def test_total_and_province(lines):
    """N in total, limited to one province: exactly N, all on that province's lines."""
    call_command("seedcontacts", contacts=7, province="ZJ", days=30, verbosity=0)
    contacts = ContactRecord.objects.select_related("subscriber__home_province")
    assert contacts.count() == 7
    assert {c.subscriber.home_province.code for c in contacts} == {"ZJ"}
    assert len({c.subscriber_id for c in contacts}) == 3


@pytest.mark.parametrize(
    "options",
    [
        {"per_subscriber": 0},
        {"contacts": -1},
        {"per_subscriber": 1, "days": 0},
        {"per_subscriber": 1, "province": "XX"},
    ],
)
def test_bad_arguments_write_nothing(lines, options):
    with pytest.raises(CommandError):
        call_command("seedcontacts", verbosity=0, **options)
    assert ContactRecord.objects.count() == 0


def test_no_subscribers_is_an_error(db):
    assert not Subscriber.objects.exists()
    with pytest.raises(CommandError, match="kefu seed"):
        call_command("seedcontacts", per_subscriber=1, verbosity=0)
