"""A search query as the adapters run it: groups of alternatives.

Every query word becomes a group; a group matches when any of its alternatives does, and an
alternative is a list of index words that must all be present. The alternatives of a word: the word
itself, each term of its synonym groups (``knowledge.Synonym``, kept by editors), how the stock
dictionary cuts it (text indexed before a catalog word existed), and the business it names (any of
its names, old ones too). Synonyms and business names are cached per process and re-read when they
change (checked every few seconds, like the dictionary).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from kefu.knowledge.search import segment

CHECK_SECONDS = segment.CHECK_SECONDS
MAX_WORDS = 12  # words of a query kept (a pasted paragraph is not a query)
MAX_PINYIN = 40

Alternative = tuple[str, ...]
Group = tuple[Alternative, ...]


@dataclass(frozen=True)
class Query:
    groups: tuple[Group, ...] = ()
    highlight: list[str] = field(default_factory=list)
    pinyin: str = ""
    ascii: bool = False  # ASCII letters only: pinyin comes before the relaxed (any word) search

    @property
    def empty(self) -> bool:
        return not self.groups and not self.pinyin


_lock = threading.Lock()
_cache = {"checked": 0.0, "signature": None, "synonyms": {}, "businesses": {}}


def _signature():
    from django.db.models import Count, Max

    from kefu.catalog.models import Business, BusinessName
    from kefu.knowledge.models import Synonym

    return (
        tuple(Synonym.objects.aggregate(n=Count("id"), m=Max("id"), u=Max("updated_at")).values()),
        tuple(BusinessName.objects.aggregate(n=Count("id"), m=Max("id")).values()),
        tuple(Business.objects.aggregate(n=Count("id"), m=Max("id")).values()),
    )


def _load() -> None:
    from kefu.catalog.models import Business, BusinessName
    from kefu.knowledge.models import Synonym

    synonyms: dict[str, list[Alternative]] = {}
    for terms in Synonym.objects.values_list("terms", flat=True):
        cuts = [tuple(segment.cut(t)) for t in terms or () if isinstance(t, str) and t.strip()]
        cuts = [c for c in cuts if c]
        for term_cut in cuts:
            key = " ".join(term_cut)
            synonyms.setdefault(key, [])
            for other in cuts:
                if other not in synonyms[key]:
                    synonyms[key].append(other)
    businesses: dict[str, set[int]] = {}
    for business_id, name in Business.objects.values_list("id", "name"):
        businesses.setdefault(segment.normalise(name).strip(), set()).add(business_id)
    for business_id, name in BusinessName.objects.values_list("business_id", "name"):
        businesses.setdefault(segment.normalise(name).strip(), set()).add(business_id)
    _cache["synonyms"], _cache["businesses"] = synonyms, businesses


def _fresh() -> None:
    now = time.monotonic()
    if now - _cache["checked"] < CHECK_SECONDS:
        return
    with _lock:
        if now - _cache["checked"] < CHECK_SECONDS:
            return
        signature = _signature()
        if signature != _cache["signature"]:
            _load()
            _cache["signature"] = signature
        _cache["checked"] = now


def invalidate() -> None:
    """Re-read synonyms and business names on the next query (after an edit, in tests)."""
    _cache["checked"] = 0.0
    segment.invalidate()


def build_query(text: str) -> Query:
    from kefu.knowledge.search import business_token

    _fresh()
    normalised = segment.normalise(text).strip()
    if not normalised:
        return Query()
    words = segment.query_words(normalised)[:MAX_WORDS]
    synonyms, businesses = _cache["synonyms"], _cache["businesses"]
    # a whole query that is a synonym term or a business name cut into several words is one group
    whole = " ".join(words)
    if len(words) > 1 and (whole in synonyms or normalised.replace(" ", "") in businesses):
        words = [whole]
    groups: list[Group] = []
    highlight: list[str] = []
    for word in words:
        parts = tuple(word.split(" "))
        alternatives: list[Alternative] = [parts]
        for other in synonyms.get(word, ()):
            if other not in alternatives:
                alternatives.append(other)
        if len(parts) == 1:
            for cut in segment.alternatives(word):
                if tuple(cut) not in alternatives:
                    alternatives.append(tuple(cut))
        for business_id in sorted(businesses.get(word.replace(" ", ""), ())):
            alternatives.append((business_token(business_id),))
        groups.append(tuple(alternatives))
        for alternative in alternatives:
            if not alternative[0].startswith("kefubiz"):
                highlight.append("".join(alternative) if len(alternative) > 1 else alternative[0])
                highlight.extend(w for w in alternative if len(alternative) > 1 and len(w) > 1)
    letters = "".join(normalised.replace("'", "").replace("’", "").split())
    is_ascii = letters.isascii() and letters.isalpha()
    pinyin = segment.pinyin_query(normalised)[:MAX_PINYIN] if (is_ascii or segment.is_han(normalised)) else ""
    return Query(groups=tuple(groups), highlight=highlight, pinyin=pinyin, ascii=is_ascii)
