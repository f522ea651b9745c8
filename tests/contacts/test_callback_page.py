"""The desk page of callback tasks (SR-2, WO-7, CON-1): a member of staff sees the calls they owe,
records one as made (an outbound contact), and is refused one that is not theirs."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from kefu.contacts import services
from kefu.contacts.models import CallbackTask, ContactRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(js_subscriber, make_staff):
    """A callback owed by a VIP manager and one owed by another manager."""
    mine, other = make_staff("vip_manager", "JS", city="3201"), make_staff("vip_manager", "JS", city="3201")

    def owe(who, reference):
        return services.callback_task_create(
            actor=who,
            purpose="order_result",
            summary=f"告知{reference}处理结果",
            number=js_subscriber.number,
            subscriber=js_subscriber,
            reference=reference,
            assignee_staff=who,
            province_id=js_subscriber.home_province_id,
            city_id=js_subscriber.home_city_id,
        )

    return {"me": mine, "mine": owe(mine, "JS20260101000001"), "theirs": owe(other, "JS20260101000002")}


def test_the_page_lists_my_callbacks_and_records_one(tasks, client, js_subscriber):
    """SR-2, CON-1: "my" open callbacks only; recording one closes it with an outbound contact in the
    VIP manager's channel."""
    client.force_login(tasks["me"])
    page = client.get(reverse("contacts:callbacks")).content.decode()
    assert f'data-testid="callback-{tasks["mine"].pk}"' in page
    assert f'data-testid="callback-{tasks["theirs"].pk}"' not in page

    response = client.post(
        reverse("contacts:callback_complete", args=[tasks["mine"].pk]), {"outcome": "客户已知悉"}
    )
    assert response.status_code == 302
    task = CallbackTask.objects.get(pk=tasks["mine"].pk)
    assert (task.state, task.done_by, task.outcome) == ("done", tasks["me"], "客户已知悉")
    call = ContactRecord.objects.get(pk=task.contact_id)
    assert (call.channel, call.direction, call.subscriber, call.number) == (
        "vip_manager", "outbound", js_subscriber, js_subscriber.number
    )  # fmt: skip
    assert "客户已知悉" in call.summary
    done = client.get(reverse("contacts:callbacks"), {"state": "done"}).content.decode()
    assert f'data-testid="callback-{task.pk}"' in done


def test_someone_elses_callback_is_refused_and_unchanged(tasks, client):
    """SR-2: recording a callback assigned to another person is refused with a readable message and
    changes nothing; a blank outcome is refused too."""
    client.force_login(tasks["me"])
    theirs = tasks["theirs"]
    before = model_to_dict(theirs)
    response = client.post(
        reverse("contacts:callback_complete", args=[theirs.pk]), {"outcome": "已回访"}, follow=True
    )
    assert "该回访任务不是分配给您的" in response.content.decode()
    theirs.refresh_from_db()
    assert model_to_dict(theirs) == before and ContactRecord.objects.count() == 0
    blank = client.post(reverse("contacts:callback_complete", args=[tasks["mine"].pk]), {"outcome": " "},
                        follow=True)  # fmt: skip
    assert "请填写回访结果" in blank.content.decode()
    assert CallbackTask.objects.get(pk=tasks["mine"].pk).state == "open"
