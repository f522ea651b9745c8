"""Reads on work orders: the back-office list with its filters (WO-6, Q-3), one order with its
history, the actions a user may take now, and the OA export (WO-10).

Every selector takes the reading ``user`` and passes :func:`kefu.core.scope.restrict`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import BooleanField, F, Func, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.catalog.models import Business, CategoryNode
from kefu.core import scope
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.models import AgentGroup, City, Department, Staff
from kefu.customers.models import Subscriber
from kefu.workorders import transitions
from kefu.workorders.choices import Action, WorkOrderState
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import FlowDefinition, WorkOrder, WorkOrderEvent

LIST_RELATED = (
    "province",
    "city",
    "business",
    "category__version",
    "holder_department",
    "holder_group",
    "holder_staff",
)


def _truthy(value) -> bool | None:
    if value in (None, ""):
        return None
    return str(value).lower() in ("1", "true", "yes", "on")


# More branches than this and a page is read as one plain query instead (still correct, maybe slower).
MAX_BRANCHES = 32


class _EqualsAny(Func):
    """``<column> = ANY(<array>)`` (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class OrderSearch:
    """The orders matching ``base`` and any one of ``branches``.

    A filter that accepts several values (``state=dispatched,processing``, ``overdue``, a category code
    with several versions) cannot be one index range scan newest first: an index on ``(state, id)``
    keeps each state's orders in id order, not their union, so PostgreSQL reads every matching row and
    sorts them. Split into branches, each branch is one backward range scan; a keyset page takes at
    most a page from each (``UNION ALL`` of ``ORDER BY id DESC LIMIT n``) and the page's rows by id.

    It offers what :class:`rest_framework.pagination.CursorPagination` uses of a QuerySet
    (``order_by``, ``filter``, slicing); :meth:`queryset` is the same set as one plain QuerySet.
    """

    base: QuerySet
    branches: tuple[Q, ...] = ()

    def queryset(self) -> QuerySet:
        if not self.branches:
            return self.base
        return self.base.filter(reduce(operator.or_, self.branches))

    def order_by(self, *fields: str) -> OrderSearch:
        return replace(self, base=self.base.order_by(*fields))

    def filter(self, *args, **kwargs) -> OrderSearch:
        return replace(self, base=self.base.filter(*args, **kwargs))

    def select_related(self, *fields: str) -> OrderSearch:
        return replace(self, base=self.base.select_related(*fields))

    def only(self, *fields: str) -> OrderSearch:
        return replace(self, base=self.base.only(*fields))

    def prefetch_related(self, *lookups) -> OrderSearch:
        return replace(self, base=self.base.prefetch_related(*lookups))

    def any_of(self, *conditions: Q) -> OrderSearch:
        """Also require one of ``conditions``, each read as its own branch (with each existing one)."""
        branches = [b & c for b in self.branches or (Q(),) for c in conditions]
        if len(branches) > MAX_BRANCHES:
            return OrderSearch(self.queryset().filter(reduce(operator.or_, conditions)))
        return replace(self, branches=tuple(b for b in branches if b))

    def __getitem__(self, key: slice) -> list:
        return list(self.page(key))

    def page(self, key: slice) -> QuerySet:
        """The one query of ``search[start:stop]`` (a QuerySet, e.g. to ``explain()``)."""
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("an OrderSearch is read by pages: search[start:stop]")
        if len(self.branches) < 2 or key.stop is None or connections[self.base.db].vendor != "postgresql":
            return self.queryset()[key]
        # Each branch keeps the base's ordering (the keyset order); its first ``stop`` ids hold every
        # id of the merged page, so the page is the first ``stop`` of their union. As
        # ``id = ANY(ARRAY(…))`` the union is computed once and its ids looked up by primary key; as
        # ``id IN (…)`` the planner hashed them and scanned every order in scope instead.
        firsts = [
            self.base.filter(branch).values_list("pk", flat=True)[: key.stop] for branch in self.branches
        ]
        ids = ArraySubquery(firsts[0].union(*firsts[1:], all=True))
        return self.base.filter(_EqualsAny(F("pk"), ids))[key]


def for_list(search: OrderSearch, *, columns: tuple[str, ...]) -> OrderSearch:
    """``search`` reading the rows of a list page: ``columns`` of the order (``QuerySet.only``), its
    codes joined (province, city, business, flow), its category and holder as one query each.

    Planning time grows steeply with joins: with every related row joined (nine tables) PostgreSQL
    spent 20–25 ms planning a page it then read in under 1 ms; with four, under 1 ms."""
    return (
        search.select_related(None)
        .select_related("province", "city", "business", "flow")
        .prefetch_related(
            Prefetch(
                "category",
                CategoryNode.objects.select_related("version").only(
                    "request_type", "path_names", "version__business_name"
                ),
            ),
            Prefetch("holder_department", Department.objects.only("code", "name")),
            Prefetch("holder_group", AgentGroup.objects.only("code", "name")),
            Prefetch("holder_staff", Staff.objects.only("job_number", "name")),
        )
        .only(*columns)
    )


def order_list(*, user, **filters) -> QuerySet[WorkOrder]:
    """:func:`order_search` as one plain QuerySet (the desk, TMF621, the OA export)."""
    return order_search(user=user, **filters).queryset()


def order_search(
    *,
    user,
    state: str | list[str] = "",
    overdue=None,
    level: str = "",
    business: str = "",
    category: str = "",
    city: str = "",
    holder: str = "",
    kind: str = "",
    subscriber: str = "",
    flow: str = "",
    open_only=None,
) -> OrderSearch:
    """Orders ``user`` may see, newest first, filtered:

    ``state`` (one or a comma list), ``overdue`` (true: flagged by the sweep or past the order
    deadline; false: neither), ``level`` (customer level), ``business`` (code), ``category`` (node
    code, matching every version), ``city`` (code), ``holder`` (``department:<code>``,
    ``group:<code>``, ``staff:<job number>`` or ``me``), ``kind``, ``subscriber`` (number),
    ``flow`` (code), ``open_only``.

    Codes are compared as ids (``city_id = (SELECT id … WHERE code = …)``), so the orders' own
    ``(column, id)`` indexes serve them; a join would leave the planner no ordered path but a sort.
    A category code costs one query for its versions' ids. One query for the page with its related
    rows, whatever the filters.
    """
    queryset = scope.restrict(WorkOrder.objects.all(), user).select_related(*LIST_RELATED)
    alternatives: list[list[Q]] = []  # each: conditions of which an order meets one (a branch each)

    states = list(dict.fromkeys(s for s in (state.split(",") if isinstance(state, str) else state) if s))
    if _truthy(open_only):
        states = [s for s in states or WorkOrderState.OPEN if s in WorkOrderState.OPEN]
        if not states:
            return OrderSearch(queryset.none())
    by_state: list[Q] = []  # several states asked for: one branch each
    if set(states) == set(WorkOrderState.OPEN):
        # exactly the predicate of the partial indexes on open orders: one backward range scan
        queryset = queryset.filter(state__in=list(WorkOrderState.OPEN))
    elif len(states) == 1:
        queryset = queryset.filter(state=states[0])
    elif states:
        by_state = [Q(state=s) for s in states]

    flag = _truthy(overdue)
    if flag is False:
        late = Q(state__in=list(WorkOrderState.OPEN), order_due_at__lt=timezone.now(), paused_at__isnull=True)
        queryset = queryset.exclude(Q(overdue_at__isnull=False) | late)
    if flag:
        # flagged by the sweep (wo_overdue, or the state index), or late and not flagged yet
        flagged = Q(overdue_at__isnull=False)
        backlog = _sweep_backlog(user)
        if by_state:
            by_state = [q & flagged for q in by_state]
            if backlog is not None:
                by_state += [Q(state=s) & backlog for s in states if s in WorkOrderState.OPEN]
        elif backlog is None or states and not set(states) & set(WorkOrderState.OPEN):
            queryset = queryset.filter(flagged)  # a closed order is late only if it was flagged
        else:
            alternatives.append([flagged, backlog])
    if by_state:
        alternatives.append(by_state)

    if level:
        queryset = queryset.filter(customer_level=level)
    if business:
        queryset = queryset.filter(business_id=_id_of(Business, code=business))
    if category:
        ids = list(CategoryNode.objects.filter(code=category).order_by("pk").values_list("pk", flat=True))
        if not ids:
            return OrderSearch(queryset.none())
        if len(ids) == 1:
            queryset = queryset.filter(category_id=ids[0])
        else:
            alternatives.append([Q(category_id=i) for i in ids])
    if city:
        queryset = queryset.filter(city_id=_id_of(City, code=city))
    if kind:
        queryset = queryset.filter(kind=kind)
    if subscriber:
        queryset = queryset.filter(subscriber_id=_id_of(Subscriber, number=subscriber))
    if flow:
        queryset = queryset.filter(flow__code=flow)
    if holder:
        conditions = _holder_conditions(holder, user)
        if len(conditions) == 1:
            queryset = queryset.filter(conditions[0])
        else:
            alternatives.append(conditions)

    search = OrderSearch(queryset)
    for options in alternatives:
        search = search.any_of(*options)
    return search


# The sweep flags late orders every minute; more unflagged late orders than this means it stopped.
SWEEP_BACKLOG = 1000


def _sweep_backlog(user) -> Q | None:
    """Open orders past their deadline that the sweep has not flagged yet (None: there are none).

    Normally a handful, read in deadline order from ``wo_due_unflagged`` and given as their ids,
    which the primary key serves. Asked newest first instead, the planner — which cannot know how
    few there are — walks every open order backwards looking for them. A larger backlog is given
    as the plain condition (it is then common enough for a backward scan to meet soon)."""
    late = Q(
        state__in=list(WorkOrderState.OPEN),
        overdue_at__isnull=True,
        order_due_at__lt=timezone.now(),
        paused_at__isnull=True,
    )
    ids = list(
        scope.restrict(WorkOrder.objects.filter(late), user)
        .order_by("order_due_at")
        .values_list("pk", flat=True)[: SWEEP_BACKLOG + 1]
    )
    if not ids:
        return None
    return Q(pk__in=ids) if len(ids) <= SWEEP_BACKLOG else late


def _id_of(model, **lookup) -> Subquery:
    """The id of the one row of ``model`` with ``lookup`` (a unique code), as a scalar subquery."""
    return Subquery(model.objects.filter(**lookup).order_by().values("pk")[:1])


def _holder_condition(holder: str, user) -> Q:
    """One condition for a holder ref (the desk's queues combine it with their own)."""
    return reduce(operator.or_, _holder_conditions(holder, user))


def _holder_conditions(holder: str, user) -> list[Q]:
    """A holder ref as conditions of which an order meets one: one, or for ``me`` one per way the
    user may hold an order (each served by its own index)."""
    if holder == "me":
        mine = [Q(holder_staff=user), Q(handler=user)]
        if user.department_id:
            mine.append(Q(holder_department_id=user.department_id))
        if user.agent_group_id:
            mine.append(Q(holder_group_id=user.agent_group_id))
        return mine
    kind, _sep, code = holder.partition(":")
    if kind == "department":
        return [Q(holder_department_id=_id_of(Department, code=code))]
    if kind == "group":
        return [Q(holder_group_id=_id_of(AgentGroup, code=code))]
    if kind == "staff":
        return [Q(holder_staff_id=_id_of(Staff, job_number=code))]
    raise WorkOrderError(
        _("holder 的格式为 department:<代码>、group:<代码>、staff:<工号> 或 me"),
        code=ErrorCode.VALIDATION_FAILED,
    )


def order_for(*, user, number: str, for_update: bool = False) -> WorkOrder:
    """One order by number inside ``user``'s scope; 404 (``not_found``) otherwise."""
    order = (
        scope.restrict(WorkOrder.objects.select_related(*LIST_RELATED, "flow"), user)
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


def order_detail(*, user, number: str) -> WorkOrder:
    """One order with its events (oldest first, each with its attachments) and attachments:
    three queries."""
    queryset = scope.restrict(
        WorkOrder.objects.select_related(
            *LIST_RELATED,
            "flow",
            "handler",
            "created_by",
            "responsibility_cause",
            "responsible_department",
            "peer_department",
            "peer_group",
            "peer_staff",
            "service_request",  # the contact the order was accepted in (CON-1)
        ),
        user,
    )
    queryset = queryset.prefetch_related(
        Prefetch("events", queryset=WorkOrderEvent.objects.order_by("seq").prefetch_related("attachments")),
    )
    order = queryset.filter(number=number).first()
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


def available_actions(order: WorkOrder, user) -> list[str]:
    """The actions ``user`` may take on ``order`` now (for buttons): table, role, holder and flow,
    without the guards that depend on input (reasons, archive data)."""
    from kefu.workorders.services import check_action

    result = []
    for action in transitions.actions_from(order.state):
        try:
            check_action(order, action, user)
        except DomainError:
            continue
        if action == Action.PAUSE and order.is_paused or action == Action.RESUME and not order.is_paused:
            continue
        result.append(action)
    return result


def flow_list(*, current_only: bool = True) -> QuerySet[FlowDefinition]:
    queryset = FlowDefinition.objects.all()
    return queryset.filter(is_current=True) if current_only else queryset


OA_COLUMNS = (
    "number",
    "kind",
    "state",
    "title",
    "province",
    "city",
    "business",
    "category",
    "customer_level",
    "holder",
    "accepted_at",
    "order_due_at",
    "overdue",
    "urge_count",
    "closed_at",
    "oa_reference",
    "oa_url",
)


def oa_export_rows(queryset: QuerySet[WorkOrder] | OrderSearch, *, limit: int = 10000) -> list[dict]:
    """Rows for the office (OA) system (WO-10): one dict per order with :data:`OA_COLUMNS`."""
    rows = []
    for order in queryset[:limit]:
        rows.append(
            {
                "number": order.number,
                "kind": order.kind,
                "state": order.state,
                "title": order.title,
                "province": order.province.code,
                "city": order.city.code if order.city_id else "",
                "business": order.business.code if order.business_id else "",
                "category": order.category.full_path if order.category_id else "",
                "customer_level": order.customer_level,
                "holder": order.holder_label,
                "accepted_at": order.accepted_at.isoformat(),
                "order_due_at": order.order_due_at.isoformat() if order.order_due_at else "",
                "overdue": order.is_overdue,
                "urge_count": order.urge_count,
                "closed_at": order.closed_at.isoformat() if order.closed_at else "",
                "oa_reference": order.oa_reference,
                "oa_url": order.oa_url,
            }
        )
    return rows
