"""Demo work orders (`kefu demo`): a history of archived complaints for the category suggestion to
learn from (SR-3), and one TMF621-style ticket waiting in triage (待分拣, WO-4) to suggest for.

Every order goes through the real services — accepted by the hotline agent, dispatched to the city,
received, replied, called back and archived by the people whose turn it is — so the history carries
its events, audit rows and contact records like any order the desk makes. The descriptions are
composed from what customers say about each category, in varied wording, so the model learns the
words of a category rather than a sentence."""

from __future__ import annotations

import random

from kefu.catalog.models import CategoryNode
from kefu.core.models import Staff
from kefu.customers.models import Subscriber
from kefu.workorders import services
from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import HolderKind, WorkOrderKind, WorkOrderState
from kefu.workorders.models import WorkOrder

# (category under 投诉 > 基础业务, responsibility cause, responsible department): what customers say
# about it. Each archived order takes two of the category's phrases, an opening and a demand.
HISTORY: list[tuple[str, str, str, list[str]]] = [
    (
        "账单费用 > 账单费用争议",
        "BIL-ERROR",
        "RESP-BILLING",
        [
            "这个月话费突然多了一百多块",
            "账单上有好几项看不懂的费用",
            "话费比平时高了一倍",
            "账单里多了一笔不明费用",
            "查了详单发现通话费算错了",
            "话费账单金额和实际使用对不上",
        ],
    ),
    (
        "账单费用 > 套餐外费用争议",
        "PRD-TARIFF",
        "RESP-MARKET",
        [
            "流量超出套餐被收了很多钱",
            "套餐外流量费太贵了",
            "没收到流量提醒就扣了超出的费用",
            "出差漫游产生了高额流量费",
            "套餐外语音费收得莫名其妙",
            "流量用超了也没有短信提醒",
        ],
    ),
    (
        "套餐资费 > 套餐变更未生效",
        "SVC-ERROR",
        "RESP-CHANNEL",
        [
            "上个月改的套餐这个月还没生效",
            "办了套餐变更还是按老套餐扣费",
            "营业厅说新套餐次月生效但没有变",
            "改成低档套餐后月租没变",
            "网上办理的套餐变更查不到记录",
            "换套餐以后还在收原来的月租",
        ],
    ),
    (
        "停开机 > 欠费停机争议",
        "SYS-FAILURE",
        "RESP-BILLING",
        [
            "余额还有钱却被停机了",
            "没有任何提醒就欠费停机",
            "交了话费第二天还是停机",
            "信用额度内就被停机了",
            "自动扣款失败直接把我停机了",
            "账户明明有余额手机打不出去说欠费",
        ],
    ),
    (
        "停开机 > 复机不及时",
        "SVC-TIMELY",
        "RESP-BILLING",
        [
            "缴费后两个小时还没开机",
            "交完欠费手机还是打不出去",
            "充值到账了却一直没有复机",
            "已经补交费用还是停机状态",
            "复机申请提交一天了还没恢复",
            "交了钱号码还是无法接听电话",
        ],
    ),
    (
        "积分 > 积分兑换问题",
        "SVC-TIMELY",
        "RESP-MARKET",
        [
            "积分兑换的礼品一直没收到",
            "积分换话费没有到账",
            "兑换商城显示兑换成功但积分扣了东西没发",
            "积分兑换的流量包没生效",
            "用积分换的电影票没收到短信",
            "积分兑换后订单一直显示处理中",
        ],
    ),
    (
        "营业服务 > 营业厅服务态度",
        "SVC-ATTITUDE",
        "RESP-SERVICE",
        [
            "营业员态度很差说话不耐烦",
            "在营业厅排了一个多小时队没人管",
            "营业员推诿不给办理业务",
            "营业厅工作人员对老人态度恶劣",
            "店员一直推销不需要的套餐",
            "营业员玩手机不理顾客",
        ],
    ),
    (
        "入网与号码 > 实名登记问题",
        "SVC-CHANNEL",
        "RESP-CHANNEL",
        [
            "身份证被别人登记了号码",
            "名下多了一个不认识的手机号",
            "查询发现我的证件办了好几张卡",
            "实名信息登记成了别人的名字",
            "代办点用我的身份证多开了号码",
            "号码实名认证一直失败",
        ],
    ),
]
OPENINGS = ["客户来电反映", "客户投诉", "用户称", "客户表示", "客户反映"]
DEMANDS = ["要求尽快处理", "要求给个说法", "要求退还费用", "希望尽快回复", "请相关部门核实", "非常不满"]

# A ticket as a TMF621 client opens it: description, severity and type, no category of kefu's tree.
TRIAGE_TICKET = "缴费已经三个小时了还没有复机，手机打不出去也收不到短信，要求马上开机"

# kefu.core.demo's JS hotline agent, back office, Nanjing city handler and supervisor
AGENT, BACK, CITY, SUPERVISOR = "js1001", "js1004", "js1005", "js1006"


def _categories() -> dict[str, CategoryNode]:
    nodes = CategoryNode.objects.filter(
        request_type="complaint", version__is_current=True, depth=2, business__name="基础业务"
    ).select_related("parent")
    return {f"{n.parent.name} > {n.name}": n for n in nodes}


def _actor(order: WorkOrder, staff: dict[str, Staff]) -> Staff:
    """Whose turn it is: the city handler while the city holds the order (the supervisor, who may
    act for any holder of the province, for a city the demo has no handler in), the back office
    else."""
    if order.holder_kind != HolderKind.CITY_TEAM:
        return staff[BACK]
    return staff[CITY] if order.city_id == staff[CITY].city_id else staff[SUPERVISOR]


def seed_demo_orders(*, per_category: int = 6, random_seed: int = 11) -> tuple[int, WorkOrder | None]:
    """Archive ``per_category`` complaints of each category of :data:`HISTORY` for Jiangsu's
    subscribers and open one TMF621-style ticket in triage; nothing when the demo already has orders.
    Returns (archived orders made, the triage ticket)."""
    if WorkOrder.objects.exists():
        return 0, None
    staff = {s.job_number: s for s in Staff.objects.filter(job_number__in=(AGENT, BACK, CITY, SUPERVISOR))}
    subscribers = list(
        Subscriber.objects.filter(home_province__code="JS", status="active").order_by("id")[:40]
    )
    if len(staff) < 4 or not subscribers:
        return 0, None
    categories = _categories()
    pick = random.Random(random_seed)
    made = 0
    for path, cause, department, phrases in HISTORY:
        category = categories.get(path)
        if category is None:  # a catalog without the category: its history is left out
            continue
        for i in range(per_category):
            first, second = pick.sample(phrases, 2)
            text = f"{pick.choice(OPENINGS)}{first}，{second}，{pick.choice(DEMANDS)}"
            order = services.order_accept(
                actor=staff[AGENT],
                data=services.OrderInput(
                    kind=WorkOrderKind.COMPLAINT,
                    subscriber=subscribers[(made + i) % len(subscribers)],
                    category=category,
                    description=text,
                ),
            ).order
            for action, data in (
                ("dispatch", {}),
                ("receive", {}),
                ("reply", {"comment": "已核实并处理，结果已向客户解释"}),
                ("feedback", {"satisfaction": "satisfied"}),
                ("archive", {"responsibility_cause": cause, "responsible_department": department}),
            ):
                order = ACTIONS[action].perform(actor=_actor(order, staff), order=order, data=data)
            made += order.state == WorkOrderState.ARCHIVED
    ticket = services.order_accept(
        actor=staff[AGENT],
        data=services.OrderInput(
            kind=WorkOrderKind.COMPLAINT, title="手机缴费后无法使用", description=TRIAGE_TICKET, triage=True
        ),
    ).order
    return made, ticket
