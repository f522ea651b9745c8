"""Pickers by name and pinyin (SYS-1, WO-6): businesses, request categories (a tree), cities,
departments and holders, for the desk's forms, queue filters and dispatch.

An agent types 南京, ``nanjing`` or ``nj`` instead of the code 3201 (matching: :mod:`kefu.core.pinyin`).
:func:`choices` answers a picker's query best first; :func:`resolve` turns a name typed where a code
is expected (a queue filter, a dispatch target) into the code when exactly one thing carries it, and
otherwise refuses with the candidates, so a filter never silently finds nothing because of a name.

Every picker reads its rows in one or two queries per call (no cache to go stale: a renamed business
or a new category version shows at once); the pinyin keys of the names are cached per process, which
keeps a query over the ~500 categories of a request type to a few milliseconds.

Holders are what a work order can be sent to (``department:<code>``, ``group:<code>``,
``staff:<job number>``), within the user's data scope (:mod:`kefu.core.scope`): the departments of
the user's province (a city user: their city's, the centre and the responsible departments), the
agent groups and the VIP account managers the scope admits.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.catalog.choices import BusinessStatus
from kefu.catalog.models import Business, BusinessName, CategoryNode, CategoryVersion
from kefu.core import scope
from kefu.core.choices import DepartmentKind, RequestType, Role, ScopeKind
from kefu.core.errors import NotFoundError
from kefu.core.models import AgentGroup, City, Department, Staff
from kefu.core.pinyin import PinyinIndex, normalise
from kefu.workorders.errors import PickerErrorCode, WorkOrderError

KINDS = ("businesses", "categories", "cities", "departments", "holders")
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
PATH_SEPARATOR = " › "
# how much a match on the path (business › problem) counts against one on the node's own name
PATH_WEIGHT = 0.6
# candidates named in a refusal
CANDIDATES = 8

# what a code looks like, per kind: a value of this shape is taken as a code without a query
_CODE_SHAPES = {
    "businesses": re.compile(r"[a-z][a-z0-9_]*"),
    "categories": re.compile(r"[a-z][a-z0-9_]*-\d{4}"),
    "cities": re.compile(r"\d{4}"),
    "departments": re.compile(r"[A-Z][A-Z0-9_]*(-[A-Z0-9_]+)*"),
    "holders": re.compile(r"(department|group|staff):\S+|me"),
}


@dataclass(frozen=True)
class Choice:
    """One row of a picker. ``code`` is what the form submits; a category also carries its node
    ``id`` (the new-order form takes ids). In a tree, ``key`` names the row for ``parent=`` and
    ``children`` counts what is below it; a group row (a business above its categories) is not
    ``selectable``."""

    code: str
    label: str
    path: str = ""
    hint: str = ""
    id: int | None = None
    key: str = ""
    parent: str = ""
    children: int = 0
    selectable: bool = True
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["aliases"]
        return {k: v for k, v in data.items() if v or k in ("code", "label", "selectable")}


# --- rows per kind -----------------------------------------------------------------------------------


def _businesses(user, **_ignored) -> list[Choice]:
    """Every business; offline ones say so; old names are searchable (139社区 finds 移动微博)."""
    old: dict[int, list[str]] = {}
    for business_id, name in BusinessName.objects.filter(valid_until__isnull=False).values_list(
        "business_id", "name"
    ):
        old.setdefault(business_id, []).append(name)
    rows = []
    for pk, code, name, status in Business.objects.order_by("status", "code").values_list(
        "pk", "code", "name", "status"
    ):
        hints = []
        if old.get(pk):
            hints.append(_("曾用名: %(n)s") % {"n": "、".join(old[pk])})
        if status != BusinessStatus.ONLINE:
            hints.append(str(BusinessStatus.label(status)))
        rows.append(Choice(code=code, label=name, hint=" · ".join(hints), aliases=tuple(old.get(pk, ()))))
    return rows


# categories read, per (request type, business, catalog stamp): a few hundred rows and their index
_CATEGORY_CACHE: dict[tuple, tuple[list[Choice], PinyinIndex[Choice]]] = {}
_CATEGORY_CACHE_SIZE = 64


def _catalog_stamp() -> tuple:
    """What changes whenever the category tree an agent sees changes: a version published (new id,
    also on a rename), a business taken offline or brought online (the count and sum of ids of the
    current versions of online businesses). One aggregate query."""
    found = CategoryVersion.objects.filter(is_current=True, business__status=BusinessStatus.ONLINE).aggregate(
        top=Max("id"), count=Count("id"), total=Sum("id")
    )
    return (found["top"], found["count"], found["total"])


def _category_rows(business: str, request_type: str) -> tuple[list[Choice], PinyinIndex[Choice]]:
    key = (business, request_type, _catalog_stamp())
    cached = _CATEGORY_CACHE.get(key)
    if cached is None:
        rows = _read_categories(business=business, request_type=request_type)
        cached = (rows, _index([row for row in rows if row.selectable]))
        if len(_CATEGORY_CACHE) >= _CATEGORY_CACHE_SIZE:
            _CATEGORY_CACHE.clear()
        _CATEGORY_CACHE[key] = cached
    return cached


def forget_categories() -> None:
    """Drop the categories read so far (tests whose rolled-back versions come back with the same ids)."""
    _CATEGORY_CACHE.clear()


def _categories(user, *, business: str = "", request_type: str = "", **_ignored) -> list[Choice]:
    return _category_rows(business, request_type)[0]


def _read_categories(*, business: str = "", request_type: str = "") -> list[Choice]:
    """The current categories of online businesses as a tree: business › problem › detail. A
    business row groups its problems (not selectable); a problem with details is opened, not chosen
    (the order form takes a problem only when it has no details). One query."""
    nodes = CategoryNode.objects.filter(version__is_current=True, business__status=BusinessStatus.ONLINE)
    if request_type:
        nodes = nodes.filter(request_type=request_type)
    if business:
        nodes = nodes.filter(business__code=business)
    values = nodes.order_by("business__code", "depth", "position", "pk").values_list(
        "pk",
        "code",
        "name",
        "path_names",
        "parent_id",
        "request_type",
        "business__code",
        "version__business_name",
    )
    rows: list[dict] = []
    codes: dict[int, str] = {}
    children: dict[str, int] = {}
    businesses: dict[str, str] = {}
    for pk, code, name, path_names, parent_id, node_type, business_code, business_name in values:
        codes[pk] = code
        parent = codes.get(parent_id, "") if parent_id else f"business:{business_code}"
        children[parent] = children.get(parent, 0) + 1
        businesses.setdefault(business_code, business_name)
        names = [business_name, *path_names.split(" > ")]
        if not request_type:  # several request types: the path says which
            names.insert(0, str(RequestType.label(node_type)))
        rows.append(
            {"id": pk, "code": code, "label": name, "path": PATH_SEPARATOR.join(names), "parent": parent}
        )
    found = []
    if not business:
        found = [
            Choice(
                code=code,
                label=name,
                key=f"business:{code}",
                children=children.get(f"business:{code}", 0),
                selectable=False,
            )
            for code, name in businesses.items()
        ]
    for row in rows:
        count = children.get(row["code"], 0)
        parent = "" if business and row["parent"].startswith("business:") else row["parent"]
        found.append(
            Choice(
                code=row["code"],
                label=row["label"],
                path=row["path"],
                id=row["id"],
                key=row["code"],
                parent=parent,
                children=count,
                selectable=count == 0,
            )
        )
    return found


def _city_condition(user) -> Q | None:
    """Cities a user picks from: their province's (all of them for a national scope)."""
    found = scope.scope_of(user)
    if found.kind == "nothing":
        return Q(pk__in=[])
    if found.is_national or not found.province_id:
        return None
    return Q(province_id=found.province_id)


def _cities(user, **_ignored) -> list[Choice]:
    """Cities (their English names are searchable too), with their area code as the hint."""
    cities = City.objects.order_by("code")
    condition = _city_condition(user)
    if condition is not None:
        cities = cities.filter(condition)
    return [
        Choice(
            code=code, label=name, hint=_("区号 %(a)s") % {"a": area}, aliases=(name_en,) if name_en else ()
        )
        for code, name, name_en, area in cities.values_list("code", "name", "name_en", "area_code")
    ]


_DEPARTMENT_ORDER = {DepartmentKind.CENTRE: 0, DepartmentKind.CITY_TEAM: 1, DepartmentKind.RESPONSIBLE: 2}


def _department_rows(user) -> list[tuple[str, str, str]]:
    """(code, name, kind) of the active departments in the user's reach: national, all; a province,
    its own and those of no province (responsible departments); a city, its city's, its province's
    centre and those of no province."""
    found = scope.scope_of(user)
    departments = Department.objects.filter(active=True)
    if found.kind in ("nothing", ScopeKind.SP):
        return []
    if found.kind == ScopeKind.PROVINCE:
        departments = departments.filter(Q(province_id=found.province_id) | Q(province__isnull=True))
    elif found.kind == ScopeKind.CITY:
        departments = departments.filter(
            Q(city_id=found.city_id)
            | Q(province_id=found.province_id, city__isnull=True)
            | Q(province__isnull=True)
        )
    rows = list(departments.values_list("code", "name", "kind"))
    rows.sort(key=lambda row: (_DEPARTMENT_ORDER.get(row[2], 3), row[0]))
    return rows


def _departments(user, **_ignored) -> list[Choice]:
    return [
        Choice(code=code, label=name, hint=str(DepartmentKind.label(kind)))
        for code, name, kind in _department_rows(user)
    ]


def _holders(user, **_ignored) -> list[Choice]:
    """What an order can be sent to, in the user's scope: departments, agent groups, VIP account
    managers (WO-2, WO-7) — three queries."""
    found = [
        Choice(code=f"department:{code}", label=name, hint=str(DepartmentKind.label(kind)))
        for code, name, kind in _department_rows(user)
    ]
    groups = scope.restrict(AgentGroup.objects.order_by("-is_public", "code"), user)
    found += [
        Choice(code=f"group:{code}", label=name, hint=_("逻辑组"))
        for code, name in groups.values_list("code", "name")
    ]
    managers = scope.restrict(
        Staff.objects.filter(role=Role.VIP_MANAGER, is_active=True).order_by("job_number"), user
    )
    found += [
        Choice(
            code=f"staff:{job_number}",
            label=f"{name} ({job_number})",
            hint=str(Role.label(Role.VIP_MANAGER)),
            aliases=(name, job_number),
        )
        for job_number, name in managers.values_list("job_number", "name")
    ]
    return found


_ROWS = {
    "businesses": _businesses,
    "categories": _categories,
    "cities": _cities,
    "departments": _departments,
    "holders": _holders,
}


def _index(rows: list[Choice]) -> PinyinIndex[Choice]:
    def texts(row: Choice):
        found: list[str | tuple[str, float]] = [row.label, *row.aliases]
        # the names above a category (its business, its problem) each on its own: they repeat
        # across the catalog, so each is matched once per query (PinyinIndex.scored)
        found += [(name, PATH_WEIGHT) for name in row.path.split(PATH_SEPARATOR)[:-1]]
        if row.selectable and not row.path:  # a category's code (wlan-0012) is nothing one types
            found.append(row.code)
        return found

    return PinyinIndex((row, texts(row)) for row in rows)


def _rows(kind: str, user, filters: dict) -> list[Choice]:
    reader = _ROWS.get(kind)
    if reader is None:
        raise NotFoundError(
            _("没有这种选择器：%(k)s（可用：%(all)s）") % {"k": kind, "all": "、".join(KINDS)},
            code=PickerErrorCode.UNKNOWN_PICKER,
        )
    return reader(user, **filters)


def choices(
    kind: str,
    *,
    user,
    q: str = "",
    limit: int = DEFAULT_LIMIT,
    parent: str | None = None,
    code: str = "",
    **filters: str,
) -> list[Choice]:
    """A picker's rows for ``q``, best first. With no ``q`` a tree (categories) lists one level:
    the roots, or the children of ``parent``; a flat picker lists its rows in order. ``code`` asks
    for one row by its code (a form showing the label of a value it already has). ``filters``:
    ``business`` and ``request_type`` for categories."""
    filters = {k: v for k, v in filters.items() if v}
    limit = max(1, min(limit, MAX_LIMIT))
    if kind == "categories":  # cached with its index (see _category_rows)
        rows, index = _category_rows(filters.get("business", ""), filters.get("request_type", ""))
    else:
        rows = _rows(kind, user, filters)
        index = None
    if code:
        return [row for row in rows if row.code == code][:1]
    if q.strip():
        index = index or _index([r for r in rows if r.selectable])
        return index.search(q, limit)
    if kind == "categories":
        rows = [row for row in rows if row.parent == (parent or "")]
    return rows[:limit]


def _names_of(row: Choice) -> set[str]:
    names = {normalise(row.label), normalise(row.code), *(normalise(a) for a in row.aliases)}
    if row.code.partition(":")[1]:
        names.add(normalise(row.code.partition(":")[2]))
    return names


def resolve(kind: str, text: str, *, user, what: str = "", **filters: str) -> str:
    """The code for ``text`` typed where a code of ``kind`` is expected: the text itself when it
    has the shape of a code; else the one row whose name (or code, or an old name) it is; else the
    one row it matches by name or pinyin. A city's name, for holders, is that city's team
    (南京 → ``department:CITY-3201``). Refused with the candidates when several rows match
    (``name_ambiguous``) or none (``name_unknown``); ``what`` names the field in the message."""
    text = (text or "").strip()
    if not text or _CODE_SHAPES[kind].fullmatch(text):
        return text
    rows = [row for row in _rows(kind, user, {k: v for k, v in filters.items() if v}) if row.selectable]
    wanted = normalise(text)
    exact = [row for row in rows if wanted in _names_of(row)]
    if kind == "holders" and not exact:
        exact = _city_team(rows, text)
    found = exact or [row for row in _index(rows).search(text, CANDIDATES + 1)]
    what = what or str(_KIND_NAMES.get(kind, kind))
    if len(found) == 1:
        return found[0].code
    if not found:
        raise WorkOrderError(
            _("没有与「%(t)s」对应的%(w)s") % {"t": text, "w": what},
            code=PickerErrorCode.NAME_UNKNOWN,
            candidates=[],
        )
    shown = found[:CANDIDATES]
    # names for people (no raw codes in the message); the codes ride along in ``candidates``
    listed = "、".join(f"{row.label}（{row.hint}）" if row.hint else row.label for row in shown)
    raise WorkOrderError(
        _("「%(t)s」对应多个%(w)s：%(c)s，请选择其一") % {"t": text, "w": what, "c": listed},
        code=PickerErrorCode.NAME_AMBIGUOUS,
        candidates=[{"code": row.code, "label": row.label} for row in shown],
    )


def _city_team(rows: list[Choice], text: str) -> list[Choice]:
    """A city's name typed as a holder: its city team, when it is among the holders the user may
    send to (one query)."""
    teams = Department.objects.filter(kind=DepartmentKind.CITY_TEAM, active=True).filter(
        Q(city__name=text) | Q(city__name_en__iexact=text)
    )
    refs = {f"department:{code}" for code in teams.values_list("code", flat=True)}
    return [row for row in rows if row.code in refs]


_KIND_NAMES = {
    "businesses": gettext_lazy("业务"),
    "categories": gettext_lazy("服务请求分类"),
    "cities": gettext_lazy("地市"),
    "departments": gettext_lazy("部门"),
    "holders": gettext_lazy("持有方"),
}


def resolve_filters(filters: dict, *, user) -> dict:
    """The queue and list filters with names typed for business, category, city and holder turned
    into codes (:func:`resolve`); the first that cannot be resolved is refused."""
    resolved = dict(filters)
    for name, kind in (
        ("business", "businesses"),
        ("category", "categories"),
        ("city", "cities"),
        ("holder", "holders"),
    ):
        if resolved.get(name):
            resolved[name] = resolve(kind, str(resolved[name]), user=user)
    return resolved
