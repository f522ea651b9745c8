"""The demo's work orders (`kefu demo`, SR-3 and WO-4): archived complaints made through the real
services for the category suggestion to learn from, and one TMF621-style ticket waiting in triage."""

from __future__ import annotations

from collections import Counter

from kefu.core.demo import seed_demo_staff
from kefu.workorders import classify
from kefu.workorders.demo import HISTORY, TRIAGE_TICKET, seed_demo_orders
from kefu.workorders.models import WorkOrder


def test_demo_history_is_archived_through_the_services_and_suggests_for_the_ticket(
    make_subscriber, settings, tmp_path
):
    """SR-3, WO-4: the demo archives complaints of each category with each step's event (accept,
    dispatch, receive, reply, feedback, archive) by whoever's turn it is — Nanjing's city handler,
    or the supervisor for a city without a demo handler —, in varied wording; the ticket waits in
    triage with no category; a model trained on the history ranks the category the ticket describes
    (复机不及时) first; a second start adds nothing."""
    settings.DATA_DIR = tmp_path
    seed_demo_staff()
    for city in ("3201", "3205", "3201"):  # Suzhou has no demo city handler: the supervisor acts
        make_subscriber(city)

    archived, ticket = seed_demo_orders(per_category=3)  # the demo makes six: three keep the test short

    assert archived == 3 * len(HISTORY)
    history = WorkOrder.objects.filter(state="archived")
    assert history.count() == archived
    assert Counter(history.values_list("category__name", flat=True)) == {
        path.rsplit(" > ", 1)[1]: 3 for path, *_rest in HISTORY
    }
    assert history.values("description").distinct().count() == archived  # the wording varies
    for order in (history.filter(city__code="3201").first(), history.filter(city__code="3205").first()):
        steps = list(order.events.order_by("seq").values_list("action", "actor_job_number"))
        assert [action for action, _who in steps] == [
            "accept",
            "dispatch",
            "receive",
            "reply",
            "feedback",
            "archive",
        ]
        city_handler = "js1005" if order.city.code == "3201" else "js1006"
        assert [who for action, who in steps if action in ("receive", "reply")] == [city_handler] * 2
    ticket.refresh_from_db()
    assert (ticket.state, ticket.category_id, ticket.description) == ("triage", None, TRIAGE_TICKET)

    classify.train()
    [best, *_others] = classify.suggest(f"{ticket.title} {ticket.description}", kind=ticket.kind)
    assert best.category.name == "复机不及时"

    assert seed_demo_orders() == (0, None)
    assert WorkOrder.objects.count() == archived + 1
