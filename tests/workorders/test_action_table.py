"""The action table (``kefu.workorders.actions``): every action declared once, and every way in — the
desk's order page, the native API, TMF621's PATCH — refusing the same bad input with the same code
(WO-4, WO-6, SR-4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import Action, SystemEvent
from kefu.workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def test_every_action_has_one_row_and_one_api_operation(accept):
    """WO-4, WO-6: the table has a row for every action a request may take (accept creates, it is no
    action on an order) plus the OA link and WO-9's urge acknowledgement and adjustment approval, and
    each row has its POST operation in the native API."""
    assert set(ACTIONS) == (set(Action.values()) - {Action.ACCEPT}) | {
        SystemEvent.OA_LINK,
        SystemEvent.URGE_ACK,
        SystemEvent.APPROVAL,
    }
    number = accept().number
    for row in ACTIONS.values():
        url = reverse(f"api:work-order-{row.url_path}", args=[number])
        assert url == f"/api/v1/work-orders/{number}/{row.url_path}"


def test_who_may_act_follows_the_transition_table():
    """WO-4, WO-10: a row's roles are those the transition table lets take the action somewhere
    (city handlers receive, the front line does not; the OA link is the back office's)."""
    assert "city_handler" in ACTIONS[Action.RECEIVE].roles
    assert "hotline_agent" not in ACTIONS[Action.RECEIVE].roles
    assert set(ACTIONS[SystemEvent.OA_LINK].roles) == {"back_office", "supervisor", "administrator"}
    assert set(ACTIONS[SystemEvent.APPROVAL].roles) == {"supervisor"}
    assert "city_handler" in ACTIONS[SystemEvent.URGE_ACK].roles


# (how far the order goes first, who acts, the desk's form, the API's body, TMF621's PATCH, the code)
REFUSALS = {
    "archive with an unknown responsibility cause": (
        ("dispatch", "receive", "reply", "feedback"),
        "back",
        {
            "action": "archive",
            "responsibility_cause": "NO-SUCH-CAUSE",
            "responsible_department": "RESP-NETWORK",
        },
        ("archive", {"responsibility_cause": "NO-SUCH-CAUSE", "responsible_department": "RESP-NETWORK"}),
        {"status": "closed", "responsibilityCause": "NO-SUCH-CAUSE", "responsibleDepartment": "RESP-NETWORK"},
        "validation_failed",
    ),
    "reply without a comment": (
        ("dispatch", "receive"),
        "city",
        {"action": "reply", "comment": "  "},
        ("reply", {}),
        {"status": "resolved"},
        "comment_required",
    ),
    "return without a reason": (
        ("dispatch", "receive"),
        "city",
        {"action": "return", "comment": ""},
        ("return", {"reason": ""}),
        {"status": "held", "statusChangeReason": ""},
        "reason_required",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_desk_api_and_tmf_refuse_the_same_input_with_the_same_code(
    case, accept, drive, staff, client, api_client_for
):
    """WO-4, WO-6, SR-4: the desk (its message carries the code), the API and TMF621 (problem+json)
    refuse the same bad input with the same code, and none of them changes the order."""
    path, who, form, (action, body), patch, code = REFUSALS[case]
    order = drive(accept(), *path)
    actor = getattr(staff, who)
    before = (order.state, WorkOrderEvent.objects.filter(order=order).count())

    def unchanged():
        fresh = WorkOrder.objects.get(pk=order.pk)
        return (fresh.state, WorkOrderEvent.objects.filter(order=order).count()) == before

    client.force_login(actor)
    page = client.post(f"/workorders/{order.number}/act", form, follow=True)
    shown = [(m.extra_tags, m.level_tag) for m in page.context["messages"]]
    assert shown == [(code, "error")]
    assert f'data-code="{code}"' in page.content.decode()
    assert unchanged()

    api = api_client_for(actor)
    response = api.post(f"/api/v1/work-orders/{order.number}/{action}", body, format="json")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert unchanged()

    response = api.patch(f"/tmf-api/troubleTicket/v4/troubleTicket/{order.number}", patch, format="json")
    assert response.json()["code"] == code
    assert response.status_code >= 400
    assert unchanged()
