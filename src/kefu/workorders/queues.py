"""Reads for the desk's order pages (WO-2, WO-6): the queues a member of staff works from, the
holders an order may be dispatched to, and a subscriber's orders for the customer view (VIEW-4)
and the progress query (Q-3). Writes stay in :mod:`kefu.workorders.services`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Count, F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.choices import DepartmentKind, Role
from kefu.core.models import AgentGroup, Department, Staff
from kefu.core.numbers import INT32_MAX, as_id, is_digits
from kefu.workorders import selectors, transitions
from kefu.workorders.choices import Action, WorkOrderState
from kefu.workorders.models import WorkOrder

# WO-9: an urge the holder has not acknowledged yet (``WorkOrder.urge_pending`` as a condition)
URGE_PENDING = Q(last_urged_at__isnull=False) & (
    Q(urge_acknowledged_at__isnull=True) | Q(urge_acknowledged_at__lt=F("last_urged_at"))
)
# the queue's own filters, beside the list filters of ``selectors.order_search``
QUEUE_FILTERS = ("urge",)

# who sees the triage queue: whoever may categorise (the transition table's rule)
TRIAGE_ROLES = transitions.TRANSITIONS[(WorkOrderState.TRIAGE, Action.CATEGORISE)].roles


@dataclass(frozen=True)
class Queue:
    key: str  # "mine", "created", "all" or a holder ref ("department:CITY-3201")
    label: str


def member_holders(user) -> list[tuple[str, str]]:
    """The holders ``user`` belongs to, as (ref, label): their department (or, filed without one,
    the centre or city team their role works in), their agent group, and themself — the same rule
    as :meth:`WorkOrder.is_held_by`."""
    found: list[tuple[str, str]] = []
    department = None
    if user.department_id:
        department = Department.objects.filter(pk=user.department_id).first()
    elif user.role == Role.BACK_OFFICE and user.province_id and not user.city_id:
        department = Department.objects.filter(
            kind=DepartmentKind.CENTRE, province_id=user.province_id, active=True
        ).first()
    elif user.role == Role.CITY_HANDLER and user.city_id:
        department = Department.objects.filter(
            kind=DepartmentKind.CITY_TEAM, city_id=user.city_id, active=True
        ).first()
    if department is not None:
        found.append((f"department:{department.code}", department.name))
    if user.agent_group_id:
        group = AgentGroup.objects.filter(pk=user.agent_group_id).first()
        if group is not None:
            found.append((f"group:{group.code}", group.name))
    return found


def queue_channels(user) -> list[str]:
    """The bus channels on which the engine announces orders arriving at the holders ``user``
    belongs to (``services.notify_channel``): the agent's desk stream listens to them too."""
    return [f"workorders:{ref}" for ref, _label in member_holders(user)]


def queues_for(user, holders: list[tuple[str, str]] | None = None) -> list[Queue]:
    """The queue tabs of ``user``: mine (every holder they belong to), triage (orders accepted without
    a category, for those who categorise), each holder they belong to, the orders they accepted
    (front line), and everything in their scope. ``holders`` as for :func:`mine_conditions`."""
    queues = [Queue("mine", _("我的待办"))]
    if user.role in TRIAGE_ROLES:
        queues.append(Queue("triage", _("待分拣")))
    holders = member_holders(user) if holders is None else holders
    queues += [Queue(ref, label) for ref, label in holders]
    if user.role in (Role.HOTLINE_AGENT, Role.HALL_STAFF, Role.VIP_MANAGER, Role.BACK_OFFICE):
        queues.append(Queue("created", _("我受理的")))
    queues.append(Queue("all", _("全部工单")))
    return queues


def default_queue(user) -> str:
    return "all" if user.role in (Role.SUPERVISOR, Role.QUALITY_INSPECTOR, Role.ADMINISTRATOR) else "mine"


def mine_conditions(user, holders: list[tuple[str, str]] | None = None) -> list[Q]:
    """The ways ``user`` holds an order: in person, as its handler, through each holder they belong
    to (one condition each, so each is its own index range scan). ``holders``: their
    :func:`member_holders`, when the caller has read them already."""
    conditions = [Q(holder_staff=user), Q(handler=user)]
    for ref, _label in member_holders(user) if holders is None else holders:
        conditions += selectors._holder_conditions(ref, user)
    return conditions


# TIER-1: in the working queue ("我的待办": the open orders of every holder one belongs to) VIP and
# enterprise orders come first, by rank (``WorkOrder.priority``), then newest first; each way of
# holding is a range scan of a rank index on open orders (wo_rank_*). The holder tabs, "created" and
# "all" list closed orders too and stay newest first (ranking them would sort every order a
# department ever held).
PRIORITY_ORDER = ("-priority", "-id")
NEWEST_FIRST = ("-id",)
RANKED_QUEUES = ("mine",)


def queue_ordering(queue: str) -> tuple[str, ...]:
    """The ordering of a queue's orders: by rank then newest for the working queue (TIER-1)."""
    return PRIORITY_ORDER if queue in RANKED_QUEUES else NEWEST_FIRST


def queue_cursor(order: WorkOrder, queue: str) -> str:
    """The keyset cursor after ``order`` in ``queue`` ("rank.id" for a ranked queue, else the id)."""
    return str(order.pk) if queue_ordering(queue) == NEWEST_FIRST else f"{order.priority}.{order.pk}"


def after_cursor(search: selectors.OrderSearch, queue: str, cursor: str) -> selectors.OrderSearch:
    """The orders of ``search`` that come after ``cursor`` in the queue's order; a cursor that does
    not parse reads from the start."""
    rank, _dot, pk = cursor.rpartition(".")
    pk = as_id(pk)
    if pk is None or (rank and not (is_digits(rank) and int(rank) <= INT32_MAX)):
        return search
    if queue_ordering(queue) == NEWEST_FIRST or not rank:
        return search.filter(pk__lt=pk)
    return search.filter(Q(priority__lt=int(rank)) | Q(priority=int(rank), pk__lt=pk))


# the open orders past their deadline: flagged by the sweep, or late and not flagged yet
LATE = Q(overdue_at__isnull=False) | Q(order_due_at__lt=Now(), paused_at__isnull=True)


def queue_counts(
    *, user, keys: list[str], holders: list[tuple[str, str]] | None = None
) -> dict[str, tuple[int, int]]:
    """The open orders of each of ``user``'s queues ``keys`` ("mine", "triage", a holder ref) as
    (open, late) — one query for them all (the home pages' counts). ``holders`` as for
    :func:`mine_conditions`."""
    holders = member_holders(user) if holders is None else holders
    conditions: dict[str, Q] = {}
    for key in keys:
        if key == "mine":
            conditions[key] = reduce(operator.or_, mine_conditions(user, holders))
        elif key == "triage":
            conditions[key] = Q(state=WorkOrderState.TRIAGE)
        elif ":" in key:
            conditions[key] = selectors._holder_condition(key, user)
    if not conditions:
        return {}
    counts = {}
    for i, condition in enumerate(conditions.values()):
        counts[f"n{i}"] = Count("pk", filter=condition)
        counts[f"l{i}"] = Count("pk", filter=condition & LATE)
    row = scope.restrict(WorkOrder.objects.filter(state__in=list(WorkOrderState.OPEN)), user).aggregate(
        **counts
    )
    return {key: (row[f"n{i}"], row[f"l{i}"]) for i, key in enumerate(conditions)}


def queue_orders(
    *, user, queue: str, filters: dict, holders: list[tuple[str, str]] | None = None
) -> selectors.OrderSearch:
    """The orders of one queue with the list filters of :func:`selectors.order_search`, in the
    queue's order (:func:`queue_ordering`), read by pages (``after_cursor(search, …)[:n]``).
    ``urge="pending"`` keeps the orders with an urge not acknowledged yet (WO-9): a condition on the
    order's own columns, so the page stays one query. ``holders`` as for :func:`mine_conditions`."""
    filters = dict(filters)
    urge = filters.pop("urge", "")
    if queue == "mine":  # open orders only: the filters' states are narrowed to the open ones
        search = selectors.order_search(user=user, **{**filters, "open_only": True})
        search = search.any_of(*mine_conditions(user, holders))
    else:
        search = selectors.order_search(user=user, **filters)
        if queue == "created":
            search = search.filter(created_by=user)
        elif queue == "triage":  # accepted without a category, waiting for the back office
            search = search.filter(state=WorkOrderState.TRIAGE)
        elif queue != "all":
            search = search.any_of(*selectors._holder_conditions(queue, user))
    if urge == "pending":
        search = search.filter(URGE_PENDING)
    return search.select_related("subscriber", "escalated_to").order_by(*queue_ordering(queue))


def dispatch_targets(order: WorkOrder) -> list[tuple[str, str]]:
    """Holders an order of this province may be dispatched to: the centre and city teams, the
    responsible departments, the province's agent groups and its VIP account managers (WO-2, WO-7)."""
    departments = Department.objects.filter(active=True).filter(
        Q(province_id=order.province_id) | Q(kind=DepartmentKind.RESPONSIBLE)
    )
    order_kind = {DepartmentKind.CENTRE: 0, DepartmentKind.CITY_TEAM: 1}
    targets = sorted(
        ((order_kind.get(d.kind, 2), d.code, f"department:{d.code}", d.name) for d in departments),
    )
    result = [(ref, name) for _k, _c, ref, name in targets]
    result += [
        (f"group:{g.code}", g.name)
        for g in AgentGroup.objects.filter(province_id=order.province_id).order_by("code")
    ]
    result += [
        (f"staff:{s.job_number}", f"{s.name} ({s.job_number}) · {s.get_role_display()}")
        for s in Staff.objects.filter(
            province_id=order.province_id, role=Role.VIP_MANAGER, is_active=True
        ).order_by("job_number")
    ]
    return result


def holder_names(refs) -> dict[str, str]:
    """Readable names of holder refs (``department:CITY-3201`` → 南京分公司…), three queries at most."""
    codes: dict[str, set[str]] = {"department": set(), "group": set(), "staff": set()}
    for ref in refs:
        kind, _sep, code = ref.partition(":")
        if kind in codes:
            codes[kind].add(code)
    names = {}
    if codes["department"]:
        names |= {
            f"department:{c}": n
            for c, n in Department.objects.filter(code__in=codes["department"]).values_list("code", "name")
        }
    if codes["group"]:
        names |= {
            f"group:{c}": n
            for c, n in AgentGroup.objects.filter(code__in=codes["group"]).values_list("code", "name")
        }
    if codes["staff"]:
        names |= {
            f"staff:{j}": f"{n} ({j})"
            for j, n in Staff.objects.filter(job_number__in=codes["staff"]).values_list("job_number", "name")
        }
    return names
