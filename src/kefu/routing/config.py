"""From the configuration rows to the decision core's objects, and a customer level as a number."""

from __future__ import annotations

from kefu.core.choices import CustomerLevel
from kefu.routing import core
from kefu.routing.models import AgentGroup, RoutingQueue, Seat

# TIER-1: the core compares levels as numbers, 0 being an ordinary customer
LEVELS = {
    CustomerLevel.ORDINARY: 0,
    CustomerLevel.SILVER: 1,
    CustomerLevel.GOLD: 2,
    CustomerLevel.DIAMOND: 3,
    CustomerLevel.SUPREME: 4,
}


def level_of(customer_level: str | None) -> int:
    return LEVELS.get(customer_level or CustomerLevel.ORDINARY, 0)


def core_group(group: AgentGroup, city_code: str | None) -> core.Group:
    """A city group serves its city; a public group (``is_public`` or without a city) serves anyone.
    Its site is its province (id), so the wallboard counts each agent once per province."""
    return core.Group(
        group.code, None if group.is_public or not city_code else city_code, site=str(group.province_id)
    )


def core_queue(queue: RoutingQueue) -> core.Queue:
    return core.Queue(
        code=queue.code,
        site=str(queue.province_id),
        hotline=queue.hotline,
        skill=queue.skill,
        min_level=queue.min_level,
        tiers=tuple(core.Tier(str(t["groups"]), float(t.get("wait", 0))) for t in queue.tiers),
        strategy=core.Strategy(queue.strategy),
        priority=core.Priority(queue.priority),
        level_bonus=tuple(sorted((int(k), float(v)) for k, v in (queue.level_bonus or {}).items())),
        wrapup_seconds=queue.wrapup_seconds,
        max_no_answer=queue.max_no_answer,
        max_length=queue.max_length,
        max_wait=queue.max_wait,
        fallback=queue.fallback,
        answer_threshold=queue.answer_threshold,
        short_abandon=queue.short_abandon,
    )


def load_configuration() -> tuple[list[core.Group], list[core.Queue], dict[str, int], dict[str, int]]:
    """Every group and queue as the core wants them, with each group's and queue's province id."""
    groups, group_province = [], {}
    for group in AgentGroup.objects.select_related("city").order_by("code"):
        groups.append(core_group(group, group.city.code if group.city_id else None))
        group_province[group.code] = group.province_id
    queues, queue_province = [], {}
    for queue in RoutingQueue.objects.order_by("code"):
        queues.append(core_queue(queue))
        queue_province[queue.code] = queue.province_id
    return groups, queues, group_province, queue_province


def seat_spec(seat: Seat) -> dict:
    """What the core needs of one seat: {job_number, groups, skills, contact}."""
    return {
        "job_number": seat.staff.job_number,
        "groups": sorted(g.code for g in seat.groups.all()),
        "skills": {str(k): int(v) for k, v in (seat.skills or {}).items()},
        "contact": seat.contact,
    }
