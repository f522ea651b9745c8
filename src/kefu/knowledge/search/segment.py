"""Chinese segmentation for the knowledge search (ADR 0004): the one place that turns text into the
words both the index and the query see.

* :func:`words` — the index words of a text: rjieba's ``cut_for_search`` (a long word and the shorter
  dictionary words inside it, so 网速慢 indexes 网速 too), lower-cased, full-width folded, punctuation
  dropped, and every token split where Latin letters/digits meet Han characters (139社区 → 139 社区) so
  SQLite's ``unicode61`` and PostgreSQL's ``simple`` parser cut it the same way.
* :func:`query_words` — a query's words: rjieba's ``cut`` (the longest dictionary words), the same
  normalisation. A word of three or more characters also carries how the stock dictionary cuts it,
  so text indexed before a dictionary word existed still matches (see :func:`alternatives`).
* A user dictionary from the catalog: every business name, old names included (``BusinessName``),
  product names (``customers.Product``) and article tags. It is reloaded when those change: at most
  every :data:`CHECK_SECONDS` a cheap signature (counts and highest ids, a hash of the names) is
  compared with the loaded one.
* :func:`pinyin_words` — pinyin keys (full and initials) of a short text's Han words, for the
  fallback when the characters find nothing (``cailing`` / ``cl`` → 彩铃), from :mod:`kefu.core.pinyin`.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from functools import lru_cache

import rjieba

from kefu.core.pinyin import search_keys

# Question words and particles agents type around the terms that matter (请问彩铃怎么开通呢); they are
# dropped from a query so they never break AND matching. Only words that carry no topic: 没有 stays
# (没有信号), 办理 stays.
STOP_WORDS = frozenset(
    """
    请问 请 问 问下 问一下 一下 下 怎么 怎么样 怎样 如何 怎么办 咋 咋办 为什么 为啥 什么 啥 哪里 哪儿 哪 哪个
    多少 几 吗 嘛 呢 吧 啊 呀 哦 哈 么 了 的 地 得 着 过 是 在 有 我 我的 我们 你 你们 您 他 她 它 这 那 这个
    那个 这样 那样 还 都 就 也 又 和 与 及 或 或者 跟 被 把 给 让 想 要 可以 能 能否 能不能 可不可以 是否
    一个 个 帮 帮我 麻烦 谢谢 你好 您好 呢么 不是 还是 吗么 啦 咧 呗 如果 但是 因为 所以 然后 现在 一直
    """.split()
)

CHECK_SECONDS = 5.0
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# a token's parts: runs of ASCII letters/digits, runs of other letters (Han); everything else separates
_PARTS = re.compile(r"[a-z0-9]+|[^\W_a-z0-9]+")

_lock = threading.Lock()
_cutter = rjieba.Jieba()  # the stock dictionary plus the catalog's words
_plain = rjieba.Jieba()  # the stock dictionary only (how text was cut before a word was added)
_state = {"signature": None, "checked": 0.0, "words": frozenset()}


def normalise(text: str) -> str:
    """Lower case, full-width folded (ＶｏＬＴＥ → volte)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _split(tokens) -> list[str]:
    """Tokens of normalised text as index words: one regex pass over them joined by spaces."""
    return _PARTS.findall(" ".join(tokens))


def is_han(text: str) -> bool:
    return bool(_HAN.search(text))


@lru_cache(maxsize=200_000)
def _inside(token: str) -> tuple[str, ...]:
    """How the stock dictionary cuts a long catalog word (移动微博 → 移动 微博), so its parts are
    indexed too."""
    parts = tuple(_split(_plain.cut(token)))
    return parts if len(parts) > 1 else ()


def _index_words(text: str) -> list[str]:
    out = _split(_cutter.cut_for_search(normalise(text)))
    for token in _state["words"].intersection(out):
        out.extend(_inside(token))
    return out


def words(text: str) -> list[str]:
    """The index words of ``text`` (in order, repeats kept: term frequency matters to the ranking)."""
    ensure_dictionary()
    return _index_words(text)


def words_many(texts: list[str]) -> list[list[str]]:
    """:func:`words` for a batch (one dictionary check)."""
    ensure_dictionary()
    return [_index_words(text) for text in texts]


def query_words(query: str) -> list[str]:
    """A query's words without stop words (all of them when nothing else is left), no repeats."""
    ensure_dictionary()
    found = list(dict.fromkeys(_split(_cutter.cut(normalise(query)))))
    kept = [w for w in found if w not in STOP_WORDS]
    return kept or found


def cut(text: str) -> list[str]:
    """The words of a short text as a query sees them, stop words kept (a synonym, a name)."""
    ensure_dictionary()
    return _split(_cutter.cut(normalise(text)))


def alternatives(word: str) -> list[list[str]]:
    """Other ways the index may hold ``word``: the stock dictionary's cut, and the words
    ``cut_for_search`` finds inside it (each an AND of words)."""
    out: list[list[str]] = []
    if len(word) >= 3 and is_han(word):
        for cut in (_plain.cut(word), _cutter.cut(word)):
            parts = _split(cut)
            if len(parts) > 1 and parts not in out:
                out.append(parts)
    return out


def chars(text: str) -> list[str]:
    """The single Han characters of a short text (titles, tags): so a one-character query finds them."""
    return list(dict.fromkeys(_HAN.findall(normalise(text))))


def pinyin_words(text: str, *, whole: bool = True) -> list[str]:
    """Pinyin keys of the Han words of a short text: each word's and each run of two or three adjacent
    words' full pinyin and initials (彩铃 → cailing cl; 停机 保号 → tingjibaohao tjbh), plus with
    ``whole`` those of the whole text when it is short (a business name, a tag)."""
    keys: list[str] = []
    words = _split(_cutter.cut(normalise(text)))
    pieces = [w for w in words if is_han(w)]
    # two or three adjacent words typed as one (停机保号 → tingjibaohao, tjbh): agents type a phrase's
    # pinyin without the word breaks the segmenter put in it
    for size in (2, 3):
        for at in range(len(words) - size + 1):
            window = words[at : at + size]
            if all(is_han(w) for w in window):
                pieces.append("".join(window))
    text = normalise(text).strip()
    if whole and is_han(text) and len(text) <= 12:
        pieces.append(text)
    for piece in pieces:
        k = search_keys(piece)
        for key in (k.full, k.initials):
            key = "".join(_PARTS.findall(key))
            if key and key.isascii():
                keys.append(key)
    return list(dict.fromkeys(keys))


def pinyin_query(query: str) -> str:
    """The query as one pinyin key: ASCII letters as typed (spaces and apostrophes dropped), Han
    characters as their full pinyin (a homophone typed by mistake still finds the word)."""
    text = normalise(query)
    if is_han(text):
        text = search_keys(text).full
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


# -- the user dictionary ---------------------------------------------------------------------------


def _catalog_words() -> tuple[str, list[str]]:
    """The catalog's words (business names old and new, product names, synonyms) and their
    signature; article tags join when an article is indexed and at the first load."""
    from kefu.catalog.models import Business, BusinessName
    from kefu.customers.models import Product
    from kefu.knowledge.models import Synonym

    names = set(Business.objects.values_list("name", flat=True))
    names.update(BusinessName.objects.values_list("name", flat=True))
    names.update(Product.objects.values_list("name", flat=True))
    for terms in Synonym.objects.values_list("terms", flat=True):
        names.update(t for t in terms or () if isinstance(t, str))
    found = sorted(n.strip() for n in names if n and n.strip())
    signature = hashlib.blake2b("\n".join(found).encode(), digest_size=16).hexdigest()
    return signature, found


def _tag_words() -> set[str]:
    from kefu.knowledge.models import Article

    tags: set[str] = set()
    for row in Article.objects.exclude(tags=[]).values_list("tags", flat=True).distinct():
        tags.update(t for t in row or () if isinstance(t, str))
    return tags


def add_words(new_words) -> None:
    """Add words to the dictionary of this process at once (an article's tags as it is indexed)."""
    with _lock:
        known = _state["words"]
        fresh = [w for w in (normalise(w).strip() for w in new_words) if w and w not in known]
        for word in fresh:
            _add(word)
        if fresh:
            _state["words"] = known | frozenset(fresh)


def _add(word: str) -> None:
    if len(word) >= 2 and " " not in word:
        _cutter.add_word(word, 50_000, None)


def ensure_dictionary(*, force: bool = False) -> None:
    """Load or reload the catalog's words when their signature changed (checked every few seconds)."""
    now = time.monotonic()
    if not force and now - _state["checked"] < CHECK_SECONDS:
        return
    with _lock:
        if not force and now - _state["checked"] < CHECK_SECONDS:
            return
        try:
            signature, found = _catalog_words()
        except Exception:  # no tables yet (migrations running): try again later
            _state["checked"] = now
            return
        _state["checked"] = now
        if signature == _state["signature"]:
            return
        known = _state["words"]
        if _state["signature"] is None or force:
            found = sorted(set(found) | _tag_words())
        # rjieba cannot remove a word: a word that left the catalog stays until the process restarts
        found = [normalise(w).strip() for w in found]
        for word in found:
            if word not in known:
                _add(word)
        _state["words"] = known | frozenset(found)
        _state["signature"] = signature


def invalidate() -> None:
    """Check the catalog's words on the next segmentation (after a rename, a new synonym, in tests)."""
    _state["checked"] = 0.0
