"""Reads for the role home pages (工作台, issue 12): what each province role needs first, within its
data scope, in a handful of queries each (pinned in ``tests/desk/homes/test_homes.py``).

* hotline agent — the current call and its customer, today's own contacts, own open orders
  accepted today;
* hall staff and VIP account managers — today's own contacts, their customers (a VIP manager's
  assigned customers, hall staff the customers served today), their pending requests (PIN-pad
  collections still waiting, own open orders, remote ones marked);
* back office and city handlers — their queues with counts, and the orders they hold by deadline
  with the time left in colour (:mod:`kefu.workorders.timeleft`);
* supervisors — today's figures, the open orders per holder (their team's queues), the overdue
  orders;
* everyone else (administrators, quality inspectors) — the system overview of
  :func:`kefu.desk.selectors.home_figures`.

The desk sits above contacts, telephony, identity and workorders and reads them directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import ContactRecord
from kefu.core import scope
from kefu.core.choices import Role
from kefu.desk.account_managers import manager_customer_count, manager_customers
from kefu.desk.selectors import Figure, home_figures
from kefu.workorders import queues
from kefu.workorders.choices import WorkOrderState
from kefu.workorders.models import WorkOrder
from kefu.workorders.timeleft import duration_label

LIST_LIMIT = 20
HOLDER_RELATED = ("subscriber", "holder_department", "holder_group", "holder_staff")

# which home each role opens on; a role not named here gets the system overview
HOMES = {
    Role.HOTLINE_AGENT: "agent",
    Role.HALL_STAFF: "counter",
    Role.VIP_MANAGER: "counter",
    Role.BACK_OFFICE: "handler",
    Role.CITY_HANDLER: "handler",
    Role.SUPERVISOR: "supervisor",
}


@dataclass
class Home:
    """One role's home: its ``kind`` (the template), its figures (the cards, refreshable) and the
    blocks the template lays out."""

    kind: str
    figures: list[Figure]
    blocks: dict = field(default_factory=dict)


def home_kind(user) -> str:
    return HOMES.get(user.role, "overview")


def start_of_today(now: dt.datetime | None = None) -> dt.datetime:
    """Midnight of today in the server's time zone (what "today" means on every home)."""
    day = timezone.localdate(now or timezone.now())
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _listed(queryset) -> tuple[list, int]:
    """The first ``LIST_LIMIT`` rows of ``queryset`` and how many there are in all: counted by a
    second query only when the list is full (a figure must not stop at the length of its list)."""
    limit = LIST_LIMIT
    rows = list(queryset[:limit])
    return rows, (len(rows) if len(rows) < limit else queryset.count())


def todays_contacts(user, *, since: dt.datetime) -> tuple[list[ContactRecord], int]:
    """The user's own contacts since ``since``, newest first (at most ``LIST_LIMIT``), and how many
    there are (one more query only when the list is full). Walk-ins served in another city of the
    province count too (SVC-1: the serving scope)."""
    return _listed(
        scope.restrict_serving(ContactRecord.objects.filter(staff=user, started_at__gte=since), user)
        .select_related("subscriber", "subscriber__customer", "subscriber__customer__city")
        .order_by("-started_at", "-id")
    )


def current_call(user):
    """The agent's call ringing or in progress, newest first, with the line's subscriber in scope (or
    None): what the home shows beside the call bar."""
    from kefu.customers.models import Subscriber
    from kefu.telephony.choices import CallState
    from kefu.telephony.models import Call

    call = (
        scope.restrict(
            Call.objects.filter(agent=user, state__in=(CallState.RINGING, CallState.ANSWERED)), user
        )
        .order_by("-id")
        .first()
    )
    if call is None:
        return None
    call.subscriber = (
        scope.restrict(Subscriber.objects.filter(number=call.calling_number), user)
        .select_related("customer")
        .first()
    )
    return call


def _open_orders(user):
    return scope.restrict(WorkOrder.objects.filter(state__in=list(WorkOrderState.OPEN)), user)


def agent_home(user) -> Home:
    """The hotline agent: the call, today's contacts, own open orders accepted today."""
    since = start_of_today()
    contacts, contact_total = todays_contacts(user, since=since)
    orders, order_total = _listed(
        _open_orders(user)
        .filter(created_by=user, accepted_at__gte=since)
        .select_related(*HOLDER_RELATED)
        .order_by("-id")
    )
    figures = [
        Figure("contacts_today", _("今日接触"), contact_total),
        Figure("orders_today", _("今日受理在途工单"), order_total),
    ]
    return Home("agent", figures, {"call": current_call(user), "contacts": contacts, "orders": orders})


def counter_home(user) -> Home:
    """Hall staff and VIP managers: today's contacts, their customers, their pending requests."""
    from kefu.identity.choices import CollectionState
    from kefu.identity.models import PasswordCollection

    since = start_of_today()
    contacts, contact_total = todays_contacts(user, since=since)
    if user.role == Role.VIP_MANAGER:
        customers = manager_customers(user, limit=LIST_LIMIT + 1)
        customer_total = len(customers) if len(customers) <= LIST_LIMIT else manager_customer_count(user)
        customers = customers[:LIST_LIMIT]
    else:  # a counter has no customers of its own: those it served today
        seen: dict[int, object] = {}
        for contact in contacts:
            customer = contact.subscriber.customer if contact.subscriber_id else None
            if customer is not None and customer.pk not in seen:
                seen[customer.pk] = customer
        customers = list(seen.values())
        customer_total = len(customers)
    waiting, waiting_total = _listed(
        scope.restrict_serving(
            PasswordCollection.objects.filter(agent=user, state=CollectionState.WAITING), user
        )
        .select_related("subscriber")
        .order_by("-created_at")
    )
    orders, order_total = _listed(
        _open_orders(user)
        .filter(created_by=user)
        .select_related(*HOLDER_RELATED, "crosslink")
        .order_by("-id")
    )
    figures = [
        Figure("contacts_today", _("今日接触"), contact_total),
        Figure(
            "customers", _("我的客户") if user.role == Role.VIP_MANAGER else _("今日服务客户"), customer_total
        ),
        Figure("pending", _("待处理请求"), waiting_total + order_total),
    ]
    blocks = {"contacts": contacts, "customers": customers, "waiting": waiting, "orders": orders}
    return Home("counter", figures, blocks)


def handler_home(user) -> Home:
    """Back office and city handlers: their queues with counts (open, late) and the orders they hold,
    soonest deadline first, with the time left."""
    holders = queues.member_holders(user)
    tabs = [q for q in queues.queues_for(user, holders) if q.key not in ("created", "all")]
    counts = queues.queue_counts(user=user, keys=[q.key for q in tabs], holders=holders)
    rows = [(q, *counts.get(q.key, (0, 0))) for q in tabs]
    mine = (
        queues.queue_orders(user=user, queue="mine", filters={}, holders=holders)
        .queryset()
        .select_related(*HOLDER_RELATED)
        .order_by(F("order_due_at").asc(nulls_last=True), "id")[:LIST_LIMIT]
    )
    open_mine, late_mine = counts.get("mine", (0, 0))
    figures = [
        Figure("queue_open", _("我的待办"), open_mine),
        Figure("queue_late", _("已超时"), late_mine),
    ]
    if "triage" in counts:
        figures.append(Figure("triage", _("待分拣"), counts["triage"][0]))
    return Home("handler", figures, {"queues": rows, "orders": list(mine)})


def todays_figures(user, *, since: dt.datetime) -> list[Figure]:
    """ST-1's real-time figures of the user's scope for today: orders accepted and closed today,
    open orders late, the average handling time of those closed today (acceptance to closing), and
    contacts today. Two queries."""
    handling = ExpressionWrapper(F("closed_at") - F("accepted_at"), output_field=DurationField())
    closed_today = Q(closed_at__gte=since)
    row = (
        scope.restrict(WorkOrder.objects.all(), user)
        .filter(Q(accepted_at__gte=since) | closed_today | Q(state__in=list(WorkOrderState.OPEN)))
        .aggregate(
            created=Count("pk", filter=Q(accepted_at__gte=since)),
            closed=Count("pk", filter=closed_today),
            late=Count("pk", filter=Q(state__in=list(WorkOrderState.OPEN)) & queues.LATE),
            handling=Avg(handling, filter=closed_today),
        )
    )
    contacts = scope.restrict(ContactRecord.objects.filter(started_at__gte=since), user).count()
    average = row["handling"]
    if isinstance(average, int | float):  # some backends answer microseconds
        average = dt.timedelta(microseconds=average)
    return [
        Figure("created_today", _("今日受理工单"), row["created"]),
        Figure("closed_today", _("今日办结工单"), row["closed"]),
        Figure("late", _("超时在途工单"), row["late"]),
        Figure(
            "handling",
            _("今日平均处理时长"),
            None if average is None else int(average.total_seconds()),
            text="—" if average is None else duration_label(average.total_seconds()),
        ),
        Figure("contacts_today", _("今日接触"), contacts),
    ]


def _load_counts() -> dict:
    return {
        "n": Count("pk"),
        "late": Count("pk", filter=queues.LATE),
        "urged": Count("pk", filter=queues.URGE_PENDING),
    }


def _load(name: str, ref: str, row: dict) -> dict:
    return {"name": name, "ref": ref, "open": row["n"], "late": row["late"], "urged": row["urged"]}


def holder_loads(user) -> tuple[list[dict], list[dict]]:
    """The team's queues: the open orders of the user's scope per queue (the department or agent
    group holding them) and per person (whoever received them into work, or holds them in person),
    each with open, late and urged-but-not-acknowledged counts, busiest first. Two queries."""
    open_orders = _open_orders(user).order_by()
    by_holder = (
        open_orders.filter(holder_staff__isnull=True)
        .values(
            "holder_department__code", "holder_department__name", "holder_group__code", "holder_group__name"
        )
        .annotate(**_load_counts())
        .order_by("-n", "holder_department__code", "holder_group__code")
    )
    team = []
    for row in by_holder:
        if row["holder_department__code"]:
            ref, name = f"department:{row['holder_department__code']}", row["holder_department__name"]
        elif row["holder_group__code"]:
            ref, name = f"group:{row['holder_group__code']}", row["holder_group__name"]
        else:
            continue  # no holder at all: not a queue (none such in the engine's states)
        team.append(_load(name, ref, row))
    # a person: the order's handler, or its holder when it is held in person (a VIP manager)
    by_person = (
        open_orders.filter(Q(handler__isnull=False) | Q(holder_staff__isnull=False))
        .values("handler__job_number", "handler__name", "holder_staff__job_number", "holder_staff__name")
        .annotate(**_load_counts())
    )
    merged: dict[str, dict] = {}
    for row in by_person:
        who = "handler" if row["handler__job_number"] else "holder_staff"
        job, name = row[f"{who}__job_number"], row[f"{who}__name"]
        load = merged.setdefault(
            job, _load(f"{name} ({job})", f"staff:{job}", {"n": 0, "late": 0, "urged": 0})
        )
        for key, column in (("open", "n"), ("late", "late"), ("urged", "urged")):
            load[key] += row[column]
    people = sorted(merged.values(), key=lambda load: (-load["open"], load["ref"]))[:LIST_LIMIT]
    return team, people


def late_orders(user) -> list[WorkOrder]:
    """Open orders of the user's scope past their deadline, the longest overdue first."""
    return list(
        _open_orders(user)
        .filter(queues.LATE)
        .select_related(*HOLDER_RELATED)
        .order_by(F("order_due_at").asc(nulls_last=True), "id")[:LIST_LIMIT]
    )


def supervisor_home(user) -> Home:
    """Supervisors: today's figures, the team's queues (open orders per holder), overdue orders."""
    figures = todays_figures(user, since=start_of_today())
    team, people = holder_loads(user)
    return Home("supervisor", figures, {"loads": team, "people": people, "late": late_orders(user)})


BUILDERS = {
    "agent": agent_home,
    "counter": counter_home,
    "handler": handler_home,
    "supervisor": supervisor_home,
}


def home_for(user) -> Home:
    """The home of ``user``'s role (the system overview for roles without one of their own)."""
    kind = home_kind(user)
    builder = BUILDERS.get(kind)
    return builder(user) if builder else Home("overview", home_figures(user))
