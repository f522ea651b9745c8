"""Request-category nodes by id, read once per process.

A :class:`~kefu.catalog.models.CategoryNode` is immutable (a revision writes new nodes in a new
version), and so are its parent and its business's ``code``: what was read once stays true, so the
work-order accept does not send a query for its category on every call. Only the immutable values
are kept; every call builds new instances from them, so no request sees another's objects, and the
mutable rows (the business's name and status, the version's ``is_current``) are read from the
database when someone asks for them.
"""

from __future__ import annotations

from kefu.catalog.models import Business, CategoryNode

_LIMIT = 50_000  # far more nodes than the catalog holds; a safety bound, not a working size
_rows: dict[int, tuple] = {}


def _values(node: CategoryNode) -> tuple:
    return tuple(getattr(node, f.attname) for f in CategoryNode._meta.concrete_fields)


def _names() -> list[str]:
    return [f.attname for f in CategoryNode._meta.concrete_fields]


def node(pk: int) -> CategoryNode | None:
    """The node with id ``pk``, its ``parent`` and its ``business`` (id and code only; its other
    fields load when read) attached; None when there is none (not remembered: it may be created)."""
    rows = _rows.get(pk)
    if rows is None:
        found = CategoryNode.objects.select_related("parent", "business").filter(pk=pk).first()
        if found is None:
            return None
        parent = _values(found.parent) if found.parent_id is not None else None
        rows = (_values(found), parent, found.business.code, found._state.db)
        if len(_rows) >= _LIMIT:
            _rows.clear()
        _rows[pk] = rows
    values, parent_values, business_code, alias = rows  # the database the router read them from
    names = _names()
    result = CategoryNode.from_db(alias, names, values)
    result.business = Business.from_db(alias, ["id", "code"], [result.business_id, business_code])
    if parent_values is not None:
        result.parent = CategoryNode.from_db(alias, names, parent_values)
    return result


def forget_nodes() -> None:
    """Drop the nodes read so far (tests whose rolled-back rows may come back with the same id)."""
    _rows.clear()
