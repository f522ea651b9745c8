"""Pinyin search keys and matching for Chinese names: the one helper every picker and search uses.

An agent types 南京, ``nanjing``, ``nanj`` or ``nj`` and expects 南京 — and 彩铃 for ``cailing``,
``cai ling``, ``cl`` or ``cail``. This module turns a name into its search keys once (cached per
process) and scores a query against them:

* :func:`search_keys` — a name's keys: the name itself (lower-cased, full-width folded), its full
  pinyin without tones joined (``cailing``) and syllable-separated (``cai ling``), its initials
  (``cl``), and per character the readings it may have (heteronyms, bounded by
  :data:`MAX_READINGS`; the phrase reading first, so 重庆 is ``chongqing`` but ``zhongqing`` still
  finds it). Latin letters and digits are kept as they are (``WLAN业务`` → ``wlan ye wu``).
* :func:`score` / :func:`matches` — how well a query fits one name (0: not at all). A query may mix
  characters, full syllables and initials (``南jing``, ``nanj``, ``njing``); each whitespace-separated
  token must match. Exact and prefix matches on the name come first, then full pinyin, then
  initials, then mixed forms.
* :class:`PinyinIndex` — a list of items, each with one or more texts (a name, an old name, a path,
  a code), searched best first. Keys come from the per-process cache, so building an index over the
  ~1,000 rows of a picker per request costs dictionary lookups; a query over them answers in a few
  milliseconds (``tests/core/test_pinyin.py`` measures it).

The knowledge search (KB) is meant to reuse :func:`search_keys` and :func:`score` for titles and
keywords rather than growing a second matcher.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from pypinyin import Style, lazy_pinyin, pinyin

# a character's readings kept for matching (pypinyin lists rare readings last); bounds the key set
MAX_READINGS = 3
# names longer than this are cut for the pinyin keys (paths of a category are short; a sentence is not
# a name)
MAX_NAME = 80
_CACHE = 20_000

T = TypeVar("T")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def normalise(text: str) -> str:
    """Lower case with full-width letters and digits folded (ＷＬＡＮ → wlan)."""
    return unicodedata.normalize("NFKC", text or "").lower().strip()


@lru_cache(maxsize=8_000)
def _readings(ch: str) -> tuple[str, ...]:
    """Every reading of one character without tones, common first, ü written v and u."""
    found: list[str] = []
    for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0][:MAX_READINGS]:
        for variant in (reading, reading.replace("v", "u")):
            if variant and variant not in found:
                found.append(variant)
    return tuple(found)


@dataclass(frozen=True)
class SearchKeys:
    """The search keys of one name (see the module docstring)."""

    text: str  # the name, normalised
    full: str  # primary full pinyin, joined: "cailing"
    spaced: str  # primary full pinyin, syllable-separated: "cai ling"
    initials: str  # primary initials: "cl"
    # per syllable slot, the strings a query may match there: readings (primary first) and, for a
    # character, the character itself (so 南jing matches)
    slots: tuple[tuple[str, ...], ...]
    # every character any slot may match: a token with another character cannot match mixed
    letters: frozenset[str] = frozenset()
    # the first character of every alternative: a quick "no" for most names
    firsts: frozenset[str] = frozenset()


@lru_cache(maxsize=_CACHE)
def search_keys(name: str) -> SearchKeys:
    """The search keys of ``name``, computed once per process."""
    text = normalise(name)
    cut = text[:MAX_NAME]
    slots: list[tuple[str, ...]] = []
    primary: list[str] = []
    i = 0
    while i < len(cut):
        ch = cut[i]
        if _is_han(ch):
            j = i
            while j < len(cut) and _is_han(cut[j]):
                j += 1
            run = cut[i:j]
            phrase = lazy_pinyin(run, style=Style.NORMAL)  # phrase-aware: 重庆 → chong qing
            if len(phrase) != len(run):  # never expected for Han runs; fall back per character
                phrase = [_readings(c)[0] if _readings(c) else c for c in run]
            for c, reading in zip(run, phrase, strict=True):
                alternatives = [reading, *(r for r in _readings(c) if r != reading), c]
                slots.append(tuple(dict.fromkeys(alternatives)))
                primary.append(reading)
            i = j
        elif ch.isalnum():
            j = i
            while j < len(cut) and cut[j].isalnum() and not _is_han(cut[j]):
                j += 1
            token = cut[i:j]
            slots.append((token,))
            primary.append(token)
            i = j
        else:  # spaces, brackets, separators: no slot
            i += 1
    return SearchKeys(
        text=text,
        full="".join(primary),
        spaced=" ".join(primary),
        initials="".join(p[0] for p in primary if p),
        slots=tuple(slots),
        letters=frozenset(c for alternatives in slots for a in alternatives for c in a),
        firsts=frozenset(a[0] for alternatives in slots for a in alternatives if a),
    )


def _mixed_start(token: str, slots: tuple[tuple[str, ...], ...]) -> int:
    """The first slot from which ``token`` matches consecutive slots, each by a whole reading or a
    prefix of one (``nanj``, ``nj``, ``njing``, ``南jing``); -1 when it matches nowhere."""
    n, size = len(slots), len(token)
    memo: dict[tuple[int, int], bool] = {}

    def rest(slot: int, pos: int) -> bool:
        if pos == size:
            return True
        if slot == n:
            return False
        key = (slot, pos)
        if key in memo:
            return memo[key]
        ok = False
        for alternative in slots[slot]:
            # the longest prefix of this reading the token continues with, then every shorter one
            k = 0
            limit = min(len(alternative), size - pos)
            while k < limit and token[pos + k] == alternative[k]:
                k += 1
            while k > 0 and not ok:
                ok = rest(slot + 1, pos + k)
                k -= 1
            if ok:
                break
        memo[key] = ok
        return ok

    first = token[0]
    for start in range(n):
        for alternative in slots[start]:
            if alternative[0] == first:
                if rest(start, 0):
                    return start
                break
    return -1


# scores of one token against one name, best first
EXACT, PREFIX, CONTAINS = 100, 90, 80
FULL_PREFIX, INITIALS_EXACT, INITIALS_PREFIX = 70, 68, 65
MIXED_START, MIXED_INSIDE = 50, 40


def _inside(token: str, text: str) -> bool:
    """``token`` inside ``text``; Latin letters and digits only from the start of a word (hangzhou
    is not inside changzhou, la not inside wlan)."""
    at = text.find(token)
    if at < 0 or not token[0].isascii() or not token[0].isalnum():
        return at >= 0
    while at >= 0:
        before = text[at - 1] if at else " "
        if not (before.isascii() and before.isalnum()):
            return True
        at = text.find(token, at + 1)
    return False


def _token_score(token: str, token_set: frozenset[str], keys: SearchKeys) -> int:
    text = keys.text
    if token == text:
        return EXACT
    if text.startswith(token):
        return PREFIX
    if _inside(token, text):
        return CONTAINS
    if token[0] not in keys.firsts:
        return 0
    if keys.full.startswith(token):
        return FULL_PREFIX
    initials = keys.initials
    if token == initials:
        return INITIALS_EXACT
    if initials.startswith(token):
        return INITIALS_PREFIX
    if not token_set <= keys.letters:
        return 0
    start = _mixed_start(token, keys.slots)
    if start < 0:
        return 0
    return MIXED_START if start == 0 else MIXED_INSIDE


def query_tokens(query: str) -> list[str]:
    """A query as its tokens: normalised, split on whitespace; apostrophes (xi'an) dropped."""
    return [t for t in normalise(query).replace("'", "").replace("’", "").split() if t]


def score(query: str, name: str) -> int:
    """How well ``query`` fits ``name`` (0: not at all); every token of the query must match."""
    tokens = query_tokens(query)
    if not tokens:
        return 0
    keys = search_keys(name)
    total = 0
    for token in tokens:
        found = _token_score(token, frozenset(token), keys)
        if not found:
            return 0
        total += found
    return total // len(tokens)


def matches(query: str, name: str) -> bool:
    """Whether ``query`` finds ``name``: 彩铃 by ``彩铃``, ``cailing``, ``cai ling``, ``cl``, ``cail``."""
    return score(query, name) > 0


@lru_cache(maxsize=_CACHE)
def _starts(keyed: tuple[SearchKeys, ...]) -> frozenset[str]:
    return frozenset().union(*(keys.firsts | frozenset(keys.text) for keys in keyed))


class PinyinIndex(Generic[T]):
    """Items searchable by several texts each (name, old names, path, code).

    ``texts`` are given with a weight (``(text, 1.0)`` for the name, less for a path), or as plain
    strings (weight 1). A token may match any of an item's texts; an item's score sums, per token,
    its best weighted match (averaged over the tokens), so ``彩铃 扣费`` finds the category 扣费 under the business 彩铃.
    """

    def __init__(self, entries: Iterable[tuple[T, Sequence[str | tuple[str, float]]]]):
        self._entries: list[tuple[T, list[tuple[SearchKeys, float]]]] = []
        # per item, every character a token may start with to match it at all (a quick "no")
        self._starts: list[frozenset[str]] = []
        for item, texts in entries:
            keyed = []
            for text in texts:
                value, weight = (text, 1.0) if isinstance(text, str) else text
                if value:
                    keyed.append((search_keys(value), weight))
            self._entries.append((item, keyed))
            self._starts.append(_starts(tuple(keys for keys, _weight in keyed)))

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> list[T]:
        return [item for item, _keys in self._entries]

    def scored(self, query: str) -> list[tuple[float, T]]:
        """Every matching item with its score, best first (ties keep the index's order)."""
        tokens = query_tokens(query)
        if not tokens:
            return [(0.0, item) for item, _keys in self._entries]
        sets = [frozenset(token) for token in tokens]
        # a token's score per name: names repeat across items (a business above its categories, the
        # same problem under many businesses) and :func:`search_keys` gives a repeated name the same
        # keys object, so each distinct name is matched once per token
        seen: list[dict[int, int]] = [{} for _token in tokens]
        found: list[tuple[float, int, T]] = []
        starts = self._starts
        firsts = [token[0] for token in tokens]
        for position, (item, keyed) in enumerate(self._entries):
            start = starts[position]
            if firsts[0] not in start or (len(firsts) > 1 and any(f not in start for f in firsts)):
                continue
            total = 0.0
            for token, token_set, memo in zip(tokens, sets, seen, strict=True):
                best = 0.0
                for keys, weight in keyed:
                    raw = memo.get(id(keys))
                    if raw is None:
                        raw = memo[id(keys)] = _token_score(token, token_set, keys)
                    value = raw * weight
                    if value > best:
                        best = value
                        if value >= EXACT * weight:
                            break
                if not best:
                    break
                total += best
            else:
                found.append((-total / len(tokens), position, item))
        found.sort(key=lambda row: (row[0], row[1]))
        return [(-negative, item) for negative, _position, item in found]

    def search(self, query: str, limit: int | None = None) -> list[T]:
        """The items matching ``query``, best first; every item, in order, for an empty query."""
        rows = [item for _score, item in self.scored(query)]
        return rows if limit is None else rows[:limit]
