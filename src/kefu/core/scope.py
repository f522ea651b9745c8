"""Data scope in one place (SYS-1): every read and every write, API and UI, goes through here.

Each model declares ``scope_fields``:

* ``None`` — reference data (provinces, the business catalog): readable by everyone; writes are an
  administrator's matter, checked by permissions, not by scope;
* a dict mapping ``"province"``, ``"city"`` and/or ``"sp"`` to the lookup that holds, on that model,
  the province id, city id or SP code the row belongs to.

A model without ``scope_fields`` cannot be restricted, and ``restrict`` refuses it loudly, so a new
model cannot slip out of scope by being forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from kefu.core.choices import Role, ScopeKind

# SVC-1: a customer of another city of the same province is served in any hall of the province. These
# roles serve walk-ins across their province's cities; what lies outside their data scope but inside
# this serving scope opens only once the customer has authenticated (the caller checks the grant).
WALK_IN_ROLES = (Role.HALL_STAFF, Role.VIP_MANAGER)

# SVC-1: whether the customer behind a line has authenticated to a member of staff (a valid grant).
# identity (layer 3) fills it in its ``ready``; core cannot import it. Empty: no walk-in is served.
_walk_in_checks: list[Callable[[object, Model], bool]] = []


def register_walk_in_check(check: Callable[[object, Model], bool]) -> None:
    """Register ``check(user, subscriber)``: True when the customer has authenticated to ``user``."""
    if check not in _walk_in_checks:
        _walk_in_checks.append(check)


@dataclass(frozen=True)
class Scope:
    kind: str
    province_id: int | None = None
    city_id: int | None = None
    sp_code: str = ""

    @property
    def is_national(self) -> bool:
        return self.kind == ScopeKind.NATIONAL


NOTHING = Scope(kind="nothing")


def scope_of(user) -> Scope:
    """The data scope of a user; anonymous or inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.role == Role.PIN_PAD:
        # a keypad in the customer's hands reads no one's data; identity finds its requests by pairing
        return NOTHING
    kind = user.scope_kind
    return Scope(kind=kind, province_id=user.province_id, city_id=user.city_id, sp_code=user.sp_code)


def serving_scope_of(user) -> Scope:
    """The scope in which ``user`` may serve a customer who is present (SVC-1 walk-ins): the data scope,
    widened from the city to the whole province for hall and VIP staff. Everyone else: the data scope."""
    data = scope_of(user)
    if data.kind == ScopeKind.CITY and getattr(user, "role", "") in WALK_IN_ROLES:
        return Scope(kind=ScopeKind.PROVINCE, province_id=data.province_id)
    return data


def _rules(model: type[Model]) -> dict[str, str] | None:
    if not hasattr(model, "scope_fields"):
        raise ImproperlyConfigured(f"{model.__name__} declares no scope_fields; see kefu.core.scope")
    return model.scope_fields


def scope_filter(model: type[Model], scope: Scope) -> Q | None:
    """The condition a row of ``model`` must meet to be inside ``scope`` (None: no condition)."""
    rules = _rules(model)
    if rules is None or scope.is_national:
        return None
    if scope is NOTHING or scope.kind == "nothing":
        return Q(pk__in=[])
    if scope.kind == ScopeKind.SP:
        lookup = rules.get("sp")
        return Q(**{lookup: scope.sp_code}) if lookup else Q(pk__in=[])
    if scope.kind == ScopeKind.CITY:
        if "city" in rules:
            return Q(**{rules["city"]: scope.city_id})
        # a model that only knows provinces is out of a city user's reach unless it is reference data
        return Q(pk__in=[])
    if scope.kind == ScopeKind.PROVINCE:
        if "province" in rules:
            return Q(**{rules["province"]: scope.province_id})
        return Q(pk__in=[])
    return Q(pk__in=[])


def restrict(queryset: QuerySet, user) -> QuerySet:
    """Limit ``queryset`` to the rows ``user`` may read or change."""
    condition = scope_filter(queryset.model, scope_of(user))
    return queryset if condition is None else queryset.filter(condition)


def restrict_serving(queryset: QuerySet, user) -> QuerySet:
    """Limit ``queryset`` to the rows ``user`` may serve face to face (:func:`serving_scope_of`). Rows
    outside :func:`restrict` but inside this are walk-ins: shown only after authentication."""
    condition = scope_filter(queryset.model, serving_scope_of(user))
    return queryset if condition is None else queryset.filter(condition)


def _admits_in(obj: Model, scope: Scope) -> bool:
    rules = _rules(type(obj))
    if rules is None or scope.is_national:
        return True
    key = {ScopeKind.SP: "sp", ScopeKind.CITY: "city", ScopeKind.PROVINCE: "province"}.get(scope.kind)
    lookup = rules.get(key) if key else None
    if lookup is None:
        return False
    if "__" in lookup:
        raise ImproperlyConfigured(f"{type(obj).__name__}: scope lookup {lookup!r} is not a field of its own")
    wanted = {"sp": scope.sp_code, "city": scope.city_id, "province": scope.province_id}[key]
    return getattr(obj, lookup) == wanted


def admits(obj: Model, user) -> bool:
    """Whether ``obj``, already loaded, lies inside the user's scope — the rule of ``scope_filter``
    read off the object's own fields, without a query. Only for models whose scope lookups are
    plain fields of their own (``home_province_id``); others raise, use ``in_scope`` there."""
    return _admits_in(obj, scope_of(user))


def is_walk_in(subscriber: Model, user) -> bool:
    """Whether ``subscriber`` (loaded) is a walk-in for ``user``: outside the data scope, inside the
    serving scope (SVC-1). Says nothing about authentication: see :func:`may_serve`."""
    return not admits(subscriber, user) and _admits_in(subscriber, serving_scope_of(user))


def may_serve(subscriber: Model, user) -> bool:
    """SVC-1's one rule for acting on a customer's line: inside the user's data scope, or a walk-in
    (:func:`is_walk_in`) who has authenticated to this user (a valid grant, checked by what identity
    registered). Without the grant a walk-in is refused; outside the serving scope, always."""
    if admits(subscriber, user):
        return True
    return is_walk_in(subscriber, user) and any(check(user, subscriber) for check in _walk_in_checks)


def in_scope(obj: Model, user) -> bool:
    """Whether one object lies inside the user's scope (for writes that target an object)."""
    condition = scope_filter(type(obj), scope_of(user))
    if condition is None:
        return True
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()


def may_write_to(user, *, province_id: int | None, city_id: int | None = None, sp_code: str = "") -> bool:
    """Whether ``user`` may create data belonging to this province/city/SP."""
    scope = scope_of(user)
    if scope.is_national:
        return True
    if scope.kind == ScopeKind.SP:
        return bool(sp_code) and sp_code == scope.sp_code
    if scope.kind == ScopeKind.CITY:
        return city_id is not None and city_id == scope.city_id
    if scope.kind == ScopeKind.PROVINCE:
        return province_id is not None and province_id == scope.province_id
    return False
