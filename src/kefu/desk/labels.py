"""Translated labels the desk's scripts show for API fields (query results, states, messages).

Rendered into the page with ``json_script`` so the browser needs no translation catalogue of its own.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def query_labels() -> dict:
    from kefu.workorders.choices import WorkOrderState

    return {
        # work orders arriving at the agent's queues (WO-6)
        "wo_notice": _("工单"),
        "wo_states": {value: str(label) for value, label in WorkOrderState.LABELS.items()},
        # fees and bills
        "month": _("账期"),
        "voice_fee": _("语音费"),
        "sms_fee": _("短信费"),
        "data_fee": _("数据流量费"),
        "vas_fee": _("增值业务费"),
        "other_fee": _("其他费用"),
        "total_fee": _("合计"),
        "amount_due": _("应缴"),
        "amount_paid": _("已缴"),
        "due_date": _("缴费期限"),
        "start_at": _("起始时间"),
        "other_party": _("对方号码"),
        "direction": _("呼叫类型"),
        "duration_seconds": _("时长(秒)"),
        "call_type": _("通话类型"),
        "fee": _("费用"),
        "paid_at": _("缴费时间"),
        "amount": _("金额"),
        "channel": _("渠道"),
        "balance": _("余额"),
        "arrears": _("欠费"),
        "pay_method": _("付费方式"),
        # points
        "earned_this_month": _("本月消费积分"),
        "earned_total": _("累计消费积分"),
        "usable_this_month": _("本月可用积分"),
        "usable_total": _("累计可用积分"),
        "voided_this_month": _("本月作废积分"),
        "voided_total": _("累计作废积分"),
        "current_total": _("当前积分"),
        "redeemed_this_month": _("本月兑换积分"),
        "redeemed_total": _("累计兑换积分"),
        "activity_this_month": _("本月活动积分"),
        "activity_total": _("累计活动积分"),
        "redeemable": _("可兑换积分"),
        "not_redeemable": _("不可兑换积分"),
        # orders
        "number": _("单号"),
        "kind": _("类型"),
        "state": _("状态"),
        "accepted_at": _("受理时间"),
        "deadline": _("时限"),
        "business": _("业务"),
        "product": _("产品"),
        "product_name": _("产品"),
        "status": _("状态"),
        "created_at": _("创建时间"),
        # panel messages
        "auth_pass": _("鉴权通过"),
        "auth_fail": _("鉴权失败"),
        "auth_locked": _("鉴权已锁定"),
        "auth_waiting": _("等待客户在IVR输入密码…"),
        "auth_required": _("请先完成身份鉴权"),
        "tries_left": _("剩余尝试次数"),
        "locked_until": _("解锁时间"),
        # AUTH-5: %(t)s is the time the lock ends, in the server's time zone
        "password_locked": _("服务密码连续输错已锁定，%(t)s 后才能再次验证"),
        "no_call": _("当前没有通话，无法发起IVR密码验证"),
        "password_change_required": _("客户仍在使用初始密码，办理业务前须先修改密码"),
        "security_notice_required": _("首次进入热线业务流程，请播放安全提示"),
        "security_notice_done": _("安全提示已播放"),
        "sent": _("已发送"),
        "done": _("办理成功"),
        "not_eligible": _("不可办理"),
        "failed": _("操作失败"),
        "empty": _("无记录"),
        "loading": _("查询中…"),
        "call_active": _("通话中"),
        "call_ended": _("已挂机"),
        "duration": _("通话时长"),
        "contact": _("接触记录"),
        "unknown_caller": _("来电号码不在本系统或不在您的数据权限范围内"),
        "ringing": _("振铃"),
        "held": _("保持中"),
        "resume": _("恢复通话"),
        "held_hung_up": _("保持中的来电已挂机"),
        "wrap_up_saved": _("话后处理已保存"),
        "wrap_up_reason_required": _("请选择话后处理原因"),
        "otp_sent": _("验证码已发送"),
        "grant_expires_at": _("鉴权有效期至"),
        "ivr_open": _("打开模拟IVR"),
        "pad_waiting": _("等待客户在密码键盘输入…"),
        "collect_withdrawn": _("该密码采集已撤销"),
        "pad_change_password": _("请客户在密码键盘修改密码"),
    }
