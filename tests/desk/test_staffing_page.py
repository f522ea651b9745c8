"""The supervisors' staffing page (issue 14 item 7): a forecast per interval → agents by Erlang C and
Erlang A with shrinkage, occupancy and SL, pooled vs per-city totals; bad input is refused on the form."""

from __future__ import annotations

import re

import pytest

from kefu.routing import erlang

pytestmark = pytest.mark.django_db
PAGE = "/desk/routing/staffing/"

FORM = {
    "forecast": "08:00, 100\n08:30, 200\n09:00, 0",
    "interval": "1800",
    "aht": "180",
    "threshold": "20",
    "target": "0.85",
    "patience": "120",
    "shrinkage": "0.3",
    "max_occupancy": "",
    "cities": "4",
}


def _cells(html: str, testid: str) -> list[int]:
    return [int(v) for v in re.findall(rf'data-testid="{testid}">(\d+)<', html)]


def test_supervisor_computes_a_forecast(client, make_staff):
    """SP-3, ORG-4: per interval the agents by Erlang C and by Erlang A (shrinkage added), and the pooled
    total below the per-city total (Halfin–Whitt), as kefu.routing.erlang computes them."""
    client.force_login(make_staff("supervisor", "JS"))
    page = client.get(PAGE)
    assert page.status_code == 200 and 'data-testid="staffing-form"' in page.content.decode()
    response = client.post(PAGE, FORM)
    html = response.content.decode()
    assert response.status_code == 200, html
    assert html.count('data-testid="staffing-row"') == 3
    expected_c = [
        erlang.staff(calls * 180 / 1800, aht=180, target=0.85, threshold=20, shrinkage=0.3).agents
        for calls in (100, 200, 0)
    ]
    expected_a = [
        erlang.staff(
            calls * 180 / 1800, aht=180, target=0.85, threshold=20, shrinkage=0.3, patience=120
        ).agents
        for calls in (100, 200, 0)
    ]
    assert _cells(html, "agents-c") == expected_c
    assert _cells(html, "agents-a") == expected_a
    assert expected_c[0] == 20  # 14 on the phones (the textbook case), ⌈14 / 0.7⌉ scheduled
    pooled, per_city = _cells(html, "total-pooled")[0], _cells(html, "total-per-city")[0]
    assert pooled < per_city
    cmp = erlang.compare_pooling(
        10.0, cities=4, aht=180, target=0.85, threshold=20, shrinkage=0.3, patience=120
    )
    assert cmp.saved > 0
    assert '<td class="num">0.888</td>' in html  # Erlang C SL of 14 agents on 10 erlangs within 20 s


def test_without_patience_only_erlang_c(client, make_staff):
    """SP-3: with no patience given the page shows Erlang C alone."""
    client.force_login(make_staff("administrator", "JS"))
    response = client.post(PAGE, FORM | {"patience": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert _cells(html, "agents-c") and not _cells(html, "agents-a")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"forecast": "8 o'clock, 100"}, "预测第1行"),
        ({"forecast": "08:00, -5"}, "预测第1行的话务量"),
        ({"forecast": "   "}, "请至少填写一个时段"),
        ({"aht": "abc"}, "话务平均处理时长必须是数字"),
        ({"target": "1.5"}, "服务水平目标必须在"),
        ({"shrinkage": "0.95"}, "缺勤率必须在"),
        ({"cities": "2.5"}, "地市数必须是整数"),
        ({"forecast": "08:00, 40000"}, "超过本页上限"),
    ],
)
def test_bad_input_is_a_readable_message_on_the_form(client, make_staff, changes, message):
    """SP-3: bad input answers the form again with a message saying what is wrong, and no table."""
    client.force_login(make_staff("supervisor", "JS"))
    response = client.post(PAGE, FORM | changes)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="staffing-error"' in html and message in html
    assert 'data-testid="staffing-table"' not in html
    assert "staffing-forecast" in html  # the form is there to correct


def test_agents_are_refused_and_not_offered_the_link(client, make_staff):
    """SYS-1 (roles): only supervisors and administrators open the page or see it in the navigation."""
    client.force_login(make_staff("hotline_agent", "JS"))
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get("/").content.decode()
    client.force_login(make_staff("supervisor", "JS"))
    assert PAGE in client.get("/").content.decode()
