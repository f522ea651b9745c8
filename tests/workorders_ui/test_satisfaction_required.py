"""WO-4 (customer feedback): the customer's satisfaction is what the agent records, never a default —
the page's form pre-selects nothing and the page and API refuse a feedback without it, changing
nothing."""

from __future__ import annotations

import re

import pytest
from django.forms.models import model_to_dict

from kefu.workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(accept, drive):
    """A complaint the city has replied to, back with the centre for feedback."""
    return drive(accept(), "dispatch", "receive", "reply")


def _snapshot(order):
    return model_to_dict(WorkOrder.objects.get(pk=order.pk)), WorkOrderEvent.objects.filter(
        order=order
    ).count()


def test_feedback_form_has_no_default_satisfaction(client, staff, replied):
    """WO-4: every satisfaction radio is required and none is checked in advance (满意 was)."""
    client.force_login(staff.back)
    html = client.get(f"/workorders/{replied.number}/").content.decode()
    radios = re.findall(r'<input type="radio" name="satisfaction"[^>]*>', html)
    assert len(radios) >= 3
    assert not [r for r in radios if "checked" in r]
    assert all("required" in r for r in radios)


def test_page_refuses_feedback_without_satisfaction(client, staff, replied):
    """WO-4: a feedback posted without a choice (a browser that skips `required`) is refused with a
    readable message and the order does not move."""
    before = _snapshot(replied)
    client.force_login(staff.back)
    response = client.post(
        f"/workorders/{replied.number}/act", {"action": "feedback", "comment": "已告知"}, follow=True
    )
    assert response.status_code == 200
    assert "请选择客户满意度" in response.content.decode()
    assert _snapshot(replied) == before


@pytest.mark.parametrize("payload", [{}, {"satisfaction": ""}], ids=["missing", "blank"])
def test_api_refuses_feedback_without_satisfaction(api_client_for, staff, replied, payload):
    """WO-4: the API answers 422 satisfaction_required for a missing or blank choice; nothing changes."""
    before = _snapshot(replied)
    response = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{replied.number}/feedback", payload, format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "satisfaction_required"
    assert response.json()["detail"] == "请选择客户满意度"
    assert _snapshot(replied) == before


def test_api_records_the_chosen_satisfaction(api_client_for, staff, replied):
    """WO-4: an explicit choice is recorded as given."""
    response = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{replied.number}/feedback",
        {"satisfaction": "basically_satisfied"},
        format="json",
    )
    assert response.status_code == 200, response.content
    replied.refresh_from_db()
    assert (replied.state, replied.satisfaction) == ("feedback", "basically_satisfied")
