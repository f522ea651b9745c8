"""The platform's seeded reference data: generated for a number the first time anyone asks about it.

Generation is deterministic (a random generator seeded by the number), so the same number shows the
same history on every run and in every test; records spread over the 180 days before seeding. Some
numbers start on a blacklist (number % 5 == 0: blocked on video, music and reading; number % 7 == 0:
on the game blacklist), so both answers can be shown without handling first.

Handsets (适配机型) and books (书籍信息) do not belong to a number: they are the fixed lists below.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

HANDSETS = [
    ("华为", "Mate 60", "2720x1260", "MP4/H.264/H.265", "是"),
    ("华为", "P60", "2700x1220", "MP4/H.264/H.265", "是"),
    ("华为", "畅享 20", "1600x720", "MP4/H.264", "是"),
    ("小米", "14", "2670x1200", "MP4/H.264/H.265", "是"),
    ("小米", "Redmi Note 12", "2400x1080", "MP4/H.264", "是"),
    ("OPPO", "Reno 10", "2412x1080", "MP4/H.264/H.265", "是"),
    ("vivo", "X100", "2800x1260", "MP4/H.264/H.265", "是"),
    ("苹果", "iPhone 15", "2556x1179", "MP4/H.264/HEVC", "是"),
    ("诺基亚", "N73", "320x240", "3GP", "否"),
    ("中兴", "U880", "800x480", "3GP/MP4", "否"),
]

BOOKS = [
    ("B100001", "平凡的世界", "路遥", "25.00", "连载完结"),
    ("B100002", "三体", "刘慈欣", "30.00", "连载完结"),
    ("B100003", "围城", "钱锺书", "18.00", "连载完结"),
    ("B100004", "明朝那些事儿", "当年明月", "28.00", "连载完结"),
    ("B100005", "活着", "余华", "15.00", "连载完结"),
    ("B100006", "斗罗大陆", "唐家三少", "0.10/章", "连载中"),
]

VIDEO = ["新闻联播精选", "中超集锦", "纪录片·航拍中国", "电视剧·人世间 第12集", "综艺·歌手"]
VIDEO_PRODUCTS = [("视频会员包月", "15.00"), ("体育频道包", "10.00"), ("影视点播包", "6.00")]
MUSIC = ["彩铃·茉莉花", "歌曲·青花瓷", "歌曲·成都", "全曲下载·光年之外", "振铃·好运来"]
GAMES = [
    ("仙剑奇侠传", "金币礼包"),
    ("天天象棋", "会员月卡"),
    ("植物大战僵尸", "关卡解锁"),
    ("斗地主", "欢乐豆"),
]
GAME_PACKAGES = [("游戏畅玩包", "10.00"), ("休闲游戏包", "5.00"), ("棋牌包月", "8.00")]
MERCHANTS = [
    ("中国移动营业厅", "话费充值"),
    ("便利店", "日用品"),
    ("电影院", "电影票"),
    ("公交公司", "交通卡充值"),
]
SPS = [("SP901234", "彩信天气预报"), ("SP902001", "手机报"), ("SP903377", "音乐随身听")]
CHANNELS = ["短信", "WAP", "客户端", "营业厅", "10086"]
READING_PACKAGES = [("阅读畅读包", "5.00"), ("书城VIP包月", "10.00")]
DEVICES = ["电子书阅读器 G3", "平板 M5", "手机客户端"]


def _money(rng: random.Random, low: float, high: float) -> str:
    return str(Decimal(str(round(rng.uniform(low, high), 2))).quantize(Decimal("0.01")))


def generate(number: str, *, now: datetime) -> tuple[list[dict], list[dict]]:
    """(records, blacklist entries) for ``number``: dicts ready for the models."""
    rng = random.Random(f"kefu-platform-{number}")
    records: list[dict] = []

    def at() -> datetime:
        return (now - timedelta(days=rng.randint(0, 179), minutes=rng.randint(0, 1439))).replace(
            second=0, microsecond=0
        )

    def add(business: str, kind: str, key: str = "", when: datetime | None = None, **data):
        when = when or at()
        records.append({"business": business, "kind": kind, "number": number, "at": when, "key": key,
                        "data": {"at": when.strftime("%Y-%m-%d %H:%M"), **data}})  # fmt: skip

    # 手机视频
    for _i in range(rng.randint(2, 4)):
        product, fee = rng.choice(VIDEO_PRODUCTS)
        add("mobile_video", "order_history", product=product, action=rng.choice(["订购", "退订"]), fee=fee,
            channel=rng.choice(CHANNELS))  # fmt: skip
    for _i in range(rng.randint(4, 8)):
        add("mobile_video", "on_demand", content=rng.choice(VIDEO), duration=rng.randint(3, 95),
            fee=_money(rng, 0, 3))  # fmt: skip
    # 手机游戏
    add("mobile_game", "basic_info", when=now - timedelta(days=400), number=number,
        nickname=f"玩家{number[-4:]}", level=f"V{rng.randint(1, 6)}", registered_at=(now - timedelta(days=400)).strftime("%Y-%m-%d"),
        status="正常")  # fmt: skip
    for _i in range(rng.randint(3, 6)):
        game, item = rng.choice(GAMES)
        add("mobile_game", "consumption", game=game, item=item, fee=_money(rng, 1, 30),
            pay_method=rng.choice(["话费", "点数"]))  # fmt: skip
    subscribed = rng.sample(GAME_PACKAGES, 2)
    for package, fee in subscribed:
        since = at()
        add("mobile_game", "package_subscriptions", when=since, package=package, fee=fee,
            since=since.strftime("%Y-%m-%d"), status="有效")  # fmt: skip
        add("mobile_game", "package_orders", when=since, package=package, action="订购",
            channel=rng.choice(CHANNELS))  # fmt: skip
    for _i in range(rng.randint(1, 3)):
        face = rng.choice([10, 30, 50])
        add("mobile_game", "card_recharges", card=f"{rng.randint(10**15, 10**16 - 1)}"[:4] + "********",
            points=face * 10, fee=f"{face}.00")  # fmt: skip
    add("mobile_game", "points_balance", when=now, number=number, balance=rng.randint(0, 2000),
        updated_at=now.strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    # 无线音乐
    for _i in range(rng.randint(4, 8)):
        add("wireless_music", "on_demand", content=rng.choice(MUSIC), duration=rng.randint(1, 5),
            fee=_money(rng, 0, 2))  # fmt: skip
    # 手机支付
    add("mobile_payment", "account_balance", when=now, number=number, balance=_money(rng, 0, 500),
        frozen="0.00", status="正常")  # fmt: skip
    opened = now - timedelta(days=rng.randint(200, 900))
    add("mobile_payment", "account_history", when=opened, action="开户", channel=rng.choice(CHANNELS))
    for i in range(rng.randint(2, 4)):
        add("mobile_payment", "bill_payments", txn=f"T{number[-6:]}{i:04d}", amount=f"{rng.choice([30, 50, 100])}.00",
            status="成功")  # fmt: skip
    for i in range(rng.randint(1, 3)):
        add("mobile_payment", "e_vouchers", voucher=f"EV{number[-4:]}{i:03d}", value=f"{rng.choice([5, 10, 20])}.00",
            valid_until=(now + timedelta(days=90)).strftime("%Y-%m-%d"), status=rng.choice(["未使用", "已使用"]))  # fmt: skip
    for i in range(rng.randint(2, 5)):
        merchant, goods = rng.choice(MERCHANTS)
        order_no = f"P{number[-6:]}{i:04d}"
        amount, paid_by, status = _money(rng, 5, 300), rng.choice(["账户余额", "话费", "银行卡"]), "已完成"
        when = at()
        add("mobile_payment", "orders", key=order_no, when=when, order_no=order_no, merchant=merchant,
            amount=amount, status=status)  # fmt: skip
        add("mobile_payment", "order_detail", key=order_no, when=when, order_no=order_no, merchant=merchant,
            goods=goods, amount=amount, paid_by=paid_by, status=status)  # fmt: skip
    for _i in range(rng.randint(1, 3)):
        sp, product = rng.choice(SPS)
        add("mobile_payment", "comm_payment_orders", product=product, sp=sp, amount=_money(rng, 1, 10))
    # 手机阅读
    for _i in range(rng.randint(3, 6)):
        book = rng.choice(BOOKS)
        add(
            "mobile_reading",
            "reading_records",
            book=book[1],
            chapter=f"第{rng.randint(1, 80)}章",
            fee=_money(rng, 0, 1),
        )
    for _i in range(rng.randint(1, 3)):
        book = rng.choice(BOOKS)
        add(
            "mobile_reading",
            "on_demand_orders",
            book=book[1],
            chapter=f"第{rng.randint(1, 80)}章",
            fee="0.10",
        )
    add("mobile_reading", "vouchers", voucher=f"RV{number[-4:]}", value="10.00", balance=_money(rng, 0, 10),
        valid_until=(now + timedelta(days=60)).strftime("%Y-%m-%d"))  # fmt: skip
    package, fee = rng.choice(READING_PACKAGES)
    since = at()
    add("mobile_reading", "monthly_packages", when=since, package=package, fee=fee, since=since.strftime("%Y-%m-%d"),
        until="", status="有效")  # fmt: skip
    add(
        "mobile_reading",
        "handset_binding",
        device=rng.choice(DEVICES),
        bound_at=at().strftime("%Y-%m-%d"),
        status="已绑定",
    )

    blacklist = []
    value = int(number) if number.isdigit() else 0
    if value % 5 == 0:
        for business in ("mobile_video", "wireless_music", "mobile_reading"):
            blacklist.append(
                {"business": business, "number": number, "state": "blocked", "reason": "投诉屏蔽"}
            )
    if value % 7 == 0:
        blacklist.append(
            {"business": "mobile_game", "number": number, "state": "blocked", "reason": "恶意消费"}
        )
    return records, blacklist
