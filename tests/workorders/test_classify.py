"""The category suggestion for orders in triage (SR-3, WO-4): TF-IDF over character pairs and a linear
model trained on archived orders (``kefu classify train``); suggestions with their confidence, never
applied unasked."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from kefu.catalog.models import CategoryNode
from kefu.workorders import classify, services
from kefu.workorders.models import WorkOrder

# Three complaints' worth of wording; each archived order below picks phrases of its category.
WORDING = [
    ["宽带经常掉线", "家里网速很慢", "光猫指示灯闪烁上不了网", "宽带断网一整天", "路由器连不上宽带"],
    ["本月话费多扣了钱", "账单出现不明扣费", "未订购的增值业务被收费", "套餐外费用异常", "余额被莫名扣除"],
    ["营业员服务态度差", "营业厅排队太久没人管", "客服人员语气恶劣", "工作人员推诿不办理", "店员态度冷漠"],
]


@pytest.fixture
def categories(db):
    nodes = CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2).order_by(
        "id"
    )
    found = list(nodes[:3])
    assert len(found) == 3
    return found


@pytest.fixture
def archived(categories, staff, subscriber, drive):
    """Twelve archived complaint orders: four per category, each described in its category's words."""
    orders = []
    for category, phrases in zip(categories, WORDING, strict=True):
        for i in range(4):
            text = f"客户反映{phrases[i]}，{phrases[(i + 1) % 5]}，要求尽快处理"
            order = services.order_accept(
                actor=staff.agent,
                data=services.OrderInput(
                    kind="complaint", subscriber=subscriber, category=category, description=text
                ),
            ).order
            orders.append(drive(order, "dispatch", "receive", "reply", "feedback", "archive"))
    assert {o.state for o in orders} == {"archived"}
    return orders


def test_character_pairs_are_the_features():
    """SR-3: the features are character unigrams and pairs within runs of letters and digits (NFKC)."""
    counts = classify.terms("宽带掉线！ＡＢ")
    assert counts == {
        "宽": 1,
        "带": 1,
        "掉": 1,
        "线": 1,
        "宽带": 1,
        "带掉": 1,
        "掉线": 1,
        "a": 1,
        "b": 1,
        "ab": 1,
    }


def test_training_on_archived_orders_ranks_the_right_category_first(archived, categories, settings, tmp_path):
    """SR-3: `kefu classify train` trains on the archived orders and writes the model under
    KEFU_DATA_DIR; an obvious description gets its category ranked first, with the highest confidence,
    and the confidences are probabilities over the complaint categories."""
    settings.DATA_DIR = tmp_path
    call_command("classify", "train")
    model = json.loads((tmp_path / "classifier" / "category.json").read_text(encoding="utf-8"))
    assert model["documents"] == 12
    assert sorted(model["classes"]) == sorted(c.code for c in categories)

    for category, text in zip(
        categories, ("宽带又掉线了网速很慢", "话费被多扣了不明扣费", "营业员态度很差"), strict=True
    ):
        suggestions = classify.suggest(text, kind="complaint")
        assert suggestions[0].category.pk == category.pk, (text, [s.category.code for s in suggestions])
        assert suggestions[0].confidence > suggestions[1].confidence
        assert 0 < sum(s.confidence for s in suggestions) <= 1.0 + 1e-9


def test_no_model_means_no_suggestion_and_other_kinds_get_none(archived, settings, tmp_path):
    """SR-3: without a trained model there is no suggestion; a kind whose request type the model has
    no category of (a suggestion order) gets none either."""
    settings.DATA_DIR = tmp_path
    assert classify.suggest("宽带掉线", kind="complaint") == []
    call_command("classify", "train")
    assert classify.suggest("宽带掉线", kind="suggestion") == []
    assert classify.suggest("", kind="complaint") == []


def test_a_suggestion_is_never_applied(archived, staff, settings, tmp_path, client):
    """WO-4: the triage screen shows the suggestion and its confidence; the order stays uncategorised
    in triage until the back office categorises it."""
    settings.DATA_DIR = tmp_path
    call_command("classify", "train")
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", description="宽带掉线网速慢", triage=True),
    ).order
    client.force_login(staff.back)

    page = client.get(f"/workorders/{order.number}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="category-suggestion"' in html
    assert "%" in html.split('data-testid="category-suggestion"', 1)[1][:400]
    order.refresh_from_db()
    assert (order.state, order.category_id) == ("triage", None)
    assert WorkOrder.objects.filter(state="triage").count() == 1


def test_training_needs_two_categories(db, settings, tmp_path):
    """SR-3: with no archived orders to learn from, `kefu classify train` says so and writes nothing."""
    from django.core.management.base import CommandError

    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError):
        call_command("classify", "train")
    assert not (tmp_path / "classifier" / "category.json").exists()
