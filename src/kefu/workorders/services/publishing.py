"""Flow configuration (SYS-3): publishing a new version of a flow."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.models import AgentGroup, Department
from kefu.workorders import flows
from kefu.workorders.choices import WorkOrderKind
from kefu.workorders.errors import ActionNotPermitted, WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import FlowDefinition


@transaction.atomic
def flow_publish(
    *,
    actor,
    code: str,
    definition: dict,
    name: str = "",
    kind: str = "",
    business_code: str = "",
    category_code: str = "",
    is_default: bool | None = None,
    note: str = "",
) -> FlowDefinition:
    """Publish a flow: validate ``definition`` against the transition table, check the departments
    and groups it names exist, and make it version n+1 of ``code`` (a new code starts at 1; ``name``
    and ``kind`` are then required). Orders already accepted keep the version they were accepted
    under. Administrators only."""
    if actor.role != Role.ADMINISTRATOR:
        raise ActionNotPermitted(_("只有系统管理员可以发布流程"))
    normalised = flows.validate(definition)
    specs = [s["holder"] for s in normalised["steps"] if "holder" in s]
    specs += [normalised["accept_holder"]] if "accept_holder" in normalised else []
    for spec in specs:
        if spec.startswith("department:") and not Department.objects.filter(code=spec[11:]).exists():
            raise WorkOrderError(
                _("部门 %(c)s 不存在") % {"c": spec[11:]}, code=WorkOrderErrorCode.INVALID_FLOW
            )
        if spec.startswith("group:") and not AgentGroup.objects.filter(code=spec[6:]).exists():
            raise WorkOrderError(
                _("班组 %(c)s 不存在") % {"c": spec[6:]}, code=WorkOrderErrorCode.INVALID_FLOW
            )
    # Race: two administrators publish the same flow at once; the lock on the current version
    # makes the second one number after the first.
    current = FlowDefinition.objects.select_for_update().filter(code=code, is_current=True).first()
    if current is None and not (name and kind in WorkOrderKind):
        raise WorkOrderError(_("新流程须填写名称和工单类型"), code=WorkOrderErrorCode.INVALID_FLOW)
    if current is not None:
        FlowDefinition.objects.filter(pk=current.pk).update(is_current=False)
    kind = kind or current.kind
    make_default = bool(is_default if is_default is not None else (current.is_default if current else False))
    if make_default:
        FlowDefinition.objects.filter(kind=kind, is_current=True, is_default=True).exclude(code=code).update(
            is_default=False
        )
    last = (
        FlowDefinition.objects.filter(code=code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    flow = FlowDefinition.objects.create(
        code=code,
        name=name or current.name,
        kind=kind,
        business_code=business_code if current is None or business_code else current.business_code,
        category_code=category_code if current is None or category_code else current.category_code,
        version=(last or 0) + 1,
        is_current=True,
        is_default=make_default,
        definition=normalised,
        published_by=actor.job_number,
        note=note,
    )
    audit.record(
        actor=actor,
        action="workorders.flow.publish",
        obj=flow,
        changes={"code": code, "version": flow.version},
    )
    return flow
