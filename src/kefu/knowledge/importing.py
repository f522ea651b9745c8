"""Loading articles from JSON Lines (``kefu knowledge import FILE``), issue 13 item 6.

One object per line: ``code``, ``title``, ``body`` required; optional ``business`` (a business code
or any of its names, old ones too), ``kind``, ``audience`` (default ``both``), ``status`` (default
``published``), ``tags``, ``levels``, ``valid_from``/``valid_until`` (ISO dates), ``note``.

:func:`validate` reads every line first and reports every bad one (``line N: field: message``);
:func:`import_articles` writes only when none is bad, all in one transaction, with the same meaning as
:func:`kefu.knowledge.services.save_article` — a code that exists gets a new version, every version
is kept — but in bulk: the articles, their versions and the index are written a batch at a time,
and one audit event records the import.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from kefu.core import audit
from kefu.core.choices import CustomerLevel
from kefu.knowledge import search
from kefu.knowledge.choices import ArticleKind, Audience, Status
from kefu.knowledge.models import Article, ArticleVersion
from kefu.knowledge.text import plain_text, sanitise

KNOWN = {"code", "title", "body", "business", "kind", "audience", "status", "tags", "levels", "valid_from"}
KNOWN |= {"valid_until", "note"}
BATCH = 2000


@dataclass
class Checked:
    items: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: field: message"


def business_lookup() -> dict[str, int]:
    """Every way a business may be named in a file: its code, its name and every old name."""
    from kefu.catalog.models import Business, BusinessName

    lookup: dict[str, int] = {}
    for business_id, name in BusinessName.objects.values_list("business_id", "name"):
        lookup[name.strip()] = business_id
    for business_id, code, name in Business.objects.values_list("id", "code", "name"):
        lookup[name.strip()] = business_id
        lookup[code] = business_id
    return lookup


def _text(obj, name, errors, *, limit: int | None = None, required: bool = False):
    value = obj.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append((name, "required"))
        return None
    if not isinstance(value, str):
        errors.append((name, "must be a string"))
        return None
    value = value.strip()
    if limit and len(value) > limit:
        errors.append((name, f"longer than {limit} characters"))
        return None
    return value


def _date(obj, name, errors):
    value = obj.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append((name, "not an ISO date (YYYY-MM-DD)"))
        return None


def _words(obj, name, errors, *, allowed=None) -> list[str]:
    value = obj.get(name)
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append((name, "must be a list of strings"))
        return []
    value = [v.strip() for v in value]
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            errors.append((name, f"unknown value {bad[0]!r}; choose from: {', '.join(sorted(allowed))}"))
            return []
    return list(dict.fromkeys(value))


def _choice(obj, name, errors, choices, default):
    value = obj.get(name)
    if value in (None, ""):
        return default
    if value not in choices.values():
        errors.append((name, f"unknown value {value!r}; choose from: {', '.join(choices.values())}"))
        return None
    return value


def validate(lines) -> Checked:
    """Check every line; the good ones become items ready for :func:`import_articles`."""
    checked = Checked()
    businesses = business_lookup()
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        errors: list[tuple[str, str]] = []
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            checked.errors.append(f"line {number}: json: malformed ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            checked.errors.append(f"line {number}: json: not an object")
            continue
        for name in sorted(set(obj) - KNOWN):
            errors.append((name, "unknown field"))
        code = _text(obj, "code", errors, limit=40, required=True)
        if code is not None:
            if code in seen:
                errors.append(("code", f"already on line {seen[code]}"))
            else:
                seen[code] = number
        item = {
            "code": code,
            "title": _text(obj, "title", errors, limit=200, required=True),
            "body": _text(obj, "body", errors, required=True),
            "kind": _choice(obj, "kind", errors, ArticleKind, ArticleKind.USAGE),
            "audience": _choice(obj, "audience", errors, Audience, Audience.BOTH),
            "status": _choice(obj, "status", errors, Status, Status.PUBLISHED),
            "tags": _words(obj, "tags", errors),
            "levels": _words(obj, "levels", errors, allowed=set(CustomerLevel.values())),
            "valid_from": _date(obj, "valid_from", errors),
            "valid_until": _date(obj, "valid_until", errors),
            "note": _text(obj, "note", errors, limit=200) or "",
            "business_id": None,
        }
        business = _text(obj, "business", errors, limit=60)
        if business is not None:
            item["business_id"] = businesses.get(business) or businesses.get(business.lower())
            if item["business_id"] is None:
                errors.append(("business", f"unknown business {business!r} (neither a code nor any name)"))
        if item["valid_from"] and item["valid_until"] and item["valid_until"] < item["valid_from"]:
            errors.append(("valid_until", "before valid_from"))
        if errors:
            checked.errors.extend(f"line {number}: {name}: {message}" for name, message in errors)
        else:
            checked.items.append(item)
    return checked


def _write_versions(rows, codes: dict[int, str], actor, now) -> None:
    """The versions of a batch in one ``executemany`` (the ORM's bulk insert spends more time preparing
    values than the database spends writing them); the same columns :func:`services._snapshot` writes."""
    ops = connection.ops
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    table = ArticleVersion._meta.db_table
    sql = (
        f"INSERT INTO {table} (article_id, number, title, body, kind, audience, business_code, levels, tags, "
        f"valid_from, valid_until, note, author_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s{json_cast}, "
        f"%s{json_cast}, %s, %s, %s, %s, %s)"
    )
    at = ops.adapt_datetimefield_value(now)
    author = actor.pk if actor is not None else None
    values = [
        (
            a.pk,
            a.version,
            a.title,
            a.body,
            a.kind,
            a.audience,
            codes.get(a.business_id, ""),
            json.dumps(list(a.levels), ensure_ascii=False),
            json.dumps(list(a.tags), ensure_ascii=False),
            ops.adapt_datefield_value(a.valid_from),
            ops.adapt_datefield_value(a.valid_until),
            note,
            author,
            at,
        )
        for a, note in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


@dataclass(frozen=True)
class Imported:
    created: int
    revised: int
    indexed: int


CONTENT = ("title", "body", "kind", "audience", "business_id", "levels", "tags", "valid_from", "valid_until")


@transaction.atomic
def import_articles(items: list[dict], *, actor=None, batch: int = BATCH) -> Imported:
    """Write validated items: new articles are created, existing codes get a new version."""
    from kefu.catalog.models import Business

    codes = dict(Business.objects.values_list("id", "code"))
    now = timezone.now()
    created = revised = indexed = 0
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        existing = {
            a.code: a for a in Article.objects.select_for_update().filter(code__in=[i["code"] for i in chunk])
        }
        new, changed = [], []
        for item in chunk:
            article = existing.get(item["code"])
            if article is None:
                article = Article(code=item["code"], created_by=actor, created_at=now)
                new.append(article)
            else:
                changed.append(article)
            for name in CONTENT:
                setattr(article, name, item[name])
            article.body = sanitise(item["body"])
            article.body_text = plain_text(article.body)
            article.version += 1
            article.updated_at = now
            article.status = item["status"]
            if article.status == Status.PUBLISHED:
                article.published_version = article.version
                article.published_at = now
            item["_article"] = article
        Article.objects.bulk_create(new, batch_size=batch)
        if changed:
            Article.objects.bulk_update(
                changed,
                [
                    *CONTENT,
                    "body_text",
                    "version",
                    "updated_at",
                    "status",
                    "published_version",
                    "published_at",
                ],
                batch_size=500,
            )
        _write_versions([(item.pop("_article"), item["note"] or "导入") for item in chunk], codes, actor, now)
        indexed += search.index_articles([*new, *changed])
        created += len(new)
        revised += len(changed)
    if indexed >= batch:  # a big load: fresh statistics (PostgreSQL), merged segments (FTS5)
        search.optimise()
    audit.record(
        actor=actor,
        action="knowledge.article.import",
        object_type="knowledge.article",
        object_id="import",
        changes={"created": created, "revised": revised},
    )
    return Imported(created=created, revised=revised, indexed=indexed)
