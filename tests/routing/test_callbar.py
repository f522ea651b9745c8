"""The desk's call bar shows the agent's routing state and its buttons (issue 14 item 2)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_call_bar_carries_the_routing_state_controls(hotline, seat, client):
    """Issue 14 item 2: 就绪 / 未就绪 (with the reason picker) / 签出 / 结束话后处理 on the call bar, with
    the states' and reasons' labels for the live updates."""
    agent = seat(["GRP-3201"])
    client.force_login(agent)
    html = client.get("/desk/").content.decode()
    assert 'data-testid="agent-state"' in html
    for text in ("就绪", "未就绪", "签出", "结束话后处理"):
        assert f">{text}</button>" in html
    labels = json.loads(
        re.search(r'<script id="routing-labels" type="application/json">(.*?)</script>', html).group(1)
    )
    assert labels["states"]["wrapup"] == "话后处理" and labels["reasons"]["meal"] == "用餐"
    assert 'value="no_answer"' not in html  # the router sets that reason, an agent does not pick it
