"""Query results as Chinese message texts (Q-4): short enough for an SMS where possible."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.queries import orders
from kefu.queries.choices import QueryKind


def _yuan(value) -> str:
    return f"{value:.2f}"


def _bills(number, billing, subscriber) -> str:
    rows = billing.bills(number, months=3)
    if not rows:
        return _("暂无账单。")
    parts = [
        _("%(m)s合计%(t)s元（应缴%(d)s元，已缴%(p)s元）")
        % {
            "m": b.month.strftime("%Y年%m月"),
            "t": _yuan(b.total_fee),
            "d": _yuan(b.amount_due),
            "p": _yuan(b.amount_paid),
        }
        for b in rows
    ]
    return _("近%(n)d个月账单：") % {"n": len(rows)} + "；".join(parts) + "。"


def _balance(number, billing, subscriber) -> str:
    b = billing.balance(number)
    if b is None:
        return _("暂无账户信息。")
    return _("账户余额%(b)s元，欠费%(a)s元。") % {"b": _yuan(b.balance), "a": _yuan(b.arrears)}


def _payments(number, billing, subscriber) -> str:
    rows = billing.payments(number, limit=3)
    if not rows:
        return _("暂无缴费记录。")
    parts = [f"{timezone.localtime(p.paid_at):%Y-%m-%d} {_yuan(p.amount)}" + _("元") for p in rows]
    return _("最近缴费：") + "；".join(parts) + "。"


def _call_details(number, billing, subscriber) -> str:
    from kefu.queries.services import month_bounds

    month = timezone.localdate().replace(day=1)
    since, until = month_bounds(month)
    rows = billing.call_details(number, since=since, until=until, limit=500)
    seconds = sum(r.duration_seconds for r in rows)
    fee = sum((r.fee for r in rows), start=0)
    return _("本月通话%(n)d次，共%(m)d分钟，通话费%(f)s元。") % {
        "n": len(rows),
        "m": (seconds + 59) // 60,
        "f": _yuan(fee),
    }


def _points(number, billing, subscriber) -> str:
    p = billing.points(number)
    if p is None:
        return _("暂无积分信息。")
    return _(
        "当前积分%(cur)d分，其中可兑换%(r)d分、不可兑换%(nr)d分；本月新增消费积分%(em)d分、活动积分%(am)d分，"
        "本月兑换%(rm)d分、作废%(vm)d分；累计消费积分%(et)d分、活动积分%(at)d分、可用积分%(ut)d分、"
        "已兑换%(rt)d分、已作废%(vt)d分；本月可用积分%(um)d分。"
    ) % {
        "cur": p.current_total,
        "r": p.redeemable,
        "nr": p.not_redeemable,
        "em": p.earned_this_month,
        "am": p.activity_this_month,
        "rm": p.redeemed_this_month,
        "vm": p.voided_this_month,
        "et": p.earned_total,
        "at": p.activity_total,
        "ut": p.usable_total,
        "rt": p.redeemed_total,
        "vt": p.voided_total,
        "um": p.usable_this_month,
    }


def _orders(number, billing, subscriber) -> str:
    rows = orders.order_progress(subscriber)[:3]
    if not rows:
        return _("暂无在途或近期办理的业务。")
    parts = [
        " ".join(v for v in (r.number, r.title, r.state_display, r.repair_status_display) if v) for r in rows
    ]
    return _("业务进度：") + "；".join(parts) + "。"


COMPOSERS = {
    QueryKind.BILLS: _bills,
    QueryKind.BALANCE: _balance,
    QueryKind.PAYMENTS: _payments,
    QueryKind.CALL_DETAILS: _call_details,
    QueryKind.POINTS: _points,
    QueryKind.ORDERS: _orders,
}


def compose(what: str, *, number: str, billing, subscriber) -> tuple[str, str]:
    """(subject, text) of a query result for ``number``."""
    body = COMPOSERS[what](number, billing, subscriber)
    subject = _("%(number)s的%(what)s查询结果") % {"number": number, "what": QueryKind.label(what)}
    return subject, _("尊敬的客户，您好！您的号码%(number)s") % {"number": number} + body
