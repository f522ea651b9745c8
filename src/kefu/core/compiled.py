"""The ORM's SQL, compiled once per connection, for the few statements every work-order action runs.

Turning a queryset or a model save into SQL costs the web tier more CPU than PostgreSQL spends
running the statement (about a fifth of a work-order action's Python time went to compiling the
same locked read again and again). Here the SQL is compiled by Django, with Django's own rules, the
first time a connection needs it; later calls only swap the parameters. Rows still become model
instances through Django's own iterable (converters, ``select_related`` populators), and inserts
still send ``pre_save``/``post_save``.

Each statement runs on the database the router names for its model, as the ORM would: reads on
``router.db_for_read`` (a locking read on ``db_for_write``, like ``select_for_update``), inserts and
updates on ``router.db_for_write``; the compiled SQL is kept per connection and alias.

Kept where docs/benchmarks.md shows the need: the engine's write path (locked read, order update,
event and outbox inserts), audit rows, and the accept's lookups (time limits, subscriber, category,
flows, holders, idempotency key). Elsewhere the plain ORM is the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DatabaseError, connections, router
from django.db.models import Model
from django.db.models.query import ModelIterable
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError

# Stand-ins for the values while Django compiles: numbers no caller sends, which survive the fields'
# own preparation (an integer field keeps them, a text field turns them into their digits).
_MARKER_BASE = -7_312_000_000_000


def _cache(connection) -> dict:
    """The plans compiled for ``connection``, one table per alias it serves."""
    caches = getattr(connection, "_kefu_compiled", None)
    if caches is None:
        caches = connection._kefu_compiled = {}
    return caches.setdefault(connection.alias, {})


def _remember_converters(compiler) -> None:
    """Django works out the converters of every selected column again on each run of a query (a
    tenth of the accept's Python time went to ``get_converters``); a compiled query selects the same
    columns every time, so the first answer stands for the later runs."""
    original = compiler.get_converters
    memo: dict[tuple[int, ...], tuple[tuple, dict]] = {}  # the expressions are kept: their ids stay theirs

    def get_converters(expressions):
        key = tuple(id(expression) for expression in expressions)
        found = memo.get(key)
        if found is None:
            if len(memo) >= 4:  # not expected: the compiled query's select does not change
                memo.clear()
            found = memo[key] = (tuple(expressions), original(expressions))
        return found[1]

    compiler.get_converters = get_converters


class CompiledQuery:
    """``build(*values)`` → a queryset; ``fetch(*values)`` runs it as compiled the first time.

    The queryset must keep the same shape whatever the values (each value only ever lands in
    parameters of its own). A locking read (``select_for_update``) still refuses to run outside a
    transaction.
    """

    def __init__(self, build: Callable[..., Any], arity: int = 1):
        self.build = build
        self.arity = arity
        self._shape: tuple[type[Model], bool] | None = None

    def alias(self) -> str:
        """The database this statement runs on: the router's choice for its model (the primary, for
        a locking read)."""
        if self._shape is None:
            query = self.build(*(_MARKER_BASE - n for n in range(self.arity))).query
            self._shape = (query.model, bool(query.select_for_update))
        model, locking = self._shape
        return router.db_for_write(model) if locking else router.db_for_read(model)

    def _plan(self, connection):
        cache = _cache(connection)
        plan = cache.get(self)
        if plan is None:
            markers = [_MARKER_BASE - n for n in range(self.arity)]
            queryset = self.build(*markers).using(connection.alias)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = {i: n for i, p in enumerate(params) for n, m in enumerate(markers) if str(p) == str(m)}
            if len(set(slots.values())) != self.arity:
                raise ValueError("a value of a compiled query did not land in a parameter of its own")
            queryset.query.get_compiler = lambda *args, **kwargs: compiler
            _remember_converters(compiler)
            plan = cache[self] = (queryset, compiler, sql, list(params), slots)
        return plan

    def fetch(self, *values) -> list[Model]:
        connection = connections[self.alias()]
        queryset, compiler, sql, params, slots = self._plan(connection)
        if queryset.query.select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        bound = list(params)
        for i, n in slots.items():
            bound[i] = values[n]
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(bound))
        return list(ModelIterable(queryset))

    def first(self, *values) -> Model | None:
        found = self.fetch(*values)
        return found[0] if found else None


def insert_all(objs: Sequence[Model]) -> None:
    """:func:`insert` for several new rows that do not refer to one another, in one round trip on
    PostgreSQL: one statement of data-modifying CTEs (``WITH r0 AS (INSERT … RETURNING id), …``),
    compiled once per connection for each sequence of models; elsewhere one :func:`insert` after
    the other. Every ``pre_save`` is sent before the statement and every ``post_save`` after it.
    The rows are written in one statement of the caller's transaction: all of them or none. Rows the
    router sends to different databases are inserted one by one, each on its own."""
    aliases = {router.db_for_write(type(obj), instance=obj) for obj in objs}
    alias = next(iter(aliases), None)
    connection = connections[alias] if alias is not None else None
    if len(aliases) != 1 or connection.vendor != "postgresql" or len(objs) < 2:
        for obj in objs:
            insert(obj)
        return
    models = tuple(type(obj) for obj in objs)
    cache = _cache(connection)
    plan = cache.get(("insert_all", models))
    if plan is None:
        quote = connection.ops.quote_name
        parts, all_fields = [], []
        for n, model in enumerate(models):
            meta = model._meta
            fields = [f for f in meta.concrete_fields if not f.primary_key]
            parts.append(
                "r{} AS (INSERT INTO {} ({}) VALUES ({}) RETURNING {} AS pk)".format(
                    n,
                    quote(meta.db_table),
                    ", ".join(quote(f.column) for f in fields),
                    ", ".join("%s" for _ in fields),
                    quote(meta.pk.column),
                )
            )
            all_fields.append(fields)
        sql = "WITH {} SELECT {}".format(
            ", ".join(parts), ", ".join(f"(SELECT pk FROM r{n})" for n in range(len(models)))
        )
        plan = cache[("insert_all", models)] = (all_fields, sql)
    all_fields, sql = plan
    for obj in objs:
        if pre_save.has_listeners(type(obj)):
            pre_save.send(sender=type(obj), instance=obj, raw=False, using=alias, update_fields=None)
    params = [
        f.get_db_prep_save(f.pre_save(obj, True), connection)
        for obj, fields in zip(objs, all_fields, strict=True)
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchone()
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
    for obj in objs:
        if post_save.has_listeners(type(obj)):
            post_save.send(
                sender=type(obj),
                instance=obj,
                created=True,
                update_fields=None,
                raw=False,
                using=alias,
            )


def insert(obj: Model) -> Model:
    """``INSERT`` one new row for ``obj`` (every concrete field, defaults and ``auto_now_add``
    applied as ``save()`` would) and set its primary key. Sends ``pre_save`` and ``post_save``; does
    not call the model's own ``save()`` — use it only for models whose ``save()`` adds nothing to an
    insert (the append-only guards of events and audit records only refuse updates), and only for
    related objects that already have their keys (``save()`` would refresh a ``*_id`` from them)."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    meta = model._meta
    cache = _cache(connection)
    plan = cache.get(model)
    if plan is None:
        quote = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join("%s" for _ in fields),
            quote(meta.pk.column),
        )
        plan = cache[model] = (fields, sql)
    fields, sql = plan
    if pre_save.has_listeners(model):
        pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = alias
    if post_save.has_listeners(model):
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias)
    return obj


def update(obj: Model, fields: list[str]) -> None:
    """``UPDATE`` the named fields (attribute names) of ``obj``'s row, ``auto_now`` applied as
    ``save(update_fields=…)`` would. Sends ``pre_save`` and ``post_save``; does not call the
    model's own ``save()``."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    meta = model._meta
    key = (model, tuple(fields))
    cache = _cache(connection)
    plan = cache.get(key)
    if plan is None:
        quote = connection.ops.quote_name
        targets = [meta.get_field(name) for name in fields]
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in targets), quote(meta.pk.column)
        )
        plan = cache[key] = (targets, sql)
    targets, sql = plan
    frozen = frozenset(fields)
    if pre_save.has_listeners(model):
        pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=frozen)
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in targets]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{meta.label} {obj.pk}: the update changed {cursor.rowcount} rows, not one")
    if post_save.has_listeners(model):
        post_save.send(
            sender=model, instance=obj, created=False, update_fields=frozen, raw=False, using=alias
        )
