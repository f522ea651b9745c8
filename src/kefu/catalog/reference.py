"""Shipped catalog data: every business SR-3 names with its history, the request-category trees,
responsibility causes (SR-4) and default time limits (WO-5, TIER-1).

:func:`load_catalog` writes it and is idempotent: run again, it adds only what is missing and never
rewrites history (a published category version is never touched). It takes model classes, so the data
migration passes its historical models; it therefore uses plain ORM calls, not the services.
"""

from __future__ import annotations

import datetime as dt

# Request-type keys (values of kefu.core.choices.RequestType), short for the tables below.
C, CONS, Q, BH, F, S = "complaint", "consultation", "query", "business_handling", "fault_report", "suggestion"

# The day 000's changes went live (全网集中运营专区近期上线功能, 2012-09-27).
CHANGE_DAY = dt.date(2012, 9, 27)
LONG_AGO = dt.date(2008, 1, 1)

# A tree is {request_type: [(problem, [detail, ...]), ...]}.

_VAS_COMPLAINT = [
    ("扣费争议", ["未订购却扣费", "退订后仍扣费", "重复扣费", "资费与宣传不符"]),
    ("业务使用问题", ["无法登录或使用", "内容质量问题", "功能异常"]),
    ("营销宣传", ["宣传误导", "营销信息骚扰"]),
    ("服务问题", ["服务态度", "处理不及时"]),
]
_VAS_CONSULTATION = [
    ("业务介绍", ["功能介绍", "适用终端"]),
    ("资费标准", ["资费说明", "套餐说明"]),
    ("办理方式", ["开通方法", "退订方法"]),
    ("使用方法", ["使用指导", "常见问题"]),
]
_VAS_QUERY = [
    ("订购关系查询", ["当前订购", "历史订购"]),
    ("消费记录查询", ["扣费明细"]),
]
_VAS_HANDLING = [
    ("开通", ["业务开通"]),
    ("退订", ["业务退订"]),
    ("变更", ["套餐变更"]),
]
_VAS_FAULT = [
    ("业务无法使用", ["无法访问", "加载或下载失败", "其他"]),
]
_SUGGESTION = [
    ("产品建议", ["功能建议", "资费建议"]),
    ("服务建议", ["服务流程建议"]),
]


def _vas(**extra) -> dict:
    """The tree of a value-added business; ``extra`` adds problems per request type (e.g. q=[...])."""
    tree = {
        C: list(_VAS_COMPLAINT),
        CONS: list(_VAS_CONSULTATION),
        Q: list(_VAS_QUERY),
        BH: list(_VAS_HANDLING),
        F: list(_VAS_FAULT),
        S: list(_SUGGESTION),
    }
    keys = {"c": C, "cons": CONS, "q": Q, "bh": BH, "f": F, "s": S}
    for key, problems in extra.items():
        tree[keys[key]] = tree[keys[key]] + problems
    return tree


def _monternet(channel: str) -> dict:
    """The tree of a Monternet SP business handled on SIMS (SP-1)."""
    return {
        C: [
            (
                "SP违规扣费",
                ["未经确认订购", "二次确认缺失", "退订后仍扣费", "诱导订购", "扣费与资费提示不符"],
            ),
            ("不良信息", [f"垃圾{channel}骚扰", "不良内容"]),
            ("SP服务质量", ["SP客服热线无法接通", "SP未按承诺处理", "内容与宣传不符"]),
            ("退订问题", ["无法退订", "退订未生效"]),
        ],
        CONS: [
            ("业务介绍", ["业务功能", "SP企业及客服电话"]),
            ("资费标准", ["信息费说明", "包月与点播说明"]),
        ],
        Q: [
            ("订购关系查询", ["当前订购关系", "历史订购关系"]),
            ("扣费记录查询", ["信息费扣费明细"]),
            ("SP信息查询", ["SP企业代码及客服电话"]),
        ],
        BH: [
            ("退订", ["单项退订", "全部退订(0000)"]),
            ("业务屏蔽", ["梦网业务屏蔽", "解除屏蔽"]),
        ],
        F: [("业务无法使用", ["无法接收", "无法访问", "其他"])],
        S: [("产品建议", ["业务内容建议", "资费建议"])],
    }


def _old_tree() -> dict:
    """The coarse tree businesses had before 000's re-organisation (kept as version 1)."""
    return {
        C: [("费用争议", ["扣费疑问", "资费不符"]), ("业务使用", ["无法使用"]), ("其他投诉", [])],
        CONS: [("业务咨询", ["业务介绍", "资费"])],
        Q: [("业务查询", ["订购关系"])],
        BH: [("业务办理", ["开通", "退订"])],
    }


def _cap(queries: list[str], handling: list[str]) -> dict:
    """Queries and handling a business platform answers through the hub (CAP-2)."""
    extra = {"q": [("平台查询", queries)]}
    if handling:
        extra["bh"] = [("黑名单办理", handling)]
    return extra


_BROADBAND_FAULT_CLASSES = [
    ("无法上网且无法通话", ["线路中断", "入户线故障", "光猫或Modem信号灯异常"]),
    ("能通话不能上网", ["拨号错误(691/678等)", "账号认证失败", "光猫或Modem故障", "电脑或路由器设置问题"]),
    ("网速慢", ["速率低于签约带宽", "特定时段网速慢", "访问特定网站慢"]),
    ("网络不稳定、掉线", ["频繁掉线", "高峰时段不稳定", "线路噪声大"]),
    ("其他", ["其他宽带障碍"]),
]

TREES: dict[str, dict] = {
    "basic": {
        C: [
            ("入网与号码", ["实名登记问题", "选号问题", "携号转网问题"]),
            ("停开机", ["欠费停机争议", "停机保号问题", "复机不及时"]),
            ("账单费用", ["账单费用争议", "月租费争议", "套餐外费用争议"]),
            ("套餐资费", ["套餐变更未生效", "套餐资费与宣传不符"]),
            ("积分", ["积分扣减争议", "积分兑换问题"]),
            ("营业服务", ["营业厅服务态度", "热线服务态度", "业务办理差错"]),
        ],
        CONS: [
            ("入网办理", ["入网条件", "所需证件"]),
            ("套餐资费", ["套餐介绍", "资费标准"]),
            ("积分", ["积分规则", "积分兑换"]),
            ("服务网点", ["营业厅地址与营业时间"]),
        ],
        Q: [
            ("话费查询", ["月度账单", "通话详单", "余额", "欠费", "缴费记录"]),
            ("积分查询", ["当前积分", "可兑换积分", "积分明细"]),
            ("工单进度查询", ["业务受理进度", "障碍修复进度", "投诉处理进度", "建议处理进度"]),
        ],
        BH: [
            ("套餐变更", ["主套餐变更", "可选包订购或退订"]),
            ("停开机", ["停机保号", "复机"]),
            ("客户资料", ["过户", "资料变更", "补换卡"]),
            ("预受理", ["集团业务预受理", "上门服务预约"]),
        ],
        S: list(_SUGGESTION),
    },
    "voice": {
        C: [
            ("网络质量", ["室内无信号", "室外覆盖差", "通话掉话", "通话杂音或单通", "接通困难"]),
            ("通话计费", ["通话费用争议", "长途费争议", "套餐分钟数扣减异常"]),
            ("骚扰电话", ["骚扰或诈骗电话", "号码被标记"]),
        ],
        CONS: [
            ("语音资费", ["语音套餐资费", "长途资费"]),
            ("语音功能", ["呼叫转移", "来电显示", "呼叫等待"]),
        ],
        Q: [("语音使用查询", ["通话详单", "剩余通话分钟数"])],
        BH: [("语音功能", ["开通呼叫转移", "开通来电显示"]), ("语音套餐", ["语音套餐变更"])],
        F: [("移动电话障碍", ["无法呼出", "无法呼入", "无信号", "通话质量差", "停开机状态异常"])],
        S: [("网络建设建议", ["基站建设建议", "室内覆盖建议"]), ("资费建议", ["语音资费建议"])],
    },
    "sms": {
        C: [
            ("收发异常", ["无法发送", "无法接收", "接收延迟", "显示乱码"]),
            ("垃圾短信", ["营销短信骚扰", "诈骗短信"]),
            ("短信计费", ["短信费用争议", "群发扣费争议"]),
        ],
        CONS: [("短信资费", ["短信资费标准", "短信套餐"])],
        Q: [("短信使用查询", ["短信详单", "剩余短信条数"])],
        BH: [("短信套餐", ["订购短信包", "退订短信包"])],
        F: [("短信障碍", ["无法发送", "无法接收"])],
        S: [("产品建议", ["短信功能建议"])],
    },
    "mms": {
        C: [("收发异常", ["无法发送", "无法接收", "内容无法显示"]), ("彩信计费", ["彩信费用争议"])],
        CONS: [("彩信使用", ["彩信设置方法", "彩信资费"])],
        Q: [("彩信使用查询", ["彩信详单"])],
        F: [("彩信障碍", ["无法发送", "无法接收", "终端设置问题"])],
    },
    "data": {
        C: [
            ("流量计费", ["流量费用争议", "套餐外流量高额", "流量提醒不及时"]),
            ("网络质量", ["网速慢", "无法上网", "频繁掉线"]),
        ],
        CONS: [("流量资费", ["流量套餐介绍", "定向流量说明"]), ("网络制式", ["4G/5G网络说明"])],
        Q: [("流量使用查询", ["剩余流量", "流量详单"])],
        BH: [("流量包", ["订购流量包", "退订流量包", "变更流量包"])],
        F: [("手机上网障碍", ["无法上网", "网速慢", "频繁掉线", "APN设置问题"])],
        S: [("资费建议", ["流量资费建议"])],
    },
    "broadband": {
        C: [
            ("装机移机", ["装机超时", "移机超时", "装维人员服务"]),
            ("网络质量", ["网速不达标", "频繁掉线"]),
            ("宽带计费", ["包年费用争议", "拆机后仍收费"]),
            ("维修服务", ["修障超时", "多次修障未解决"]),
        ],
        CONS: [("宽带资费", ["包月与包年资费", "提速资费"]), ("办理条件", ["覆盖地址查询", "安装条件"])],
        Q: [("宽带信息查询", ["宽带账号及到期时间", "装机进度", "修障进度"])],
        BH: [("宽带业务", ["新装", "移机", "拆机", "提速或变更", "密码重置"])],
        F: list(_BROADBAND_FAULT_CLASSES),
        S: [("服务建议", ["装维服务建议"])],
    },
    "fixed_line": {
        C: [
            ("通话质量", ["杂音", "单通", "串线"]),
            ("固话计费", ["月租费争议", "长途费争议"]),
            ("装机移机", ["装机超时", "移机超时"]),
        ],
        CONS: [("固话资费", ["月租及通话资费"])],
        Q: [("固话话费查询", ["月度账单", "通话详单"])],
        BH: [("固话业务", ["新装", "移机", "拆机", "开通来电显示"])],
        F: [("固话障碍", ["无拨号音", "杂音", "单通", "不能呼出", "不能呼入", "串线"])],
    },
    "phs": {
        C: [("信号覆盖", ["室内无信号", "通话断续"]), ("小灵通迁转", ["迁转政策争议"])],
        CONS: [("小灵通迁转", ["迁转政策", "迁转优惠"])],
        BH: [("小灵通业务", ["销号", "迁转办理"])],
        F: [("小灵通障碍", ["无信号", "无法通话", "通话断续", "短信收发失败"])],
    },
    "leased_line": {
        C: [("专线服务", ["开通超时", "带宽不达标", "故障恢复超时"])],
        CONS: [("专线业务", ["专线资费", "开通条件"])],
        BH: [("专线业务", ["新开通", "带宽扩容", "拆除"])],
        F: [("专线障碍", ["电路中断", "丢包或时延大", "带宽不达标", "设备告警"])],
    },
    "internet_products": {
        C: [("互联网产品服务", ["服务中断", "资费争议"])],
        CONS: [("互联网产品", ["IDC托管", "云主机", "域名与备案"])],
        BH: [("互联网产品", ["开通", "变更", "退订"])],
        F: [("互联网产品障碍", ["IDC主机无法访问", "域名解析异常", "云主机故障", "网站备案系统异常"])],
    },
    "roaming": {
        C: [
            ("漫游计费", ["漫游费用高额", "漫游流量包未生效", "漫游费用与资费不符"]),
            ("境外使用", ["境外无法通话", "境外无法上网"]),
        ],
        CONS: [("漫游资费", ["国际及港澳台漫游资费", "漫游流量包"]), ("开通条件", ["开通条件与押金"])],
        Q: [("漫游话单查询", ["漫游通话详单", "漫游流量详单"])],
        BH: [("漫游业务", ["开通国际漫游", "关闭国际漫游", "订购漫游流量包"])],
        F: [("境外使用障碍", ["无法注册网络", "无法上网"])],
    },
    "international": {
        C: [("国际长途", ["国际长途费用争议", "国际长途无法接通"]), ("国际短信", ["国际短信无法发送"])],
        CONS: [("国际业务", ["国际长途资费", "IP长途拨打方法", "国际短信资费"])],
        Q: [("国际业务查询", ["国际长途详单"])],
        BH: [("国际业务", ["开通国际长途", "关闭国际长途"])],
    },
    "crbt": _vas(
        c=[("彩铃使用", ["铃音不播放", "铃音设置无效"])], bh=[("铃音设置", ["设置默认铃音", "分时段铃音"])]
    ),
    "139mail": _vas(c=[("邮箱使用", ["邮件收发异常", "邮件到达通知不及时"])]),
    "fetion": _vas(c=[("飞信使用", ["无法登录", "消息收发异常", "好友丢失"])]),
    "missed_call": _vas(c=[("提醒异常", ["关机期间来电未提醒", "提醒短信延迟"])]),
    "wlan": {
        C: [
            ("无法登录", ["账号或密码错误", "认证页面无法打开"]),
            ("WLAN计费", ["时长或流量费用争议", "WLAN套餐未生效"]),
            ("网络质量", ["信号弱", "网速慢", "频繁掉线"]),
        ],
        CONS: [("WLAN资费", ["WLAN套餐资费"]), ("使用方法", ["登录方法", "热点分布"])],
        Q: [("WLAN查询", ["WLAN套餐及使用量", "WLAN上网记录"])],
        BH: [("WLAN业务", ["开通WLAN套餐", "取消WLAN套餐", "WLAN密码重置"])],
        F: [("WLAN无法使用", ["搜索不到CMCC信号", "无法弹出登录页", "认证失败"])],
        S: list(_SUGGESTION),
    },
    "mobile_game": _vas(
        **_cap(
            [
                "业务基本信息查询",
                "黑名单查询",
                "消费记录查询",
                "套餐订购关系查询",
                "套餐订购记录查询",
                "点卡充值记录查询",
                "点数余额查询",
            ],
            ["黑名单新增", "黑名单删除"],
        ),
        c=[("游戏点数", ["点卡充值未到账", "点数异常扣减"])],
    ),
    "mobile_video": _vas(
        **_cap(["黑名单查询", "历史订购查询", "点播记录查询", "适配机型查询"], ["黑名单激活", "黑名单屏蔽"])
    ),
    "wireless_music": _vas(**_cap(["黑名单屏蔽日志查询", "点播记录查询"], ["黑名单激活", "黑名单屏蔽"])),
    "mobile_payment": _vas(
        **_cap(
            [
                "用户账户余额查询",
                "缴话费交易查询",
                "电子券查询",
                "用户订单信息列表查询",
                "用户订单详细信息查询",
                "用户开销户历史查询",
                "通信账户支付历史订购查询",
            ],
            [],
        ),
        c=[("支付交易", ["交易扣款未到账", "退款未到账"])],
    ),
    "mobile_reading": _vas(
        **_cap(
            [
                "黑名单查询",
                "阅读记录查询",
                "书籍信息查询",
                "书券查询",
                "包月记录查询",
                "点播订购查询",
                "手持终端绑定关系查询",
            ],
            ["黑名单激活", "黑名单屏蔽"],
        )
    ),
    "account_payment": _vas(c=[("通信账户支付", ["话费支付未经确认", "支付额度争议"])]),
    "mobile_wallet": _vas(
        c=[("刷卡交易", ["刷卡失败", "电子现金余额异常"])], f=[("手机钱包障碍", ["SIM卡无法刷卡"])]
    ),
    "mobile_animation": _vas(),
    "nongxintong": _vas(c=[("信息内容", ["农业信息不及时", "信息内容不实用"])]),
    "yijutong": _vas(f=[("宜居通终端障碍", ["座机终端无信号", "无法呼出"])]),
    "caiyun": _vas(c=[("云存储", ["文件丢失", "同步失败", "空间容量争议"])]),
    "caiyun_contacts": _vas(c=[("通讯录同步", ["联系人丢失", "同步失败"])]),
    "public_service_cloud": _vas(),
    "mobile_stock_compass": _vas(c=[("行情资讯", ["行情延迟", "资讯内容错误"])]),
    "mobile_stock_sms": _vas(c=[("行情资讯", ["行情短信延迟", "资讯内容错误"])]),
    "mobile_stock_dzh": _vas(c=[("行情资讯", ["行情延迟", "客户端无法登录"])]),
    "iot": {
        C: [("物联网卡", ["物联网卡流量费用争议", "物联网卡停机争议"]), ("物联网平台", ["连接管理平台异常"])],
        CONS: [("物联网业务", ["物联网卡资费", "行业应用方案"])],
        Q: [("物联网卡查询", ["卡状态查询", "流量使用查询"])],
        BH: [("物联网卡", ["停复机", "套餐变更"])],
        F: [("物联网卡障碍", ["无法联网", "频繁掉线"])],
    },
    "mobile_weibo": _vas(),
    "industry_news": _vas(c=[("手机报内容", ["手机报未收到", "手机报内容不符"])]),
    "monternet_sms": _monternet("短信"),
    "monternet_mms": _monternet("彩信"),
    "monternet_ivr": _monternet("语音"),
    "wap": _monternet("WAP推送"),
    # Taken offline by 000: their last tree stays so old records keep their categories.
    "suiexing": _old_tree(),
    "zhengxintong": _old_tree(),
    "mdo_gaoyang": _old_tree(),
    "baoxintong": _old_tree(),
    "expo_shanghai": _old_tree(),
}

# Businesses: code, kind, second line, capability queries, online since, and how the catalog got here.
#   names: [(name, valid_from)]; the last is current.
#   versions: [(tree key or "old", published on, note)]; the last is current.
#   offline: date it was taken offline.
_RESHUFFLE = "000: 服务请求分类优化调整"


def _b(code, kind, names, *, second_line="", cap=False, since=LONG_AGO, versions=None, offline=None):
    return {
        "code": code,
        "kind": kind,
        "names": names if isinstance(names, list) else [(names, since)],
        "second_line": second_line,
        "capability_queries": cap,
        "online_since": since,
        "offline_since": offline,
        "versions": versions or [(code, since, "初始版本")],
    }


def _reorganised(code, kind, name, **kw):
    """A business whose categories 000 re-organised: the coarse tree, then the new one."""
    return _b(
        code, kind, name, versions=[("old", LONG_AGO, "初始版本"), (code, CHANGE_DAY, _RESHUFFLE)], **kw
    )


def _new(code, kind, name, **kw):
    """A business 000 connected to the hub."""
    return _b(code, kind, name, since=CHANGE_DAY, **kw)


def _offline(code, kind, name, since):
    return _b(code, kind, name, since=since, offline=CHANGE_DAY)


B, V, M, P, OTH = "basic", "vas", "monternet", "own_platform", "other"
_SIMS = "SIMS"

BUSINESSES = [
    # Re-organised by 000 (SR-3).
    _reorganised("account_payment", P, "通信账户支付", second_line="手机支付平台"),
    _reorganised("nongxintong", V, "农信通", second_line="农信通平台"),
    _reorganised("yijutong", V, "宜居通"),
    _reorganised("mobile_game", P, "手机游戏", second_line="手机游戏平台", cap=True),
    _reorganised("mobile_payment", P, "手机支付", second_line="手机支付平台", cap=True),
    _reorganised("mobile_wallet", P, "手机钱包", second_line="手机支付平台"),
    _reorganised("mobile_animation", P, "手机动漫", second_line="手机动漫平台"),
    _reorganised("wireless_music", P, "无线音乐", second_line="无线音乐平台", cap=True),
    _reorganised("international", B, "国际业务"),
    _reorganised("basic", B, "基础业务"),
    # 手机证券 is both re-organised and renamed: it became 手机证券(指南针版).
    _b(
        "mobile_stock_compass",
        V,
        [("手机证券", LONG_AGO), ("手机证券(指南针版)", CHANGE_DAY)],
        second_line="手机证券平台(指南针)",
        versions=[
            ("old", LONG_AGO, "初始版本"),
            ("mobile_stock_compass", CHANGE_DAY, _RESHUFFLE + "; 业务更名"),
        ],
    ),
    # WLAN is both re-organised and newly connected to the hub's second line.
    _b(
        "wlan",
        P,
        "WLAN",
        second_line="WLAN平台",
        versions=[("old", LONG_AGO, "初始版本"), ("wlan", CHANGE_DAY, _RESHUFFLE + "; 二线客服接入")],
    ),
    # Newly connected by 000.
    _new("caiyun", P, "彩云", second_line="彩云平台"),
    _new("caiyun_contacts", P, "彩云通讯录", second_line="彩云平台"),
    _new("monternet_sms", M, "梦网短信", second_line=_SIMS),
    _new("monternet_mms", M, "梦网彩信", second_line=_SIMS),
    _new("monternet_ivr", M, "梦网IVR", second_line=_SIMS),
    _new("wap", M, "WAP", second_line=_SIMS),
    _new("public_service_cloud", P, "公众服务云", second_line="公众服务云平台"),
    _new("mobile_stock_sms", V, "手机证券(短彩信版)", second_line="手机证券平台"),
    _new("mobile_stock_dzh", V, "手机证券(大智慧版)", second_line="手机证券平台(大智慧)"),
    _new("iot", OTH, "物联网专席", second_line="物联网基地"),
    # Taken offline by 000.
    _offline("suiexing", V, "随E行", dt.date(2006, 6, 1)),
    _offline("zhengxintong", V, "证信通", dt.date(2009, 3, 1)),
    _offline("mdo_gaoyang", V, "信息管家MDO(高阳)", dt.date(2009, 9, 1)),
    _offline("baoxintong", V, "保信通", dt.date(2010, 1, 1)),
    _offline("expo_shanghai", OTH, "世博业务(上海基地)", dt.date(2010, 4, 1)),
    # Renamed by 000 (the category set is republished under the new name).
    _b(
        "mobile_weibo",
        V,
        [("139社区", dt.date(2009, 8, 1)), ("移动微博", CHANGE_DAY)],
        since=dt.date(2009, 8, 1),
        versions=[
            ("mobile_weibo", dt.date(2009, 8, 1), "初始版本"),
            ("mobile_weibo", CHANGE_DAY, "业务更名"),
        ],
    ),
    _b(
        "industry_news",
        V,
        [("ADC平台", dt.date(2008, 6, 1)), ("行业手机报", CHANGE_DAY)],
        since=dt.date(2008, 6, 1),
        versions=[
            ("industry_news", dt.date(2008, 6, 1), "初始版本"),
            ("industry_news", CHANGE_DAY, "业务更名"),
        ],
    ),
    # Capability-query platforms (CAP-2) not otherwise named by SR-3.
    _b("mobile_video", P, "手机视频", second_line="手机视频平台", cap=True),
    _b("mobile_reading", P, "手机阅读", second_line="手机阅读平台", cap=True),
    # Basic telecom businesses and common VAS.
    _b("voice", B, "语音通话"),
    _b("sms", B, "短信"),
    _b("mms", B, "彩信"),
    _b("data", B, "数据流量"),
    _b("broadband", B, "宽带"),
    _b("fixed_line", B, "固话"),
    _b("phs", B, "小灵通"),
    _b("leased_line", B, "专线带宽"),
    _b("internet_products", B, "互联网产品"),
    _b("roaming", B, "国际及港澳台漫游"),
    _b("crbt", V, "彩铃"),
    _b("139mail", V, "139邮箱"),
    _b("fetion", V, "飞信"),
    _b("missed_call", V, "来电提醒"),
]

# Responsibility causes (SR-4): (code, name, default responsible department code, [(code, name), ...]).
RESPONSIBILITY_CAUSES = [
    (
        "NET",
        "网络原因",
        "RESP-NETWORK",
        [
            ("NET-COVERAGE", "网络覆盖不足"),
            ("NET-QUALITY", "网络质量问题(掉话、网速慢)"),
            ("NET-FAULT", "网络设备或线路故障"),
            ("NET-CUTOVER", "网络割接或建设影响"),
        ],
    ),
    (
        "BIL",
        "计费与账务原因",
        "RESP-BILLING",
        [
            ("BIL-ERROR", "计费错误"),
            ("BIL-DELAY", "话单延迟或计费数据异常"),
            ("BIL-ADJUST", "账务调整不及时"),
        ],
    ),
    (
        "PRD",
        "业务与产品原因",
        "RESP-MARKET",
        [
            ("PRD-DESIGN", "产品设计缺陷"),
            ("PRD-TARIFF", "资费政策不合理"),
            ("PRD-PROMO", "营销宣传不规范或误导"),
            ("PRD-RULE", "业务规则限制"),
        ],
    ),
    (
        "SVC",
        "服务与渠道原因",
        "RESP-SERVICE",
        [
            ("SVC-ATTITUDE", "员工服务态度"),
            ("SVC-SKILL", "员工业务不熟或解释错误"),
            ("SVC-ERROR", "业务办理差错"),
            ("SVC-TIMELY", "处理不及时或超时限"),
            ("SVC-CHANNEL", "代理渠道违规"),
        ],
    ),
    ("SYS", "系统支撑原因", "RESP-IT", [("SYS-FAILURE", "支撑系统故障"), ("SYS-DEFECT", "系统功能缺陷")]),
    (
        "PTN",
        "合作伙伴原因",
        "RESP-PARTNER",
        [
            ("PTN-SP-UNSOLICITED", "SP违规定制或未经确认扣费"),
            ("PTN-SP-CONTENT", "SP内容或服务不规范"),
            ("PTN-SP-HOTLINE", "SP客服不达标"),
            ("PTN-CP", "内容提供商(CP)原因"),
        ],
    ),
    (
        "THIRD",
        "第三方原因",
        "RESP-OTHER",
        [
            ("THIRD-CONSTRUCTION", "第三方施工损坏"),
            ("THIRD-BANK", "银行或支付机构原因"),
            ("THIRD-VENDOR", "终端厂商原因"),
        ],
    ),
    (
        "CUST",
        "客户自身原因",
        None,
        [
            ("CUST-MISUNDERSTAND", "客户误解或不了解业务"),
            ("CUST-HANDSET-SETTING", "客户终端设置问题"),
            ("CUST-HANDSET-FAULT", "客户终端故障"),
            ("CUST-OWN-ORDER", "客户本人订购后否认"),
        ],
    ),
    (
        "EXT",
        "外部原因",
        "RESP-OTHER",
        [
            ("EXT-FORCE-MAJEURE", "不可抗力(自然灾害等)"),
            # 000's addition.
            ("EXT-AUTHORITY", "上级主管部门要求通信运营商落实的相关工作"),
        ],
    ),
    ("OTH", "其他", "RESP-OTHER", [("OTH-OTHER", "其他责任原因")]),  # 000's addition
]

# Time limits (WO-5, TIER-1): (request type, customer level or "" for any, order hours, step hours,
# round the clock, note). Request-type defaults: every type has an any-level row, so resolution
# always ends somewhere.
TIME_LIMIT_DEFAULTS = [
    (C, "", 48, 24, False, "普通客户投诉: 48小时办结, 地市环节24小时"),
    (C, "ordinary", 48, 24, False, ""),
    (C, "silver", 36, 18, False, ""),
    (C, "gold", 24, 12, False, ""),
    (C, "diamond", 12, 6, True, "钻石卡客户7x24计时"),
    (C, "supreme", 12, 4, True, "至尊卡客户7x24计时"),
    (F, "", 24, 2, True, "障碍申告7x24计时; 2小时内首次响应"),
    (F, "gold", 12, 2, True, ""),
    (F, "diamond", 8, 1, True, ""),
    (F, "supreme", 4, 1, True, ""),
    (CONS, "", 24, None, False, "咨询未能即时解答: 24小时内回访"),
    (CONS, "gold", 12, None, False, ""),
    (CONS, "diamond", 8, None, False, ""),
    (CONS, "supreme", 8, None, False, ""),
    (Q, "", 24, None, False, "需后台查询: 24小时内回复"),
    (Q, "diamond", 12, None, False, ""),
    (Q, "supreme", 12, None, False, ""),
    (BH, "", 48, 24, False, "预受理业务: 48小时内上门或办结"),
    (BH, "gold", 24, 12, False, ""),
    (BH, "diamond", 24, 8, False, ""),
    (BH, "supreme", 12, 4, False, ""),
    (S, "", 168, None, False, "建议: 7天内答复"),
]

# Enterprise (group) customers' own limits (SVC-2, TIER-1), for every level of their lines:
# (request type, level, order hours, step hours, round the clock, note).
TIME_LIMIT_ENTERPRISE = [
    (C, "", 12, 4, True, "集团客户投诉: 12小时7x24办结"),
    (F, "", 4, 1, True, "集团客户障碍: 4小时修复"),
    (CONS, "", 8, None, False, "集团客户咨询: 8小时内回访"),
    (Q, "", 8, None, False, "集团客户查询: 8小时内回复"),
    (BH, "", 24, 8, False, "集团客户预受理: 24小时内上门或办结"),
    (S, "", 72, None, False, "集团客户建议: 3天内答复"),
]

# Per business (all categories of a request type) and per category: (business code, request type,
# category path as (problem,) or (problem, detail) or None for the business, level, order hours, step
# hours, round the clock, note).
TIME_LIMIT_OVERRIDES = [
    ("roaming", C, None, "", 24, 4, True, "客户身处境外: 24小时7x24处理"),
    ("broadband", F, ("无法上网且无法通话",), "", 12, 2, True, "宽带全阻: 12小时修复"),
    ("broadband", F, ("无法上网且无法通话",), "gold", 8, 1, True, ""),
    ("broadband", F, ("无法上网且无法通话",), "diamond", 4, 1, True, ""),
    ("broadband", F, ("无法上网且无法通话",), "supreme", 4, 1, True, ""),
    ("broadband", F, ("网速慢",), "", 48, 4, True, "网速慢需测速定位: 48小时"),
    ("leased_line", F, None, "", 4, 1, True, "专线电路障碍: 4小时恢复"),
    (
        "monternet_sms",
        C,
        ("SP违规扣费", "未经确认订购"),
        "",
        24,
        24,
        False,
        "SP违规定制: SP须24小时内回复并退费",
    ),
]

# Two-letter abbreviations are not needed for codes: node codes are "<business code>-<nnnn>".


def node_code(business_code: str, seq: int) -> str:
    return f"{business_code}-{seq:04d}"


def _tree_rows(tree: dict) -> list[tuple[str, tuple[str, ...]]]:
    """Flatten a tree into (request type, path) rows in display order, parents before children."""
    rows = []
    for request_type, problems in tree.items():
        for problem, details in problems:
            rows.append((request_type, (problem,)))
            for detail in details:
                rows.append((request_type, (problem, detail)))
    return rows


def _tree_for(spec_key: str) -> dict:
    return _old_tree() if spec_key == "old" else TREES[spec_key]


def load_catalog(
    Business, BusinessName, CategoryVersion, CategoryNode, ResponsibilityCause, TimeLimit, Department
):
    """Create what is missing of the shipped catalog; never changes published history."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    for spec in BUSINESSES:
        current_name = spec["names"][-1][0]
        business, created = Business.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": current_name,
                "kind": spec["kind"],
                "status": "offline" if spec["offline_since"] else "online",
                "online_since": spec["online_since"],
                "offline_since": spec["offline_since"],
                "second_line": spec["second_line"],
                "capability_queries": spec["capability_queries"],
            },
        )
        if created:
            names = spec["names"]
            for index, (name, valid_from) in enumerate(names):
                valid_until = names[index + 1][1] if index + 1 < len(names) else None
                BusinessName.objects.create(
                    business=business, name=name, valid_from=valid_from, valid_until=valid_until
                )
        if CategoryVersion.objects.filter(business=business).exists():
            continue  # published history is never rewritten
        codes: dict[tuple[str, tuple[str, ...]], str] = {}
        seq = 0
        versions = spec["versions"]
        for number, (tree_key, published_on, note) in enumerate(versions, start=1):
            name_then = next(
                (n for n, since in reversed(spec["names"]) if since <= published_on), spec["names"][0][0]
            )
            version = CategoryVersion.objects.create(
                business=business,
                number=number,
                business_name=name_then,
                is_current=number == len(versions),
                published_at=dt.datetime.combine(published_on, dt.time(8, 0), tzinfo=tz),
                note=note,
            )
            rows = _tree_rows(_tree_for(tree_key))
            nodes = {}
            for depth in (1, 2):
                batch = []
                for position, (request_type, path) in enumerate(rows):
                    if len(path) != depth:
                        continue
                    key = (request_type, path)
                    if key not in codes:
                        seq += 1
                        codes[key] = node_code(business.code, seq)
                    batch.append(
                        CategoryNode(
                            version=version,
                            business=business,
                            request_type=request_type,
                            parent=nodes.get((request_type, path[:-1])) if depth > 1 else None,
                            code=codes[key],
                            name=path[-1],
                            depth=depth,
                            position=position,
                            path_names=" > ".join(path),
                        )
                    )
                created_nodes = CategoryNode.objects.bulk_create(batch)
                for node in created_nodes:
                    path = tuple(node.path_names.split(" > "))
                    nodes[(node.request_type, path)] = node
        Business.objects.filter(pk=business.pk).update(node_seq=seq)

    departments = {d.code: d for d in Department.objects.filter(kind="responsible")}
    for position, (code, name, department_code, children) in enumerate(RESPONSIBILITY_CAUSES, start=1):
        parent, _ = ResponsibilityCause.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position * 100,
                "default_department": departments.get(department_code),
            },
        )
        for child_position, (child_code, child_name) in enumerate(children, start=1):
            ResponsibilityCause.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "position": position * 100 + child_position,
                    "default_department": departments.get(department_code),
                },
            )

    # Run again on the current model, the default rows are the ones for any customer type (an
    # enterprise row has the same request type and level); migration 0002's model has no such column.
    any_type = {"customer_type": ""} if any(f.name == "customer_type" for f in TimeLimit._meta.fields) else {}
    for request_type, level, order_hours, step_hours, round_the_clock, note in TIME_LIMIT_DEFAULTS:
        TimeLimit.objects.get_or_create(
            request_type=request_type,
            business=None,
            category_code="",
            customer_level=level,
            **any_type,
            defaults={
                "order_hours": order_hours,
                "step_hours": step_hours,
                "round_the_clock": round_the_clock,
                "note": note,
            },
        )
    for (
        business_code,
        request_type,
        path,
        level,
        order_hours,
        step_hours,
        round_the_clock,
        note,
    ) in TIME_LIMIT_OVERRIDES:
        business = Business.objects.get(code=business_code)
        category = None
        if path:
            category = CategoryNode.objects.get(
                business=business,
                version__is_current=True,
                request_type=request_type,
                path_names=" > ".join(path),
            )
        TimeLimit.objects.get_or_create(
            request_type=request_type,
            business=business,
            category_code=category.code if category else "",
            customer_level=level,
            **any_type,
            defaults={
                "category": category,
                "order_hours": order_hours,
                "step_hours": step_hours,
                "round_the_clock": round_the_clock,
                "note": note,
            },
        )


def load_enterprise_time_limits(TimeLimit) -> None:  # noqa: N803 - the historical model of a migration
    """Enterprise (group) customers' own default limits (SVC-2), written by migration
    ``0003_time_limit_customer_type`` once the column exists (:func:`load_catalog` runs before it,
    on the model without it). Idempotent; rows an administrator changed are kept."""
    for request_type, level, order_hours, step_hours, round_the_clock, note in TIME_LIMIT_ENTERPRISE:
        TimeLimit.objects.get_or_create(
            request_type=request_type,
            business=None,
            category_code="",
            customer_type="enterprise",
            customer_level=level,
            defaults={
                "order_hours": order_hours,
                "step_hours": step_hours,
                "round_the_clock": round_the_clock,
                "note": note,
            },
        )
