"""WO-9 in the queue list: an urge the holder has not acknowledged yet is marked on its row, and the
holder can list only those; the page's query count does not grow with the rows."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workorders_ui.test_pages import _act


def _rows(html: str) -> dict[str, str]:
    """The queue's rows by order number (the row's HTML)."""
    return dict(re.findall(r'<tr data-number="([^"]+)">(.*?)</tr>', html, flags=re.S))


def _queue(client, user, query: str = "") -> str:
    client.force_login(user)
    page = client.get(f"/workorders/?queue=mine{query}")
    assert page.status_code == 200
    return page.content.decode()


def test_unacknowledged_urges_are_marked_and_filtered(client, staff, accept, drive):
    """WO-9: in the city's working queue an urged order not yet acknowledged carries the 待签收
    marker; once acknowledged it loses it (and a new urge brings it back); the 催办=待签收 filter lists
    only the orders whose urge waits for acknowledgement."""
    urged, acknowledged, quiet = (drive(accept(), "dispatch") for _ in range(3))
    for order in (urged, acknowledged):
        _act(client, staff.agent, order, "urge", comment="客户催促")
    _act(client, staff.city, acknowledged, "urge_ack", comment="已安排")

    rows = _rows(_queue(client, staff.city))
    assert set(rows) == {urged.number, acknowledged.number, quiet.number}
    assert 'data-testid="urge-pending"' in rows[urged.number]
    assert 'data-testid="urge-pending"' not in rows[acknowledged.number]
    assert 'data-testid="urge-pending"' not in rows[quiet.number]
    assert 'data-testid="urged"' in rows[acknowledged.number]  # urged once, acknowledged

    pending = _rows(_queue(client, staff.city, "&urge=pending"))
    assert set(pending) == {urged.number}

    _act(client, staff.agent, acknowledged, "urge", comment="再次催促")
    assert set(_rows(_queue(client, staff.city, "&urge=pending"))) == {urged.number, acknowledged.number}


def test_the_filter_is_kept_on_the_form_and_left_out_of_the_oa_export(client, staff, accept, drive):
    """WO-9: the filter form shows the chosen 催办 filter; the OA export link carries only the
    list filters the export knows."""
    drive(accept(), "dispatch")
    html = _queue(client, staff.city, "&urge=pending")
    assert re.search(r'<option value="pending" selected>', html)
    export = re.search(r'href="([^"]*)" data-testid="oa-export"', html).group(1)
    assert "urge" not in export


def test_the_queue_query_count_does_not_grow_with_urged_rows(client, staff, accept, drive):
    """WO-9: the marker and the filter read the order's own columns: the queue page costs the same
    number of queries with one urged row as with four, filtered or not, and no more than eight."""
    first = drive(accept(), "dispatch")
    _act(client, staff.agent, first, "urge", comment="催")

    def count(query: str) -> int:
        client.force_login(staff.city)
        client.get(f"/workorders/?queue=mine{query}")  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/workorders/?queue=mine{query}").status_code == 200
        return len(queries)

    one = (count(""), count("&urge=pending"))
    for _ in range(3):
        order = drive(accept(), "dispatch")
        _act(client, staff.agent, order, "urge", comment="催")
    four = (count(""), count("&urge=pending"))

    assert one == four
    assert one[0] == one[1]
    # session, user, the city team (twice: tabs and the 'mine' conditions), the page of orders, the
    # unread notices, and the top bar's province and city
    assert four[0] <= 8
