"""The demo's national knowledge (written for kefu): what group headquarters publishes to every province
in `kefu demo --federation`. Codes start with QG (全国) so they never meet a province's own articles."""

ARTICLES = [
    {
        "code": "QG-0001",
        "title": "5G套餐办理条件与生效时间",
        "kind": "product",
        "tags": ["5G", "套餐"],
        "body": "<p>持有实名登记号码、无欠费的客户可办理5G套餐。</p>"
        "<ul><li>当月办理：次月1日生效，当月按原套餐计费。</li>"
        "<li>需要5G终端和5G卡，旧卡请到营业厅免费换卡。</li>"
        "<li>套餐内流量全国通用，不含港澳台及国际漫游。</li></ul>",
    },
    {
        "code": "QG-0002",
        "title": "VoLTE高清通话的开通与常见问题",
        "kind": "usage",
        "tags": ["VoLTE", "高清通话"],
        "body": "<p>VoLTE 默认开通，无需另外付费，通话按原套餐语音计费。</p>"
        "<p>若手机无法显示 HD 标识：确认手机支持 VoLTE，在 设置 → 移动网络 中打开 “VoLTE高清通话”；"
        "仍不行可发送 KTVOLTE 到 10086。</p>",
    },
    {
        "code": "QG-0003",
        "title": "携号转网办理条件",
        "kind": "procedure",
        "tags": ["携号转网", "转网"],
        "body": "<p>客户办理携号转网须同时满足：</p>"
        "<ol><li>号码在网满 120 天；</li><li>无欠费、未停机；</li>"
        "<li>无在有效期内的合约或已与原运营商解除；</li><li>实名信息与证件一致。</li></ol>"
        "<p>先发送 CXXZ#姓名#证件号码 到 10086 查询是否具备条件，再到新运营商营业厅办理。</p>",
    },
    {
        "code": "QG-0004",
        "title": "国际及港澳台漫游开通与资费说明",
        "kind": "product",
        "tags": ["国际漫游", "漫游"],
        "body": "<p>出境前请确认已开通国际及港澳台漫游（发送 KTMY 到 10086）。</p>"
        "<p>漫游流量按目的地日套餐计费，当日用满即降速，不另收费；语音和短信按目的地标准资费计收。</p>",
    },
    {
        "code": "QG-0005",
        "title": "电话用户实名登记服务规范",
        "kind": "standard",
        "audience": "agent",
        "tags": ["实名制"],
        "body": "<p>座席不得在电话中为客户补登或更改实名信息，应引导客户携本人有效证件到营业厅办理。</p>"
        "<p>客户询问他人号码的实名信息时，一律不予透露。</p>",
    },
]

WORDING = [
    {
        "code": "QG-W-0001",
        "title": "停机原因解释（欠费）",
        "problem": "suspension.arrears",
        "channel": "agent",
        "text": "您好，您的号码因余额不足已暂停服务。缴清欠费后一般在几分钟内自动恢复，"
        "您可以通过网上营业厅、短信营业厅或到营业厅缴费。",
    },
    {
        "code": "QG-W-0002",
        "title": "国际漫游资费解释",
        "problem": "roaming.fee",
        "channel": "agent",
        "text": "您好，国际及港澳台漫游流量按目的地日套餐计费，当日用满后降速但不再另外收费；"
        "语音和短信按当地标准资费收取。",
    },
]
