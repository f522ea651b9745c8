"""Work-order flows as configuration (SYS-3): which steps an order goes through, who holds each
step and each step's time limit — validated against the transition table, versioned, and editable
by administrators without a release.

A definition is a JSON object::

    {
      "steps": [                               # the happy path, in order, from "accepted"
        {"action": "dispatch", "holder": "city_team", "hours": 24},
        {"action": "receive"},
        {"action": "reply"},
        {"action": "feedback"},
        {"action": "archive"}
      ],
      "also": ["process", "return", "reprocess"],   # step actions allowed off the happy path
      "accept_holder": "centre",                     # who holds a new order (default: centre)
      "accept_from": "city",                         # WO-9: only a city handler accepts (information
                                                     #   flows from the cities to the centre)
      "round_the_clock": false,                      # count this flow's limits 24x7
      "contact_method_required": false,              # WO-7: the agreed method is mandatory
      "fault_class_required": false                  # WO-8: broadband faults need one of 5 classes
    }

Holder specs: ``centre`` (the province centre), ``city_team`` (the order's city team),
``department:<code>``, ``group:<code>``, ``person`` / ``account_manager`` (chosen at dispatch).
A step action not in ``steps`` or ``also`` is refused with ``action_not_in_flow``; when ``feedback``
is a step, an order cannot be archived before the customer's feedback.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.workorders import transitions
from kefu.workorders.choices import Action, WorkOrderKind, WorkOrderState
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode

HOLDER_SPECS = ("centre", "city_team", "person", "account_manager")
HOLDER_PREFIXES = ("department:", "group:")
ACCEPT_FROM = ("city",)
STEP_KEYS = {"action", "holder", "hours"}
TOP_KEYS = {
    "steps",
    "also",
    "accept_holder",
    "accept_from",
    "round_the_clock",
    "contact_method_required",
    "fault_class_required",
}


def _invalid(message: str) -> WorkOrderError:
    return WorkOrderError(message, code=WorkOrderErrorCode.INVALID_FLOW)


def _check_holder(spec, where: str, *, person_allowed: bool = True) -> None:
    if not isinstance(spec, str) or not (spec in HOLDER_SPECS or spec.startswith(HOLDER_PREFIXES)):
        raise _invalid(_("%(w)s: 未知的持有方 %(s)s") % {"w": where, "s": spec})
    if spec.startswith(HOLDER_PREFIXES) and not spec.split(":", 1)[1]:
        raise _invalid(_("%(w)s: 持有方缺少代码") % {"w": where})
    if not person_allowed and spec in ("person", "account_manager"):
        raise _invalid(_("%(w)s: 受理后的持有方不能是待定人员") % {"w": where})


def validate(definition) -> dict:
    """Check a flow definition against the transition table; return it normalised.

    Raises ``invalid_flow`` when: it is not an object; a key or a step is unknown; a step is not
    allowed from the state the previous steps lead to; the steps do not end in ``archived``; a
    holder spec or an hours value is wrong.
    """
    if not isinstance(definition, dict):
        raise _invalid(_("流程定义必须是对象"))
    unknown = set(definition) - TOP_KEYS
    if unknown:
        raise _invalid(_("未知的字段: %(k)s") % {"k": ", ".join(sorted(unknown))})
    steps = definition.get("steps")
    if not isinstance(steps, list) or not steps:
        raise _invalid(_("流程至少需要一个环节"))
    state = WorkOrderState.ACCEPTED
    normalised = []
    for index, step in enumerate(steps, start=1):
        where = _("第%(n)d环节") % {"n": index}
        if not isinstance(step, dict) or set(step) - STEP_KEYS or "action" not in step:
            raise _invalid(_("%(w)s: 格式错误") % {"w": where})
        action = step["action"]
        if action not in Action.STEPS:
            raise _invalid(_("%(w)s: 未知的环节动作 %(a)s") % {"w": where, "a": action})
        rule = transitions.rule_for(state, action)
        if rule is None:
            raise _invalid(
                _("%(w)s: 状态“%(s)s”下不能执行“%(a)s”")
                % {"w": where, "s": WorkOrderState.label(state), "a": Action.label(action)}
            )
        if "holder" in step:
            if action != Action.DISPATCH:
                raise _invalid(_("%(w)s: 只有派发环节可以指定持有方") % {"w": where})
            _check_holder(step["holder"], where)
        hours = step.get("hours")
        if hours is not None and (not isinstance(hours, int) or isinstance(hours, bool) or hours < 1):
            raise _invalid(_("%(w)s: 时限必须是正整数小时") % {"w": where})
        state = rule.target
        normalised.append({k: step[k] for k in ("action", "holder", "hours") if k in step})
    if state != WorkOrderState.ARCHIVED:
        raise _invalid(_("流程必须以归档结束"))
    also = definition.get("also", [])
    if not isinstance(also, list) or any(a not in Action.STEPS for a in also):
        raise _invalid(_("also 只能列出环节动作"))
    result = {"steps": normalised, "also": sorted(set(also))}
    if "accept_holder" in definition:
        _check_holder(definition["accept_holder"], "accept_holder", person_allowed=False)
        result["accept_holder"] = definition["accept_holder"]
    if "accept_from" in definition:
        if definition["accept_from"] not in ACCEPT_FROM:
            raise _invalid(_("accept_from 只能是 city"))
        result["accept_from"] = definition["accept_from"]
    for flag in ("round_the_clock", "contact_method_required", "fault_class_required"):
        if flag in definition:
            if not isinstance(definition[flag], bool):
                raise _invalid(_("%(f)s 必须是布尔值") % {"f": flag})
            result[flag] = definition[flag]
    return result


_versions: dict[int, object] = {}


def flow_version(flow_id: int):
    """A published flow version by id, read once per process: versions are never edited
    (publishing writes version n+1 as a new row), so what was read stays true."""
    found = _versions.get(flow_id)
    if found is None:
        from kefu.workorders.models import FlowDefinition

        found = _versions[flow_id] = FlowDefinition.objects.get(pk=flow_id)
    return found


def forget_flow_versions() -> None:
    """Drop the versions read so far (tests whose rolled-back rows may come back with the same id)."""
    _versions.clear()


def allowed_step_actions(definition: dict) -> set[str]:
    return {s["action"] for s in definition.get("steps", [])} | set(definition.get("also", []))


def dispatch_holder(definition: dict) -> str | None:
    """The holder spec of the flow's first dispatch step (the default target of a dispatch)."""
    return next(
        (s.get("holder") for s in definition.get("steps", []) if s["action"] == Action.DISPATCH), None
    )


def step_hours(definition: dict, action: str) -> int | None:
    return next((s.get("hours") for s in definition.get("steps", []) if s["action"] == action), None)


def _flow(steps, also=("process", "return", "reprocess"), **flags) -> dict:
    return {"steps": steps, "also": list(also), **flags}


def _d(holder, hours=None):
    step = {"action": "dispatch", "holder": holder}
    if hours:
        step["hours"] = hours
    return step


R, RE, P, RP, FB, AR = (
    {"action": "receive"},
    {"action": "reply"},
    {"action": "process"},
    {"action": "reprocess"},
    {"action": "feedback"},
    {"action": "archive"},
)

# Shipped flows: (code, name, kind, default for the kind, definition). WO-2, WO-7, WO-8, WO-9, KB-2.
# The coordination flows install_move, suspension, billing_adjustment and info_sync carry data of
# their own and have effects (``services/coordination.py``).
DEFAULT_FLOWS = [
    (
        "complaint",
        "投诉处理流程(省-地市)",
        WorkOrderKind.COMPLAINT,
        True,
        _flow([_d("city_team"), R, RE, FB, AR]),
    ),
    (
        "suggestion",
        "建议处理流程",
        WorkOrderKind.SUGGESTION,
        True,
        _flow([_d("department:RESP-SERVICE"), R, RE, FB, AR]),
    ),
    (
        "consultation",
        "咨询闭环流程(后台答复-回访)",
        WorkOrderKind.CONSULTATION,
        True,
        _flow([P, RE, FB, AR], also=("dispatch", "receive", "return", "reprocess")),
    ),
    (
        "fault_report",
        "障碍申告修复流程",
        WorkOrderKind.FAULT_REPORT,
        True,
        _flow([_d("city_team"), R, P, RE, FB, AR], round_the_clock=True),
    ),
    (
        "pre_acceptance",
        "预受理流程(客户经理上门)",
        WorkOrderKind.PRE_ACCEPTANCE,
        True,
        _flow([_d("account_manager"), R, P, RE, FB, AR], contact_method_required=True),
    ),
    (
        "business_handling",
        "业务办理流程",
        WorkOrderKind.BUSINESS_HANDLING,
        True,
        _flow([_d("city_team"), R, RE, FB, AR]),
    ),
    # WO-9: province <-> city coordination flows
    (
        "interface",
        "咨询/投诉/建议接口流程",
        WorkOrderKind.COMPLAINT,
        False,
        _flow([_d("city_team"), R, RE, FB, AR]),
    ),
    (
        "manual_fault",
        "人工障碍流程",
        WorkOrderKind.FAULT_REPORT,
        False,
        _flow([_d("city_team"), R, P, RE, FB, AR], round_the_clock=True),
    ),
    # The urge flow (催单流程) is no flow of its own: it is the urge action on the existing order,
    # which its holder acknowledges (``order_acknowledge_urge``).
    (
        "install_move",
        "装机/移机流程",
        WorkOrderKind.BUSINESS_HANDLING,
        False,
        _flow([_d("city_team"), R, P, RE, FB, AR]),
    ),
    (
        "info_sync",
        "信息同步流程(地市报中心)",
        WorkOrderKind.BUSINESS_HANDLING,
        False,
        # a city feeds information to the centre: the city accepts, the centre takes it in
        _flow([P, RE, AR], also=(), accept_holder="centre", accept_from="city"),
    ),
    (
        "suspension",
        "停复机流程",
        WorkOrderKind.BUSINESS_HANDLING,
        False,
        _flow([_d("city_team", 4), R, RE, FB, AR]),
    ),
    (
        "billing_adjustment",
        "账务调整流程(班长审批)",
        WorkOrderKind.COMPLAINT,
        False,
        _flow([_d("department:RESP-BILLING"), R, RE, FB, AR]),
    ),
]


def load_default_flows(FlowDefinition) -> None:
    """Create the shipped flows that are missing (version 1); never rewrites a published version.
    Takes the model class so a data migration can pass its historical model."""
    for code, name, kind, is_default, definition in DEFAULT_FLOWS:
        if FlowDefinition.objects.filter(code=code).exists():
            continue
        FlowDefinition.objects.create(
            code=code,
            name=name,
            kind=kind,
            version=1,
            is_current=True,
            is_default=is_default,
            definition=validate(definition),
            note="shipped",
        )
