"""Writes on the business catalog (SR-3). Every write is one transaction with one audit event; a
refused write raises :class:`~kefu.core.errors.DomainError` with a code from
:class:`~kefu.catalog.errors.CatalogErrorCode` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from kefu.catalog.choices import BusinessKind, BusinessStatus, CategoryLevel
from kefu.catalog.errors import CatalogErrorCode
from kefu.catalog.models import PATH_SEPARATOR, Business, BusinessName, CategoryNode, CategoryVersion
from kefu.catalog.reference import node_code
from kefu.catalog.signals import business_renamed, business_taken_offline
from kefu.core import audit
from kefu.core.choices import RequestType
from kefu.core.errors import ConflictError, DomainError

# Business codes are lowercase snake case (``wireless_music``): other apps refer to them by code.
BUSINESS_CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,31}")


def _today() -> dt.date:
    return timezone.localdate()


def _job_number(actor) -> str:
    return actor.job_number if actor is not None and getattr(actor, "is_authenticated", False) else ""


def _locked(business: Business) -> Business:
    # Two administrators revising or renaming the same business at once would both read the same
    # current version and publish two "current" versions; the row lock makes the second one wait.
    return Business.objects.select_for_update().get(pk=business.pk)


def _check_name_free(name: str, *, exclude_pk: int | None = None) -> None:
    taken = Business.objects.filter(name=name).exclude(pk=exclude_pk).first()
    if taken is not None:
        raise ConflictError(
            f"another business ({taken.code}) is already called {name!r}",
            code=CatalogErrorCode.BUSINESS_NAME_TAKEN,
        )


@transaction.atomic
def business_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    online_since: dt.date | None = None,
    second_line: str = "",
    capability_queries: bool = False,
    description: str = "",
) -> Business:
    """Create an online business with its first name and an empty first category version."""
    code = code.strip().lower()
    name = name.strip()
    if not name or not BUSINESS_CODE.fullmatch(code):
        raise DomainError(
            "a business needs a name and a code of lowercase letters, digits and underscores",
            code=CatalogErrorCode.BUSINESS_INVALID,
        )
    if kind not in BusinessKind:
        raise DomainError(
            f"unknown business kind {kind!r}; choose one of: {', '.join(BusinessKind.values())}",
            code=CatalogErrorCode.BUSINESS_INVALID,
        )
    if Business.objects.filter(code=code).exists():
        raise ConflictError(f"business code {code} already exists", code=CatalogErrorCode.BUSINESS_CODE_TAKEN)
    _check_name_free(name)
    since = online_since or _today()
    business = Business.objects.create(
        code=code,
        name=name,
        kind=kind,
        status=BusinessStatus.ONLINE,
        online_since=since,
        second_line=second_line,
        capability_queries=capability_queries,
        description=description,
    )
    BusinessName.objects.create(business=business, name=name, valid_from=since)
    CategoryVersion.objects.create(
        business=business,
        number=1,
        business_name=name,
        is_current=True,
        published_by=_job_number(actor),
        note="初始版本",
    )
    audit.record(
        actor=actor,
        action="catalog.business.create",
        obj=business,
        changes={"code": code, "name": name, "kind": kind, "online_since": since.isoformat()},
    )
    return business


@transaction.atomic
def business_rename(
    *, actor, business: Business, new_name: str, effective_on: dt.date | None = None
) -> Business:
    """Rename a business: the old name stays as history and the category set is republished under
    the new name, so records on the old version keep showing the old path."""
    business = _locked(business)
    new_name = new_name.strip()
    if not new_name:
        raise DomainError("the new name is empty", code=CatalogErrorCode.BUSINESS_INVALID)
    if new_name == business.name:
        raise DomainError(
            f"{business.code} is already called {new_name!r}", code=CatalogErrorCode.BUSINESS_NAME_UNCHANGED
        )
    _check_name_free(new_name, exclude_pk=business.pk)
    effective_on = effective_on or _today()
    current = business.names.filter(valid_until__isnull=True).first()
    if current is not None:
        if effective_on < current.valid_from:
            raise DomainError(
                f"the rename cannot take effect before the current name did ({current.valid_from})",
                code=CatalogErrorCode.EFFECTIVE_DATE_BEFORE_HISTORY,
            )
        current.valid_until = effective_on
        current.save(update_fields=["valid_until"])
    old_name = business.name
    BusinessName.objects.create(business=business, name=new_name, valid_from=effective_on)
    business.name = new_name
    business.save(update_fields=["name"])
    version = _publish(
        actor=actor, business=business, note=f"业务更名: {old_name} → {new_name}", changes=_Changes()
    )
    audit.record(
        actor=actor,
        action="catalog.business.rename",
        obj=business,
        changes={
            "name": {"from": old_name, "to": new_name},
            "effective_on": effective_on.isoformat(),
            "category_version": version.number,
        },
    )
    business_renamed.send(
        sender=Business,
        business=business,
        actor=actor,
        old_name=old_name,
        new_name=new_name,
        effective_on=effective_on,
    )
    return business


@transaction.atomic
def business_take_offline(
    *, actor, business: Business, effective_on: dt.date | None = None, reason: str = ""
) -> Business:
    """Take a business offline. Its categories and names stay, so old records keep resolving."""
    business = _locked(business)
    if not business.can_take_offline():
        raise DomainError(
            f"{business.code} is already offline (since {business.offline_since})",
            code=CatalogErrorCode.BUSINESS_ALREADY_OFFLINE,
        )
    effective_on = effective_on or _today()
    if business.online_since and effective_on < business.online_since:
        raise DomainError(
            f"cannot go offline before it came online ({business.online_since})",
            code=CatalogErrorCode.EFFECTIVE_DATE_BEFORE_HISTORY,
        )
    business.status = BusinessStatus.OFFLINE
    business.offline_since = effective_on
    business.save(update_fields=["status", "offline_since"])
    audit.record(
        actor=actor,
        action="catalog.business.take_offline",
        obj=business,
        changes={
            "status": {"from": "online", "to": "offline"},
            "effective_on": effective_on.isoformat(),
            "reason": reason,
        },
    )
    business_taken_offline.send(
        sender=Business, business=business, actor=actor, effective_on=effective_on, reason=reason
    )
    return business


@transaction.atomic
def business_bring_online(
    *, actor, business: Business, effective_on: dt.date | None = None, reason: str = ""
) -> Business:
    """Bring an offline business back online."""
    business = _locked(business)
    if not business.can_bring_online():
        raise DomainError(f"{business.code} is already online", code=CatalogErrorCode.BUSINESS_ALREADY_ONLINE)
    effective_on = effective_on or _today()
    if business.offline_since and effective_on < business.offline_since:
        raise DomainError(
            f"cannot come back online before it went offline ({business.offline_since})",
            code=CatalogErrorCode.EFFECTIVE_DATE_BEFORE_HISTORY,
        )
    was_offline_since = business.offline_since
    business.status = BusinessStatus.ONLINE
    business.online_since = effective_on
    business.offline_since = None
    business.save(update_fields=["status", "online_since", "offline_since"])
    audit.record(
        actor=actor,
        action="catalog.business.bring_online",
        obj=business,
        changes={
            "status": {"from": "offline", "to": "online"},
            "effective_on": effective_on.isoformat(),
            "was_offline_since": was_offline_since.isoformat() if was_offline_since else None,
            "reason": reason,
        },
    )
    return business


class _Changes:
    """A revision's changes, validated against the current version before anything is written."""

    def __init__(self, add=(), rename=None, remove=()):
        self.add = list(add or [])
        self.rename = dict(rename or {})
        self.remove = list(remove or [])

    def __bool__(self) -> bool:
        return bool(self.add or self.rename or self.remove)


@transaction.atomic
def category_tree_revise(
    *,
    actor,
    business: Business,
    add: Iterable[Mapping] = (),
    rename: Mapping[str, str] | None = None,
    remove: Iterable[str] = (),
    note: str = "",
) -> CategoryVersion:
    """Publish a new version of a business's request-category set (SR-3).

    The current nodes are copied into a new version (keeping their codes), then:

    * ``add``: items ``{"request_type": ..., "name": ..., "parent": <code or None>, "children": [names]}``
      (a problem with optional details, or with ``parent`` a detail under an existing problem);
    * ``rename``: ``{code: new name}``;
    * ``remove``: codes; a removed problem takes its details with it.

    The old version stays as it was, so anything holding one of its nodes keeps its name and path.
    """
    changes = _Changes(add, rename, remove)
    if not changes:
        raise DomainError(
            "a revision needs at least one change", code=CatalogErrorCode.CATEGORY_REVISION_EMPTY
        )
    business = _locked(business)
    version = _publish(actor=actor, business=business, note=note or "服务请求分类调整", changes=changes)
    audit.record(
        actor=actor,
        action="catalog.category.revise",
        obj=business,
        changes={
            "version": version.number,
            "add": [dict(item) for item in changes.add],
            "rename": changes.rename,
            "remove": changes.remove,
            "note": note,
        },
    )
    return version


def _publish(*, actor, business: Business, note: str, changes: _Changes) -> CategoryVersion:
    """Copy the current version's nodes into a new current version with ``changes`` applied.

    Must run inside a transaction holding the business row lock.
    """
    current = CategoryVersion.objects.filter(business=business, is_current=True).first()
    old_nodes = list(current.nodes.order_by("depth", "position", "id")) if current else []
    by_code = {node.code: node for node in old_nodes}
    code_of = {node.pk: node.code for node in old_nodes}

    for code in [*changes.remove, *changes.rename]:
        if code not in by_code:
            raise DomainError(
                f"{business.code} has no category {code!r} in its current version",
                code=CatalogErrorCode.CATEGORY_UNKNOWN,
            )
    removed = set(changes.remove)
    removed |= {node.code for node in old_nodes if code_of.get(node.parent_id) in removed}

    # The new tree as plain rows: code -> [request_type, parent code, name, depth, position].
    rows: dict[str, list] = {}
    for node in old_nodes:
        if node.code in removed:
            continue
        parent_code = code_of.get(node.parent_id)
        name = node.name
        if node.code in changes.rename:
            name = str(changes.rename[node.code]).strip()
            if not name:
                raise DomainError(f"empty name for {node.code}", code=CatalogErrorCode.CATEGORY_INVALID)
            if name == node.name:
                raise DomainError(
                    f"{node.code} is already called {name!r}", code=CatalogErrorCode.CATEGORY_NAME_UNCHANGED
                )
        rows[node.code] = [node.request_type, parent_code, name, node.depth, node.position]

    seq = business.node_seq
    next_position = max((row[4] for row in rows.values()), default=-1) + 1
    for item in changes.add:
        request_type = item.get("request_type")
        name = str(item.get("name") or "").strip()
        parent_code = item.get("parent") or None
        if parent_code is not None:
            if parent_code not in rows:
                raise DomainError(
                    f"parent {parent_code!r} is not in the revised tree of {business.code}",
                    code=CatalogErrorCode.CATEGORY_UNKNOWN,
                )
            parent_row = rows[parent_code]
            if request_type and request_type != parent_row[0]:
                raise DomainError(
                    f"{name!r} cannot sit under a category of another request type",
                    code=CatalogErrorCode.CATEGORY_INVALID,
                )
            request_type = parent_row[0]
            depth = parent_row[3] + 1
        else:
            depth = CategoryLevel.PROBLEM
        if request_type not in RequestType:
            raise DomainError(
                f"unknown request type {request_type!r}; choose one of: {', '.join(RequestType.values())}",
                code=CatalogErrorCode.CATEGORY_INVALID,
            )
        if not name:
            raise DomainError("a new category needs a name", code=CatalogErrorCode.CATEGORY_INVALID)
        children = [str(child).strip() for child in item.get("children") or []]
        if depth > CategoryLevel.MAX_DEPTH or (children and depth >= CategoryLevel.MAX_DEPTH):
            raise DomainError(
                "request categories go problem → detail, no deeper", code=CatalogErrorCode.CATEGORY_TOO_DEEP
            )
        seq += 1
        code = node_code(business.code, seq)
        rows[code] = [request_type, parent_code, name, depth, next_position]
        next_position += 1
        for child in children:
            if not child:
                raise DomainError("a new category needs a name", code=CatalogErrorCode.CATEGORY_INVALID)
            seq += 1
            rows[node_code(business.code, seq)] = [request_type, code, child, depth + 1, next_position]
            next_position += 1

    siblings: set[tuple] = set()
    for request_type, parent_code, name, _depth, _position in rows.values():
        key = (request_type, parent_code, name)
        if key in siblings:
            raise DomainError(
                f"two categories named {name!r} under the same parent",
                code=CatalogErrorCode.CATEGORY_DUPLICATE_NAME,
            )
        siblings.add(key)

    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version = CategoryVersion.objects.create(
        business=business,
        number=(current.number + 1) if current else 1,
        business_name=business.name,
        is_current=True,
        published_by=_job_number(actor),
        note=note[:200],
    )
    created: dict[str, CategoryNode] = {}
    for depth in range(1, CategoryLevel.MAX_DEPTH + 1):
        batch = []
        for code, (request_type, parent_code, name, row_depth, position) in rows.items():
            if row_depth != depth:
                continue
            parent = created[parent_code] if parent_code else None
            batch.append(
                CategoryNode(
                    version=version,
                    business=business,
                    request_type=request_type,
                    parent=parent,
                    code=code,
                    name=name,
                    depth=depth,
                    position=position,
                    path_names=f"{parent.path_names}{PATH_SEPARATOR}{name}" if parent else name,
                )
            )
        for node in CategoryNode.objects.bulk_create(batch):
            created[node.code] = node
    if seq != business.node_seq:
        business.node_seq = seq
        business.save(update_fields=["node_seq"])
    return version
