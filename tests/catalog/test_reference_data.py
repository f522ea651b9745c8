"""The shipped catalog: every business SR-3 names, its history, the category trees, SR-4's causes and
WO-5's default time limits."""

from __future__ import annotations

import pytest
from django.apps import apps

from kefu.catalog import selectors
from kefu.catalog.models import (
    Business,
    BusinessName,
    CategoryNode,
    CategoryVersion,
    ResponsibilityCause,
    TimeLimit,
)
from kefu.catalog.reference import load_catalog
from kefu.core.choices import RequestType
from kefu.core.models import Department

pytestmark = pytest.mark.django_db

REORGANISED = [
    "通信账户支付",
    "农信通",
    "宜居通",
    "手机游戏",
    "手机支付",
    "手机钱包",
    "手机动漫",
    "无线音乐",
    "国际业务",
    "基础业务",
    "WLAN",
]
NEWLY_CONNECTED = [
    "WLAN",
    "彩云",
    "彩云通讯录",
    "梦网短信",
    "梦网彩信",
    "梦网IVR",
    "WAP",
    "公众服务云",
    "手机证券(短彩信版)",
    "手机证券(大智慧版)",
    "物联网专席",
]
OFFLINE = ["随E行", "证信通", "信息管家MDO(高阳)", "保信通", "世博业务(上海基地)"]
RENAMED = [("139社区", "移动微博"), ("ADC平台", "行业手机报"), ("手机证券", "手机证券(指南针版)")]
OTHERS = [
    "手机视频",
    "手机阅读",
    "语音通话",
    "短信",
    "彩信",
    "数据流量",
    "宽带",
    "固话",
    "国际及港澳台漫游",
    "彩铃",
    "139邮箱",
    "飞信",
    "来电提醒",
]


@pytest.mark.parametrize("name", REORGANISED + NEWLY_CONNECTED + OTHERS)
def test_every_named_business_is_online(name):
    """SR-3: every business 000 re-organised or newly connected, and the basic ones, are shipped online."""
    business = Business.objects.get(name=name)
    assert business.status == "online"
    assert business.offline_since is None
    assert CategoryVersion.objects.filter(business=business, is_current=True).count() == 1


@pytest.mark.parametrize("name", OFFLINE)
def test_offline_businesses_are_offline_with_history(name):
    """SR-3: businesses 000 took offline are present, offline since 2012-09-27, with their categories."""
    business = Business.objects.get(name=name)
    assert business.status == "offline"
    assert business.offline_since.isoformat() == "2012-09-27"
    assert business.online_since < business.offline_since
    assert business.names.get().name == name
    assert CategoryNode.objects.filter(business=business, version__is_current=True).exists()


@pytest.mark.parametrize(("old", "new"), RENAMED, ids=[new for _, new in RENAMED])
def test_renamed_businesses_keep_old_names_as_history(old, new):
    """SR-3: a renamed business carries its new name and keeps the old one with its validity period."""
    business = Business.objects.get(name=new)
    names = list(business.names.order_by("valid_from"))
    assert [n.name for n in names] == [old, new]
    assert names[0].valid_until.isoformat() == "2012-09-27"
    assert names[1].valid_from.isoformat() == "2012-09-27"
    assert names[1].valid_until is None
    versions = list(business.category_versions.order_by("number"))
    assert [v.business_name for v in versions] == [old, new]
    assert [v.is_current for v in versions] == [False, True]
    assert selectors.business_by_name(old) == business


def test_stock_trading_split_into_three_businesses():
    """SR-3: 手机证券 is renamed 手机证券(指南针版); the SMS/mms and 大智慧 editions are new businesses."""
    compass = Business.objects.get(name="手机证券(指南针版)")
    assert not Business.objects.filter(name="手机证券").exists()
    sms = Business.objects.get(name="手机证券(短彩信版)")
    dzh = Business.objects.get(name="手机证券(大智慧版)")
    assert len({compass.pk, sms.pk, dzh.pk}) == 3
    assert sms.names.count() == dzh.names.count() == 1
    assert compass.category_versions.get(is_current=True).note.startswith("000")


@pytest.mark.parametrize("name", ["手机游戏", "无线音乐", "手机支付", "国际业务", "基础业务", "农信通"])
def test_reorganised_businesses_have_an_old_and_a_new_category_version(name):
    """SR-3: a re-organised category set is a new version; the previous one stays."""
    business = Business.objects.get(name=name)
    assert list(business.category_versions.order_by("number").values_list("number", "is_current")) == [
        (1, False),
        (2, True),
    ]
    assert CategoryNode.objects.filter(version__business=business, version__number=1).exists()


def test_sims_businesses_are_monternet_on_sims():
    """SR-3, ORG-3: the 一级SIMS businesses are Monternet SP businesses whose second line is SIMS."""
    for name in ["梦网短信", "梦网彩信", "梦网IVR", "WAP"]:
        business = Business.objects.get(name=name)
        assert (business.kind, business.second_line) == ("monternet", "SIMS")


def test_capability_query_businesses():
    """CAP-2: the five platforms answering capability queries are flagged."""
    flagged = set(Business.objects.filter(capability_queries=True).values_list("name", flat=True))
    assert flagged == {"手机视频", "手机游戏", "无线音乐", "手机支付", "手机阅读"}


def test_monternet_complaint_path():
    """SR-3: a plausible tree, e.g. 投诉 > 梦网短信 > SP违规扣费 > 未经确认订购."""
    node = selectors.category_node_by_path("monternet_sms", "complaint", "SP违规扣费", "未经确认订购")
    assert selectors.category_path(node) == "投诉 > 梦网短信 > SP违规扣费 > 未经确认订购"
    assert node.depth == 2
    assert node.parent.name == "SP违规扣费"


def test_broadband_fault_reports_come_in_five_classes():
    """WO-8: broadband faults are classed no internet and no phone / phone but no internet / slow /
    unstable, drops / other."""
    broadband = Business.objects.get(code="broadband")
    problems = list(
        CategoryNode.objects.filter(
            business=broadband, version__is_current=True, request_type="fault_report", depth=1
        ).values_list("name", flat=True)
    )
    assert problems == ["无法上网且无法通话", "能通话不能上网", "网速慢", "网络不稳定、掉线", "其他"]


@pytest.mark.parametrize(
    "code",
    [
        "fixed_line",
        "broadband",
        "voice",
        "phs",
        "wireless_music",
        "monternet_sms",
        "leased_line",
        "internet_products",
    ],
)
def test_fault_reports_cover_every_network_and_product(code):
    """WO-8: fault reports exist for fixed line, broadband, mobile, PHS, VAS, bandwidth and internet
    products."""
    assert CategoryNode.objects.filter(
        business__code=code, version__is_current=True, request_type="fault_report", depth=2
    ).exists()


def test_every_request_type_has_a_tree():
    """SR-1, SR-3: complaints, consultations, queries, business handling, fault reports and suggestions
    all have categories an agent can choose."""
    for request_type in RequestType.values():
        tree = selectors.request_type_tree(request_type)
        assert len(tree) >= 3, request_type
        assert all(group["children"] for group in tree)


def test_sr4_additions_are_shipped():
    """SR-4: 000 adds the causes '上级主管部门要求通信运营商落实的相关工作' and '其他责任原因' and the department
    '其他部门'."""
    authority = ResponsibilityCause.objects.get(name="上级主管部门要求通信运营商落实的相关工作")
    other = ResponsibilityCause.objects.get(name="其他责任原因")
    assert authority.active and other.active
    assert authority.parent is not None and other.parent is not None
    assert Department.objects.get(name="其他部门").kind == "responsible"
    assert other.default_department.name == "其他部门"


def test_responsibility_causes_are_classified():
    """SR-4: causes form a two-level classification with realistic classes."""
    classes = set(ResponsibilityCause.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert {"网络原因", "计费与账务原因", "合作伙伴原因", "客户自身原因", "服务与渠道原因"} <= classes
    leaves = set(ResponsibilityCause.objects.filter(parent__isnull=False).values_list("name", flat=True))
    assert {
        "网络覆盖不足",
        "计费错误",
        "SP违规定制或未经确认扣费",
        "员工服务态度",
        "客户终端设置问题",
        "不可抗力(自然灾害等)",
    } <= leaves
    assert not ResponsibilityCause.objects.filter(parent__parent__isnull=False).exists()


def test_every_request_type_has_a_default_time_limit():
    """WO-5: every request type has a default for any customer level, so resolution always ends."""
    for request_type in RequestType.values():
        assert TimeLimit.objects.filter(request_type=request_type, business=None, customer_level="").exists()


def test_counts_by_status():
    """SR-3: the home page's counts: five offline businesses, the rest online."""
    counts = selectors.business_counts_by_status()
    assert counts["offline"] == 5
    assert counts["online"] == Business.objects.count() - 5
    assert set(counts) == {"online", "offline"}


def test_loader_is_idempotent():
    """SR-3: running the loader again adds nothing and rewrites no history."""
    models = [BusinessName, CategoryVersion, CategoryNode, ResponsibilityCause, TimeLimit]
    before = {m.__name__: m.objects.count() for m in [Business, *models]}
    load_catalog(
        apps.get_model("catalog", "Business"),
        BusinessName,
        CategoryVersion,
        CategoryNode,
        ResponsibilityCause,
        TimeLimit,
        Department,
    )
    after = {m.__name__: m.objects.count() for m in [Business, *models]}
    assert after == before


def test_node_codes_are_stable_across_versions():
    """SR-3: a node kept by a re-organisation keeps its code, so time limits and reports follow it."""
    weibo = Business.objects.get(code="mobile_weibo")
    v1, v2 = weibo.category_versions.order_by("number")
    assert set(v1.nodes.values_list("code", "path_names")) == set(v2.nodes.values_list("code", "path_names"))
    assert weibo.node_seq == v2.nodes.count()


@pytest.mark.parametrize(
    "code",
    [
        "crbt",
        "missed_call",
        "139mail",
        "fetion",
        "wireless_music",
        "mobile_reading",
        "mobile_video",
        "mobile_game",
        "wlan",
        "caiyun",
        "monternet_sms",
        "monternet_mms",
        "wap",
        "monternet_ivr",
    ],
)
def test_codes_other_apps_refer_to(code):
    """SR-3: the business codes the billing product catalog (customers) names exist."""
    assert Business.objects.filter(code=code).exists()
