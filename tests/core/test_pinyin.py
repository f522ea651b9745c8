"""The shared pinyin helper (kefu.core.pinyin) that every picker and search uses (SYS-1, WO-6)."""

from __future__ import annotations

import time

import pytest

from kefu.core.pinyin import PinyinIndex, matches, score, search_keys


@pytest.mark.parametrize(
    "query",
    ["彩铃", "彩", "cailing", "cai ling", "CaiLing", "cail", "cl", "c", "彩ling", "caiL"],
    ids=[
        "name",
        "first-char",
        "full",
        "syllables",
        "upper",
        "prefix",
        "initials",
        "one-initial",
        "mixed",
        "mixed-case",
    ],
)
def test_cailing_is_found_by_name_pinyin_and_initials(query):
    """SYS-1/WO-6: 彩铃 is found by its name, its full pinyin (joined or syllable by syllable), a
    prefix of it, its initials and a mix of characters and pinyin."""
    assert matches(query, "彩铃")


@pytest.mark.parametrize("query", ["南京", "nanjing", "nj", "nanj", "njing", "南jing", "Nan Jing"])
def test_nanjing_is_found_by_name_pinyin_and_initials(query):
    """SYS-1/WO-6: a city is picked by 南京, nanjing, nj or any mix of them."""
    assert matches(query, "南京")


@pytest.mark.parametrize("query", ["nanjin g x", "beijing", "bj", "jn", "nanjingg", "南昌", "x"])
def test_what_does_not_fit_is_not_found(query):
    """SYS-1: a query finds nothing it does not spell: other syllables, initials out of order, extra
    letters, another name."""
    assert not matches(query, "南京")


def test_keys_hold_full_pinyin_joined_and_separated_and_initials():
    """SYS-1: the keys of a name: full pinyin without tones joined and syllable-separated, and initials."""
    keys = search_keys("彩铃")
    assert (keys.full, keys.spaced, keys.initials) == ("cailing", "cai ling", "cl")


def test_latin_letters_and_digits_are_kept():
    """SYS-1: Latin letters and digits stay as they are (WLAN业务, 139社区)."""
    keys = search_keys("WLAN业务")
    assert (keys.full, keys.initials) == ("wlanyewu", "wyw")
    assert matches("wlan", "WLAN业务") and matches("wlan yw", "WLAN业务")
    assert matches("139", "139社区") and matches("139sq", "139社区")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("chongqing", "重庆"),  # the phrase reading
        ("zhongqing", "重庆"),  # another reading of 重, still accepted
        ("cq", "重庆"),
        ("yinhang", "银行"),  # 行 read hang in this phrase
        ("yinxing", "银行"),  # and xing elsewhere
        ("changsha", "长沙"),
        ("zhangsha", "长沙"),
        ("lvse", "绿色"),  # ü typed as v …
        ("luse", "绿色"),  # … or as u
    ],
)
def test_polyphonic_characters_match_every_reading(query, name):
    """SYS-1: a polyphonic character matches its phrase reading and its other common readings."""
    assert matches(query, name)


def test_polyphone_readings_are_bounded():
    """SYS-1: a character keeps at most a few readings (plus ü as v/u and the character itself), so
    a name's key set stays small."""
    keys = search_keys("重庆银行行长")
    assert keys.full == "chongqingyinhanghangzhang"
    assert all(len(slot) <= 3 * 2 + 1 for slot in keys.slots)


def test_better_matches_score_higher():
    """SYS-1: exact name > name prefix > full pinyin > initials > a match inside the name."""
    assert score("南京", "南京") > score("南", "南京") > score("nanjing", "南京") > score("nj", "南京")
    assert score("nj", "南京") > score("nj", "江苏南京")
    assert score("", "南京") == 0


def test_index_ranks_best_first_and_every_token_must_match():
    """SYS-1/WO-6: an index searches several texts per item (name, path); every token of the query
    must match one of them; the best match comes first."""
    index = PinyinIndex(
        [
            ("a", ["未订购却扣费", ("彩铃 › 扣费争议 › 未订购却扣费", 0.6)]),
            ("b", ["未订购却扣费", ("无线音乐 › 扣费争议 › 未订购却扣费", 0.6)]),
            ("c", ["重复扣费", ("彩铃 › 扣费争议 › 重复扣费", 0.6)]),
            ("d", ["扣费", ("彩铃 › 扣费", 0.6)]),
        ]
    )
    assert index.search("cl wdg") == ["a"]
    assert index.search("wxyy kf") == ["b"]
    assert index.search("kf")[0] == "d"  # the exact initials of its own name
    assert set(index.search("kf")) == {"a", "b", "c", "d"}
    assert index.search("") == ["a", "b", "c", "d"]
    assert index.search("kf", limit=2) == index.search("kf")[:2]


def test_a_query_over_a_thousand_names_takes_a_few_milliseconds():
    """SYS-1: a picker's query over ~1,000 names (keys cached per process) answers in a few ms; the
    bound here is loose (a shared, busy test machine), the figure is in the report."""
    names = [
        f"{city}{kind}{n}"
        for n in range(20)
        for city in ("南京", "无锡", "徐州", "常州", "苏州")
        for kind in (
            "分公司",
            "逻辑组",
            "营业厅",
            "客户服务中心",
            "投诉组",
            "网络部",
            "市场部",
            "集团客户部",
            "渠道部",
            "财务部",
        )
    ]
    assert len(names) == 1000
    index = PinyinIndex((name, [name]) for name in names)
    for query in ("nj", "suzhou yyt", "xz", "zzzz"):  # warm, then measure
        index.search(query, 20)
    started = time.perf_counter()
    for query in ("nj", "suzhou yyt", "xz", "zzzz", "常州"):
        index.search(query, 20)
    per_query = (time.perf_counter() - started) / 5
    assert per_query < 0.05
    assert index.search("szyyt", 3)[0].startswith("苏州营业厅")
