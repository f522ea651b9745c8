"""Kinds, states, actions and the small vocabularies of work orders (WO-1..10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet, RequestType


class WorkOrderKind(ChoiceSet):
    """What an order is about; each kind maps to the request type its time limits are filed under."""

    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    CONSULTATION = "consultation"
    FAULT_REPORT = "fault_report"
    PRE_ACCEPTANCE = "pre_acceptance"
    BUSINESS_HANDLING = "business_handling"

    LABELS = {
        COMPLAINT: _("投诉"),
        SUGGESTION: _("建议"),
        CONSULTATION: _("咨询"),
        FAULT_REPORT: _("障碍申告"),
        PRE_ACCEPTANCE: _("预受理"),
        BUSINESS_HANDLING: _("业务办理"),
    }

    REQUEST_TYPE = {
        COMPLAINT: RequestType.COMPLAINT,
        SUGGESTION: RequestType.SUGGESTION,
        CONSULTATION: RequestType.CONSULTATION,
        FAULT_REPORT: RequestType.FAULT_REPORT,
        PRE_ACCEPTANCE: RequestType.BUSINESS_HANDLING,
        BUSINESS_HANDLING: RequestType.BUSINESS_HANDLING,
    }


class WorkOrderState(ChoiceSet):
    """The states of the transition table (:mod:`kefu.workorders.transitions`). ``triage`` holds an
    order accepted without a request category (a TMF621 ticket with only the mandatory fields) until
    the back office categorises it."""

    TRIAGE = "triage"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    PROCESSING = "processing"
    RETURNED = "returned"
    REPLIED = "replied"
    FEEDBACK = "feedback"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"

    LABELS = {
        TRIAGE: _("待分拣"),
        ACCEPTED: _("已受理"),
        DISPATCHED: _("已派发"),
        PROCESSING: _("处理中"),
        RETURNED: _("已退回"),
        REPLIED: _("已回复"),
        FEEDBACK: _("已反馈"),
        ARCHIVED: _("已归档"),
        CANCELLED: _("已撤销"),
    }
    TERMINAL = (ARCHIVED, CANCELLED)
    OPEN = (TRIAGE, ACCEPTED, DISPATCHED, PROCESSING, RETURNED, REPLIED, FEEDBACK)


class Action(ChoiceSet):
    """Actions on an order (WO-4 plus cancel, the clock pause of WO-5, attaching files and
    categorising an order in triage)."""

    ACCEPT = "accept"
    CATEGORISE = "categorise"
    DISPATCH = "dispatch"
    RECEIVE = "receive"
    PROCESS = "process"
    REPLY = "reply"
    FEEDBACK = "feedback"
    ARCHIVE = "archive"
    REPROCESS = "reprocess"
    QUERY = "query"
    RETURN = "return"
    URGE = "urge"
    COMMENT = "comment"
    CANCEL = "cancel"
    PAUSE = "pause"
    RESUME = "resume"
    ATTACH = "attach"

    LABELS = {
        ACCEPT: _("受理"),
        CATEGORISE: _("分拣归类"),
        DISPATCH: _("派发"),
        RECEIVE: _("接收"),
        PROCESS: _("处理"),
        REPLY: _("回复"),
        FEEDBACK: _("客户反馈"),
        ARCHIVE: _("归档"),
        REPROCESS: _("再处理"),
        QUERY: _("查询"),
        RETURN: _("退回"),
        URGE: _("催办"),
        COMMENT: _("中途意见"),
        CANCEL: _("撤销"),
        PAUSE: _("暂停计时"),
        RESUME: _("恢复计时"),
        ATTACH: _("上传附件"),
    }

    # Step actions move an order through its flow; a flow (SYS-3) names the ones it uses. The others
    # are always available where the table allows them.
    STEPS = (DISPATCH, RECEIVE, PROCESS, REPLY, FEEDBACK, ARCHIVE, REPROCESS, RETURN)

    # Past-tense names used for outbox topics ("workorder.dispatched") and notifications.
    PAST = {
        ACCEPT: "accepted",
        CATEGORISE: "categorised",
        DISPATCH: "dispatched",
        RECEIVE: "received",
        PROCESS: "processed",
        REPLY: "replied",
        FEEDBACK: "feedback_given",
        ARCHIVE: "archived",
        REPROCESS: "reprocessed",
        QUERY: "queried",
        RETURN: "returned",
        URGE: "urged",
        COMMENT: "commented",
        CANCEL: "cancelled",
        PAUSE: "paused",
        RESUME: "resumed",
        ATTACH: "attached",
    }


class SystemEvent(ChoiceSet):
    """Events the SLA sweep and annotations append; they change no state."""

    WARN = "warn"
    ESCALATE = "escalate"
    OA_LINK = "oa_link"
    # WO-9: the holder acknowledges an urge; a supervisor decides a billing adjustment
    URGE_ACK = "urge_ack"
    APPROVAL = "approval"
    # WO-9: the sweep resumes a suspended line when its period has ended (or records billing's refusal)
    LINE_RESUME = "line_resume"

    LABELS = {
        WARN: _("临近超时预警"),
        ESCALATE: _("超时升级"),
        OA_LINK: _("关联OA"),
        URGE_ACK: _("催办签收"),
        APPROVAL: _("调账审批"),
        LINE_RESUME: _("期满复机"),
    }
    PAST = {
        WARN: "warned",
        ESCALATE: "escalated",
        OA_LINK: "oa_linked",
        URGE_ACK: "urge_acknowledged",
        APPROVAL: "approval_decided",
        LINE_RESUME: "line_resumed",
    }


class EventAction(ChoiceSet):
    LABELS = {**Action.LABELS, **SystemEvent.LABELS}


class HolderKind(ChoiceSet):
    """Who holds an order (WO-2): a group, a city team, a department or a person."""

    GROUP = "group"
    CITY_TEAM = "city_team"
    DEPARTMENT = "department"
    PERSON = "person"

    LABELS = {GROUP: _("班组"), CITY_TEAM: _("地市团队"), DEPARTMENT: _("部门"), PERSON: _("个人")}


class Satisfaction(ChoiceSet):
    """Customer satisfaction recorded with the feedback."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    UNREACHABLE = "unreachable"

    LABELS = {
        SATISFIED: _("满意"),
        BASICALLY_SATISFIED: _("基本满意"),
        DISSATISFIED: _("不满意"),
        UNREACHABLE: _("联系不上"),
    }


class ContactMethod(ChoiceSet):
    """The agreed method to tell the customer the result (WO-7, Q-4)."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    FAX = "fax"

    LABELS = {PHONE: _("电话"), SMS: _("短信"), EMAIL: _("电子邮件"), FAX: _("传真")}


class FaultProduct(ChoiceSet):
    """Products a fault report can be about (WO-8)."""

    FIXED_LINE = "fixed_line"
    BROADBAND = "broadband"
    MOBILE = "mobile"
    PHS = "phs"
    VAS = "vas"
    BANDWIDTH = "bandwidth"
    INTERNET = "internet"

    LABELS = {
        FIXED_LINE: _("固话"),
        BROADBAND: _("宽带"),
        MOBILE: _("移动电话"),
        PHS: _("小灵通"),
        VAS: _("增值业务"),
        BANDWIDTH: _("专线带宽"),
        INTERNET: _("互联网产品"),
    }


class BroadbandFaultClass(ChoiceSet):
    """WO-8's five broadband fault classes."""

    NO_INTERNET_NO_PHONE = "no_internet_no_phone"
    PHONE_NO_INTERNET = "phone_no_internet"
    SLOW = "slow"
    UNSTABLE = "unstable"
    OTHER = "other"

    LABELS = {
        NO_INTERNET_NO_PHONE: _("无法上网且无法通话"),
        PHONE_NO_INTERNET: _("能通话但无法上网"),
        SLOW: _("网速慢"),
        UNSTABLE: _("网络不稳定、掉线"),
        OTHER: _("其他宽带障碍"),
    }


class RepairStatus(ChoiceSet):
    """Repair tracking of a fault report (WO-8), reported with ``process``."""

    REPORTED = "reported"
    DIAGNOSING = "diagnosing"
    ON_SITE = "on_site"
    REPAIRED = "repaired"
    CUSTOMER_NOTIFIED = "customer_notified"

    LABELS = {
        REPORTED: _("已申告"),
        DIAGNOSING: _("测试诊断"),
        ON_SITE: _("上门维修"),
        REPAIRED: _("已修复"),
        CUSTOMER_NOTIFIED: _("已通知客户"),
    }


class SlaLevel(ChoiceSet):
    """How close an order is to its deadline, as the sweep last saw it."""

    ON_TIME = "on_time"
    NEAR = "near"
    OVERDUE = "overdue"

    LABELS = {ON_TIME: _("正常"), NEAR: _("临近超时"), OVERDUE: _("已超时")}


class CoordinationKind(ChoiceSet):
    """The province ↔ city coordination flows with data and effects of their own (WO-9); the value
    is the code of the shipped flow."""

    INSTALL_MOVE = "install_move"
    SUSPENSION = "suspension"
    BILLING_ADJUSTMENT = "billing_adjustment"
    INFO_SYNC = "info_sync"

    LABELS = {
        INSTALL_MOVE: _("装机/移机"),
        SUSPENSION: _("停复机"),
        BILLING_ADJUSTMENT: _("账务调整"),
        INFO_SYNC: _("信息同步"),
    }


class InstallOutcome(ChoiceSet):
    """The result of an installation or move the city reports with its reply."""

    INSTALLED = "installed"
    MOVED = "moved"
    FAILED = "failed"

    LABELS = {INSTALLED: _("已装机"), MOVED: _("已移机"), FAILED: _("未能完成")}


class LineAction(ChoiceSet):
    """What a suspension-flow order does to the line."""

    SUSPEND = "suspend"
    RESUME = "resume"

    LABELS = {SUSPEND: _("停机"), RESUME: _("复机")}


class Approval(ChoiceSet):
    """A billing adjustment's approval by a supervisor."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    LABELS = {PENDING: _("待审批"), APPROVED: _("已批准"), REJECTED: _("已驳回")}


class InfoTopic(ChoiceSet):
    """What a city tells the centre through the information sync flow."""

    NETWORK_NOTICE = "network_notice"
    OUTLET_CHANGE = "outlet_change"
    LOCAL_PROMOTION = "local_promotion"
    LOCAL_POLICY = "local_policy"
    OTHER = "other"

    LABELS = {
        NETWORK_NOTICE: _("网络通告"),
        OUTLET_CHANGE: _("营业网点变更"),
        LOCAL_PROMOTION: _("本地营销活动"),
        LOCAL_POLICY: _("本地业务政策"),
        OTHER: _("其他"),
    }
