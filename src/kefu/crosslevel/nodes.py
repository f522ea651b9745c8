"""How another node appears inside a province's work-order engine (no change to the engine).

The hub is a department of kind ``support`` named ``NODE-<code>`` (``NODE-HUB``); a province dispatches
a cross-level order to it like to any department (``department:NODE-HUB``). What the hub does with it
comes back as actions of the hub's **node actor**: a member of staff ``NODE-<code>`` (back office, in
that department, unusable password — nobody logs in as it), so the engine's checks hold as they are:
the order is held by the hub's department, and the node actor is its member. Events carrying that
actor came from the node and are never sent back to it.

On a target province the hub's orders follow the flow ``xl-<kind>-<code>``: accepted into the node's
department, dispatched at once to the province centre, received, replied, archived (feedback stays with
the origin province; it arrives here as a comment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from kefu.core.choices import DepartmentKind, Role
from kefu.core.models import Department, Province, Staff

PREFIX = "NODE-"


def department_code(node: str) -> str:
    return f"{PREFIX}{node}"


def holder_ref(node: str) -> str:
    return f"department:{department_code(node)}"


def node_of_holder(ref: str) -> str | None:
    """``department:NODE-HUB`` → ``HUB``; None for any other holder."""
    prefix = f"department:{PREFIX}"
    return ref[len(prefix) :] if ref and ref.startswith(prefix) else None


def local_province() -> Province | None:
    return Province.objects.filter(code=settings.KEFU_NODE_CODE).first()


def _get_or_create(model, lookup: dict, defaults: dict):
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults)
    except IntegrityError:  # created by a concurrent transaction
        return model.objects.get(**lookup)


def node_department(node: str) -> Department:
    from django.utils.translation import gettext as _

    return _get_or_create(
        Department,
        {"code": department_code(node)},
        {
            "name": _("一级客服(%(node)s)") % {"node": node},
            "kind": DepartmentKind.SUPPORT,
            "province": local_province(),
        },
    )


def node_actor(node: str) -> Staff:
    """The member of staff that stands for ``node`` in this province's engine."""
    department = node_department(node)
    actor = Staff.objects.filter(job_number=department_code(node)).first()
    if actor is not None:
        return actor
    staff = Staff(
        job_number=department_code(node),
        name=department.name,
        role=Role.BACK_OFFICE,
        province=department.province,
        department=department,
    )
    staff.set_unusable_password()
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        return Staff.objects.get(job_number=department_code(node))
    return staff


def is_node_actor(job_number: str) -> bool:
    return bool(job_number) and job_number.startswith(PREFIX)


def target_flow(node: str, kind: str):
    """The flow of orders a hub sends to this province (created on first use, then kept)."""
    from kefu.workorders import flows
    from kefu.workorders.models import FlowDefinition

    code = f"xl-{kind}-{node}"[:40]
    flow = FlowDefinition.objects.filter(code=code, is_current=True).first()
    if flow is not None:
        return flow
    node_department(node)
    definition = flows.validate(
        {
            "steps": [
                {"action": "dispatch", "holder": "centre"},
                {"action": "receive"},
                {"action": "reply"},
                {"action": "archive"},
            ],
            "also": ["process", "return", "reprocess", "dispatch"],
            "accept_holder": holder_ref(node),
        }
    )
    return _get_or_create(
        FlowDefinition,
        {"code": code, "version": 1},
        {
            "name": f"跨级工单({node})",
            "kind": kind,
            "is_current": True,
            "is_default": False,
            "definition": definition,
            "note": "crosslevel",
        },
    )
