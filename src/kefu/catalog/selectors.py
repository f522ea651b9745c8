"""Reads on the business catalog: businesses, category trees and paths (SR-3), time limits (WO-5)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kefu.catalog.choices import BusinessStatus
from kefu.catalog.models import (
    Business,
    BusinessName,
    CategoryNode,
    CategoryVersion,
    ResponsibilityCause,
    TimeLimit,
)
from kefu.core import compiled
from kefu.core.choices import DepartmentKind, RequestType
from kefu.core.models import Department


def business_counts_by_status() -> dict[str, int]:
    """Number of businesses per status, every status present, e.g. {"online": 40, "offline": 5}."""
    counts = dict.fromkeys(BusinessStatus.values(), 0)
    for row in Business.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def business_list(*, search: str = "", status: str = "", kind: str = "") -> QuerySet[Business]:
    """Businesses, optionally filtered; ``search`` matches the code, the current name or any old name."""
    queryset = Business.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if search.strip():
        queryset = queryset.filter(business_search_condition(search))
    return queryset


def business_search_condition(search: str) -> Q:
    """Matches a business by code, current name or any name it carried before (e.g. 139社区)."""
    search = search.strip()
    old_names = BusinessName.objects.filter(business=OuterRef("pk"), name__icontains=search)
    return Q(code__icontains=search) | Q(name__icontains=search) | Exists(old_names)


def business_by_name(name: str) -> Business | None:
    """The business that carries or once carried ``name`` (current names win over old ones)."""
    business = Business.objects.filter(name=name).first()
    if business is None:
        row = (
            BusinessName.objects.filter(name=name).select_related("business").order_by("-valid_from").first()
        )
        business = row.business if row else None
    return business


def current_version(business: Business) -> CategoryVersion | None:
    return CategoryVersion.objects.filter(business=business, is_current=True).first()


def _nest(nodes) -> list[dict]:
    """Nodes (parents before children) as nested dicts."""
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for node in nodes:
        item = {
            "id": node.id,
            "code": node.code,
            "name": node.name,
            "request_type": node.request_type,
            "children": [],
        }
        by_id[node.id] = item
        if node.parent_id:
            by_id[node.parent_id]["children"].append(item)
        else:
            roots.append(item)
    return roots


def category_tree(
    business: Business, *, request_type: str | None = None, version: CategoryVersion | None = None
) -> list[dict]:
    """The problem → detail tree of one business (its current version unless ``version`` is given),
    as nested dicts ``{id, code, name, request_type, children}``, in display order."""
    version = version or current_version(business)
    if version is None:
        return []
    nodes = CategoryNode.objects.filter(version=version)
    if request_type:
        nodes = nodes.filter(request_type=request_type)
    return _nest(nodes.order_by("depth", "request_type", "position", "id"))


def request_type_tree(request_type: str, *, include_offline: bool = False) -> list[dict]:
    """What an agent sees when choosing a category for one request type: every business having
    categories of that type in its current version, each with its tree.

    ``[{"business": code, "name": ..., "version": n, "children": [...]}, ...]`` — two queries.
    """
    nodes = CategoryNode.objects.filter(version__is_current=True, request_type=request_type).select_related(
        "version", "business"
    )
    if not include_offline:
        nodes = nodes.filter(business__status=BusinessStatus.ONLINE)
    groups: dict[int, dict] = {}
    per_business: dict[int, list] = {}
    for node in nodes.order_by("business__code", "depth", "position", "id"):
        if node.business_id not in groups:
            groups[node.business_id] = {
                "business": node.business.code,
                "name": node.version.business_name,
                "version": node.version.number,
                "children": [],
            }
            per_business[node.business_id] = []
        per_business[node.business_id].append(node)
    for business_id, group in groups.items():
        group["children"] = _nest(per_business[business_id])
    return list(groups.values())


def category_path(node: CategoryNode) -> str:
    """The node's full path as of its own version, e.g. '投诉 > 无线音乐 > 扣费争议 > 未订购却扣费'."""
    return node.full_path


def category_path_names(node: CategoryNode) -> list[str]:
    return [
        str(RequestType.label(node.request_type)),
        node.version.business_name,
        *node.path_names.split(" > "),
    ]


def category_node_by_path(
    business: Business | str, request_type: str, *names: str, version: CategoryVersion | None = None
) -> CategoryNode | None:
    """Find a node by business (or its code), request type and names below the business, in the
    current version unless ``version`` is given: ``category_node_by_path("wireless_music", "complaint",
    "扣费争议", "未订购却扣费")``."""
    nodes = CategoryNode.objects.select_related("version", "business").filter(
        request_type=request_type, path_names=" > ".join(names)
    )
    nodes = (
        nodes.filter(business__code=business)
        if isinstance(business, str)
        else nodes.filter(business=business)
    )
    nodes = nodes.filter(version=version) if version is not None else nodes.filter(version__is_current=True)
    return nodes.first()


def category_successor(node: CategoryNode) -> CategoryNode | None:
    """The node with the same code in its business's current version (None if it was removed)."""
    if node.version.is_current:
        return node
    return CategoryNode.objects.filter(
        business_id=node.business_id, version__is_current=True, code=node.code
    ).first()


# The time-limit read of every accept, compiled once per connection: one statement per depth of
# the category path (the codes are parameters), one for orders without a category.
_DEFAULT_LIMITS = compiled.CompiledQuery(
    lambda request_type, level, customer_type, blank: TimeLimit.objects.filter(
        business__isnull=True,
        category_code=blank,
        request_type=request_type,
        customer_level__in=[level, blank],
        customer_type__in=[customer_type, blank],
    ),
    arity=4,
)
_LIMITS_BY_DEPTH: dict[int, compiled.CompiledQuery] = {}


def _limits_query(depth: int) -> compiled.CompiledQuery:
    query = _LIMITS_BY_DEPTH.get(depth)
    if query is None:
        query = _LIMITS_BY_DEPTH[depth] = compiled.CompiledQuery(
            lambda request_type, level, customer_type, blank, business, *codes: TimeLimit.objects.filter(
                Q(business__isnull=True, category_code=blank)
                | Q(business_id=business, category_code__in=codes),
                request_type=request_type,
                customer_level__in=[level, blank],
                customer_type__in=[customer_type, blank],
            ),
            arity=5 + depth,
        )
    return query


def time_limit_for(
    category: CategoryNode | None,
    level: str | None,
    *,
    request_type: str | None = None,
    customer_type: str | None = None,
) -> TimeLimit | None:
    """The time limit of an order on ``category`` for a customer of ``level`` and ``customer_type``
    (WO-5, TIER-1, SVC-2).

    Resolution, first match wins: the category itself → its ancestors (detail → problem) → the
    business under that request type → the request type's default. At each reach the rows for the
    customer's type come before the rows for any type (so an enterprise customer's own limits win
    over the limits of its line's VIP level), and within each the customer's level before "any
    level". Category rows match by node code, so a limit set on a category keeps applying after the
    category set is revised. With no category, ``request_type`` gives the default. One query.
    """
    level = level or ""
    customer_type = customer_type or ""
    if category is not None:
        request_type = category.request_type
    if not request_type:
        raise ValueError("time_limit_for needs a category or a request_type")
    reaches: list[tuple[int | None, str]] = []  # (business id, category code), most specific first
    if category is not None:
        node = category
        chain = []
        while node is not None:
            chain.append(node.code)
            node = node.parent if node.parent_id else None
        reaches += [(category.business_id, code) for code in chain]
        reaches.append((category.business_id, ""))
    reaches.append((None, ""))

    if category is not None:
        codes = [code for _, code in reaches]
        candidates = _limits_query(len(codes)).fetch(
            request_type, level, customer_type, "", category.business_id, *codes
        )
    else:
        candidates = _DEFAULT_LIMITS.fetch(request_type, level, customer_type, "")
    found = {
        (row.business_id, row.category_code, row.customer_type, row.customer_level): row for row in candidates
    }
    types = [customer_type, ""] if customer_type else [""]
    levels = [level, ""] if level else [""]
    for business_id, code in reaches:
        for wanted_type in types:
            for wanted_level in levels:
                row = found.get((business_id, code, wanted_type, wanted_level))
                if row is not None:
                    return row
    return None


def responsibility_causes(*, active_only: bool = False) -> QuerySet[ResponsibilityCause]:
    queryset = ResponsibilityCause.objects.select_related("parent", "default_department")
    return queryset.filter(active=True) if active_only else queryset


def responsible_departments() -> QuerySet[Department]:
    """Responsible departments (责任部门, SR-4) are core departments of kind "responsible"."""
    return Department.objects.filter(kind=DepartmentKind.RESPONSIBLE)
