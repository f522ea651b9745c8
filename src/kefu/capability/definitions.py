"""Every query and handling action of CAP-2, with its conditions and result columns, as data.

One table serves three roles: the province builds its dynamic form from it (CAP-3) and validates the
agent's input; the hub reads which business goes to which platform; the platform checks the request
and knows which of its records answer it. Codes are stable (they travel in messages); labels are
zh-Hans msgids.

A condition's ``type``: ``number`` (an 11-digit mobile number), ``month`` (YYYY-MM), ``date``
(YYYY-MM-DD), ``text``, ``choice`` (one of ``choices``). ``date_from``/``date_to`` pairs bound a period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

QUERY, HANDLING = "query", "handling"
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    type: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 40

    def as_dict(self) -> dict:
        data = {"name": self.name, "label": str(self.label), "type": self.type, "required": self.required}
        if self.choices:
            data["choices"] = [{"value": v, "label": str(label)} for v, label in self.choices]
        if self.type == "text":
            data["max_length"] = self.max_length
        return data


@dataclass(frozen=True)
class QueryDef:
    code: str
    label: str
    kind: str  # QUERY or HANDLING
    conditions: tuple[Condition, ...]
    columns: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "kind": self.kind,
            "conditions": [c.as_dict() for c in self.conditions],
            "columns": [{"key": k, "label": str(label)} for k, label in self.columns],
        }


@dataclass(frozen=True)
class BusinessDef:
    code: str  # the catalog's business code
    name: str
    queries: tuple[QueryDef, ...] = field(default_factory=tuple)

    def query(self, code: str) -> QueryDef | None:
        return next((q for q in self.queries if q.code == code), None)


NUMBER = Condition("number", _("手机号码"), "number")
DATE_FROM = Condition("date_from", _("开始日期"), "date", required=False)
DATE_TO = Condition("date_to", _("结束日期"), "date", required=False)
MONTH = Condition("month", _("月份"), "month", required=False)
REASON = Condition("reason", _("办理原因"), "text", required=False, max_length=100)
PERIOD = (NUMBER, DATE_FROM, DATE_TO)

BLACKLIST_COLUMNS = (
    ("number", _("手机号码")),
    ("state", _("黑名单状态")),
    ("since", _("状态时间")),
    ("reason", _("原因")),
)
HANDLING_COLUMNS = (("number", _("手机号码")), ("state", _("办理后状态")), ("done_at", _("办理时间")))
ON_DEMAND_COLUMNS = (
    ("at", _("点播时间")),
    ("content", _("内容")),
    ("duration", _("时长(分钟)")),
    ("fee", _("费用(元)")),
)


def _activate() -> QueryDef:
    return QueryDef("blacklist_activate", _("黑名单激活"), HANDLING, (NUMBER, REASON), HANDLING_COLUMNS)


def _block() -> QueryDef:
    return QueryDef("blacklist_block", _("黑名单屏蔽"), HANDLING, (NUMBER, REASON), HANDLING_COLUMNS)


def _blacklist() -> QueryDef:
    return QueryDef("blacklist", _("黑名单查询"), QUERY, (NUMBER,), BLACKLIST_COLUMNS)


BUSINESSES: tuple[BusinessDef, ...] = (
    BusinessDef(
        "mobile_video",
        "手机视频",
        (
            _blacklist(),
            QueryDef(
                "order_history",
                _("历史订购查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("订购时间")),
                    ("product", _("产品")),
                    ("action", _("操作")),
                    ("fee", _("资费(元)")),
                    ("channel", _("渠道")),
                ),
            ),  # fmt: skip
            QueryDef("on_demand", _("点播记录查询"), QUERY, (NUMBER, MONTH), ON_DEMAND_COLUMNS),
            QueryDef(
                "handsets",
                _("适配机型查询"),
                QUERY,
                (
                    Condition("brand", _("手机品牌"), "text", max_length=20),
                    Condition("model", _("手机型号"), "text", required=False, max_length=30),
                ),
                (
                    ("brand", _("品牌")),
                    ("model", _("型号")),
                    ("resolution", _("分辨率")),
                    ("formats", _("支持格式")),
                    ("supported", _("是否适配")),
                ),
            ),  # fmt: skip
            _activate(),
            _block(),
        ),
    ),
    BusinessDef(
        "mobile_game",
        "手机游戏",
        (
            QueryDef(
                "basic_info",
                _("业务基本信息查询"),
                QUERY,
                (NUMBER,),
                (
                    ("number", _("手机号码")),
                    ("nickname", _("昵称")),
                    ("level", _("用户等级")),
                    ("registered_at", _("注册时间")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            _blacklist(),
            QueryDef(
                "consumption",
                _("消费记录查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("消费时间")),
                    ("game", _("游戏")),
                    ("item", _("道具/服务")),
                    ("fee", _("金额(元)")),
                    ("pay_method", _("支付方式")),
                ),
            ),  # fmt: skip
            QueryDef(
                "package_subscriptions",
                _("套餐订购关系查询"),
                QUERY,
                (NUMBER,),
                (
                    ("package", _("套餐")),
                    ("fee", _("月费(元)")),
                    ("since", _("生效时间")),
                    ("status", _("状态")),
                ),
            ),
            QueryDef(
                "package_orders",
                _("套餐订购记录查询"),
                QUERY,
                PERIOD,
                (("at", _("时间")), ("package", _("套餐")), ("action", _("操作")), ("channel", _("渠道"))),
            ),
            QueryDef(
                "card_recharges",
                _("点卡充值记录查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("充值时间")),
                    ("card", _("点卡卡号")),
                    ("points", _("点数")),
                    ("fee", _("面值(元)")),
                ),
            ),
            QueryDef(
                "points_balance",
                _("点数余额查询"),
                QUERY,
                (NUMBER,),
                (("number", _("手机号码")), ("balance", _("点数余额")), ("updated_at", _("更新时间"))),
            ),
            QueryDef("blacklist_add", _("黑名单新增"), HANDLING, (NUMBER, REASON), HANDLING_COLUMNS),
            QueryDef("blacklist_delete", _("黑名单删除"), HANDLING, (NUMBER, REASON), HANDLING_COLUMNS),
        ),
    ),
    BusinessDef(
        "wireless_music",
        "无线音乐",
        (
            QueryDef(
                "blacklist_log",
                _("黑名单屏蔽日志查询"),
                QUERY,
                PERIOD,
                (("at", _("时间")), ("action", _("操作")), ("channel", _("渠道")), ("reason", _("原因"))),
            ),
            QueryDef("on_demand", _("点播记录查询"), QUERY, (NUMBER, MONTH), ON_DEMAND_COLUMNS),
            _activate(),
            _block(),
        ),
    ),
    BusinessDef(
        "mobile_payment",
        "手机支付",
        (
            QueryDef(
                "account_balance",
                _("用户账户余额查询"),
                QUERY,
                (NUMBER,),
                (
                    ("number", _("手机号码")),
                    ("balance", _("可用余额(元)")),
                    ("frozen", _("冻结金额(元)")),
                    ("status", _("账户状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "bill_payments",
                _("缴话费交易查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("交易时间")),
                    ("txn", _("交易号")),
                    ("amount", _("金额(元)")),
                    ("status", _("状态")),
                ),
            ),
            QueryDef(
                "e_vouchers",
                _("电子券查询"),
                QUERY,
                (NUMBER,),
                (
                    ("voucher", _("券号")),
                    ("value", _("面值(元)")),
                    ("valid_until", _("有效期至")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "orders",
                _("用户订单信息列表查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("下单时间")),
                    ("order_no", _("订单号")),
                    ("merchant", _("商户")),
                    ("amount", _("金额(元)")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "order_detail",
                _("用户订单详细信息查询"),
                QUERY,
                (NUMBER, Condition("order_no", _("订单号"), "text", max_length=32)),
                (
                    ("order_no", _("订单号")),
                    ("merchant", _("商户")),
                    ("goods", _("商品")),
                    ("amount", _("金额(元)")),
                    ("paid_by", _("支付方式")),
                    ("at", _("下单时间")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "account_history",
                _("用户开销户历史查询"),
                QUERY,
                (NUMBER,),
                (("at", _("时间")), ("action", _("操作")), ("channel", _("渠道"))),
            ),
            QueryDef(
                "comm_payment_orders",
                _("通信账户支付历史订购查询"),
                QUERY,
                PERIOD,
                (
                    ("at", _("订购时间")),
                    ("product", _("产品")),
                    ("sp", _("服务提供商")),
                    ("amount", _("金额(元)")),
                ),
            ),
        ),
    ),
    BusinessDef(
        "mobile_reading",
        "手机阅读",
        (
            _blacklist(),
            QueryDef(
                "reading_records",
                _("阅读记录查询"),
                QUERY,
                (NUMBER, MONTH),
                (("at", _("阅读时间")), ("book", _("书名")), ("chapter", _("章节")), ("fee", _("费用(元)"))),
            ),
            QueryDef(
                "book_info",
                _("书籍信息查询"),
                QUERY,
                (Condition("book", _("书名或书号"), "text", max_length=40),),
                (
                    ("book_id", _("书号")),
                    ("title", _("书名")),
                    ("author", _("作者")),
                    ("price", _("价格(元)")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "vouchers",
                _("书券查询"),
                QUERY,
                (NUMBER,),
                (
                    ("voucher", _("书券")),
                    ("value", _("面值(元)")),
                    ("balance", _("余额(元)")),
                    ("valid_until", _("有效期至")),
                ),
            ),  # fmt: skip
            QueryDef(
                "monthly_packages",
                _("包月记录查询"),
                QUERY,
                (NUMBER,),
                (
                    ("package", _("包月产品")),
                    ("fee", _("月费(元)")),
                    ("since", _("开始")),
                    ("until", _("结束")),
                    ("status", _("状态")),
                ),
            ),  # fmt: skip
            QueryDef(
                "on_demand_orders",
                _("点播订购查询"),
                QUERY,
                PERIOD,
                (("at", _("订购时间")), ("book", _("书名")), ("chapter", _("章节")), ("fee", _("费用(元)"))),
            ),
            QueryDef(
                "handset_binding",
                _("手持绑定关系查询"),
                QUERY,
                (NUMBER,),
                (("device", _("终端")), ("bound_at", _("绑定时间")), ("status", _("状态"))),
            ),
            _activate(),
            _block(),
        ),
    ),
)

BY_CODE = {b.code: b for b in BUSINESSES}


def business(code: str) -> BusinessDef | None:
    return BY_CODE.get(code)


class ConditionError(ValueError):
    """``errors``: {condition name: message} for the agent's form."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean_conditions(query: QueryDef, raw: dict) -> dict:
    """The conditions of ``query`` from ``raw`` (strings), checked; raises :class:`ConditionError`.

    Unknown keys are dropped; empty optional values are left out; a period must not run backwards."""
    from django.utils.translation import gettext as _g

    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    raw = raw if isinstance(raw, dict) else {}
    for cond in query.conditions:
        value = raw.get(cond.name)
        value = "" if value is None else str(value).strip()
        if not value:
            if cond.required:
                errors[cond.name] = _g("请填写%(label)s") % {"label": cond.label}
            continue
        if cond.type == "number" and not MOBILE.match(value):
            errors[cond.name] = _g("请输入11位手机号码")
        elif cond.type == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                errors[cond.name] = _g("日期格式应为 YYYY-MM-DD")
        elif cond.type == "month":
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
                errors[cond.name] = _g("月份格式应为 YYYY-MM")
        elif cond.type == "choice" and value not in {v for v, _label in cond.choices}:
            errors[cond.name] = _g("不是可选的值")
        elif cond.type == "text" and len(value) > cond.max_length:
            errors[cond.name] = _g("最多%(n)s个字符") % {"n": cond.max_length}
        clean[cond.name] = value
    if (
        not errors
        and clean.get("date_from")
        and clean.get("date_to")
        and clean["date_from"] > clean["date_to"]
    ):
        errors["date_to"] = _g("结束日期不能早于开始日期")
    if errors:
        raise ConditionError(errors)
    return clean
