"""The product catalog that seeded subscribers subscribe to: plans per brand, VAS and Monternet, with
the rules that say which lines each fits (``RULES``, read by ``kefu.customers.eligibility``).

``business_code`` names a catalog business by code (kefu.catalog), without importing the catalog.
"""

from __future__ import annotations

from decimal import Decimal

from kefu.core.choices import NetworkType
from kefu.customers.choices import Brand, LineType, PayMethod, ProductKind
from kefu.customers.models import Product

# (code, name, kind, monthly fee, business code, brand the plan belongs to or "" for VAS)
PRODUCTS = [
    ("P-GT-58", "全球通上网套餐58元", ProductKind.PLAN, "58", "", Brand.GOTONE),
    ("P-GT-88", "全球通商旅套餐88元", ProductKind.PLAN, "88", "", Brand.GOTONE),
    ("P-GT-128", "全球通商旅套餐128元", ProductKind.PLAN, "128", "", Brand.GOTONE),
    ("P-GT-288", "全球通尊享套餐288元", ProductKind.PLAN, "288", "", Brand.GOTONE),
    ("P-MZ-18", "动感地带音乐套餐18元", ProductKind.PLAN, "18", "", Brand.MZONE),
    ("P-MZ-28", "动感地带网聊套餐28元", ProductKind.PLAN, "28", "", Brand.MZONE),
    ("P-MZ-38", "动感地带校园套餐38元", ProductKind.PLAN, "38", "", Brand.MZONE),
    ("P-EO-8", "神州行畅听卡8元", ProductKind.PLAN, "8", "", Brand.EASYOWN),
    ("P-EO-19", "神州行家园卡19元", ProductKind.PLAN, "19", "", Brand.EASYOWN),
    ("P-EO-0", "神州行大众卡", ProductKind.PLAN, "0", "", Brand.EASYOWN),
    ("P-FX-20", "移动固话月租20元", ProductKind.PLAN, "20", "", Brand.FIXED),
    ("P-FX-35", "移动固话畅打35元", ProductKind.PLAN, "35", "", Brand.FIXED),
    ("P-BB-50", "移动宽带50M包年", ProductKind.PLAN, "50", "", Brand.BROADBAND),
    ("P-BB-100", "移动宽带100M", ProductKind.PLAN, "80", "", Brand.BROADBAND),
    ("P-BB-200", "移动宽带200M", ProductKind.PLAN, "120", "", Brand.BROADBAND),
    ("V-CRBT", "彩铃", ProductKind.VAS, "5", "crbt", ""),
    ("V-MCALL", "来电提醒", ProductKind.VAS, "2", "missed_call", ""),
    ("V-139MAIL", "139邮箱", ProductKind.VAS, "5", "139mail", ""),
    ("V-FETION", "飞信会员", ProductKind.VAS, "5", "fetion", ""),
    ("V-MUSIC", "无线音乐俱乐部", ProductKind.VAS, "6", "wireless_music", ""),
    ("V-READ", "手机阅读包月", ProductKind.VAS, "5", "mobile_reading", ""),
    ("V-VIDEO", "手机视频包月", ProductKind.VAS, "10", "mobile_video", ""),
    ("V-GAME", "手机游戏包月", ProductKind.VAS, "8", "mobile_game", ""),
    ("V-WLAN", "WLAN标准资费", ProductKind.VAS, "20", "wlan", ""),
    ("V-CAIYUN", "彩云", ProductKind.VAS, "0", "caiyun", ""),
    ("M-NEWS", "手机报", ProductKind.MONTERNET, "3", "monternet_sms", ""),
    ("M-WEATHER", "天气预报短信", ProductKind.MONTERNET, "2", "monternet_sms", ""),
    ("M-MMS-PIC", "彩信图片包", ProductKind.MONTERNET, "5", "monternet_mms", ""),
    ("M-WAP-NOVEL", "WAP小说包月", ProductKind.MONTERNET, "5", "wap", ""),
    ("M-IVR-FUN", "语音笑话IVR", ProductKind.MONTERNET, "4", "monternet_ivr", ""),
    # orderable only where their rules fit, so the seeded history never gives them to a line (RESTRICTED)
    ("V-CRBT-HITS", "彩铃曲库包", ProductKind.VAS, "3", "crbt", ""),
    ("V-READ-VIP", "手机阅读VIP包月", ProductKind.VAS, "10", "mobile_reading", ""),
    ("V-5G-BOOST", "5G加速包", ProductKind.VAS, "10", "", ""),
    ("V-IROAM", "国际及港澳台漫游", ProductKind.VAS, "0", "", ""),
    ("B-IPTV", "魔百和电视", ProductKind.VAS, "20", "", ""),
]

_MOBILE = {"line_types": [LineType.MOBILE]}
_POSTPAID = [PayMethod.POSTPAID_CASH, PayMethod.BANK_COLLECTION]


def _plan(brand: str) -> dict:
    line_type = {Brand.FIXED: LineType.FIXED, Brand.BROADBAND: LineType.BROADBAND}.get(brand, LineType.MOBILE)
    return {"line_types": [line_type], "brands": [brand]}


# Which lines each product fits (empty: any). A plan fits its own brand's lines only: moving to another
# brand is a brand change, not a plan change. VAS and Monternet need a mobile line.
RULES: dict[str, dict] = {
    **{code: _plan(brand) for code, _n, kind, _f, _b, brand in PRODUCTS if kind == ProductKind.PLAN},
    **{code: dict(_MOBILE) for code, _n, kind, _f, _b, _br in PRODUCTS if kind != ProductKind.PLAN},
    "V-READ": {**_MOBILE, "exclusive_group": "mobile_reading"},
    "V-READ-VIP": {**_MOBILE, "exclusive_group": "mobile_reading"},
    "V-CRBT-HITS": {**_MOBILE, "requires": ["V-CRBT"]},
    "V-5G-BOOST": {**_MOBILE, "network_types": [NetworkType.G5]},
    "V-IROAM": {**_MOBILE, "pay_methods": _POSTPAID},
    "B-IPTV": {"line_types": [LineType.BROADBAND]},
}
RESTRICTED = ("V-CRBT-HITS", "V-READ-VIP", "V-5G-BOOST", "V-IROAM", "B-IPTV")


def ensure_products() -> dict[str, list[int]]:
    """Create missing products (with their ``RULES``); return product ids grouped: one list per brand,
    and ``"extras"`` (VAS and Monternet) that any mobile line may add — the ``RESTRICTED`` products
    are in no group, so no seeded line holds one its rules refuse."""
    existing = dict(Product.objects.values_list("code", "id"))
    missing = [
        Product(
            code=code, name=name, kind=kind, monthly_fee=Decimal(fee), business_code=business,
            **RULES.get(code, {}),
        )
        for code, name, kind, fee, business, _brand in PRODUCTS
        if code not in existing
    ]  # fmt: skip
    if missing:
        Product.objects.bulk_create(missing)
        existing = dict(Product.objects.values_list("code", "id"))
    groups: dict[str, list[int]] = {brand: [] for brand in Brand.values()}
    groups["extras"] = []
    for code, _name, _kind, _fee, _business, brand in PRODUCTS:
        if code not in RESTRICTED:
            groups[brand or "extras"].append(existing[code])
    return groups
