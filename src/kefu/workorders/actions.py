"""The action table: every work-order action, declared once (WO-4, WO-6, WO-10).

Per action: the engine service it calls, the input it takes (the API's input serializer — the desk,
TMF621's PATCH, the cross-level messages and the tests feed the same one), the input field a free
text fills, whether it takes files, the roles that may take it and its label. Every caller goes
through :meth:`OrderAction.parse` (input → the service's keyword arguments) and
:meth:`OrderAction.call`, so the same bad input is refused with the same code wherever it comes from.

Adding an action: its ``Action`` value and ``TRANSITIONS`` rows, its ``order_<action>`` service, and
one row in :data:`ACTIONS` — the API endpoint, the desk's form handling and the order-driving test
helper follow from the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import serializers

from kefu.catalog import nodes
from kefu.catalog.models import ResponsibilityCause
from kefu.core.errors import ErrorCode, flatten_detail
from kefu.core.models import Department
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber
from kefu.workorders import pickers, services, transitions
from kefu.workorders.api import serializers as inputs
from kefu.workorders.choices import Action, SystemEvent
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import WorkOrder


@dataclass(frozen=True)
class OrderAction:
    """One row of the table."""

    name: str
    service: Callable[..., WorkOrder]
    input: type[serializers.Serializer]
    text: str = "comment"  # the field a free text fills: the desk's text box, TMF's statusChangeReason
    text_required: bool = False  # the engine refuses the action without that text
    files: bool = False  # the service stores uploaded files on the action's event
    path: str = ""  # the API's path segment under /api/v1/work-orders/{number}/ (default: the name)
    resolve: Callable[[dict], dict] | None = None  # codes in the input → what the service takes
    # input fields that may carry a name instead of a code, and the picker that resolves it (a
    # supervisor types 南京 as the dispatch target: kefu.workorders.pickers.resolve)
    names: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return SystemEvent.label(self.name) if self.name in SystemEvent else Action.label(self.name)

    @property
    def roles(self) -> tuple[str, ...]:
        """Who may take the action in some state (the transition table says in which)."""
        if self.name in SystemEvent:
            return SYSTEM_EVENT_ROLES[self.name]
        found = {
            role
            for (_state, action), rule in transitions.TRANSITIONS.items()
            if action == self.name
            for role in rule.roles
        }
        return tuple(sorted(found))

    @property
    def url_path(self) -> str:
        return self.path or self.name

    def parse(self, data, *, actor=None) -> dict:
        """Check ``data`` (a dict or a QueryDict) with the action's input and return the service's
        keyword arguments; bad input is ``validation_failed`` (400) with the fields' ``errors``.
        With ``actor``, a name in a field of :attr:`names` becomes its code within the actor's scope
        (several or no matches: ``name_ambiguous`` / ``name_unknown`` with the candidates)."""
        try:
            arguments = dict(inputs.validated(self.input, data))
        except serializers.ValidationError as exc:
            raise WorkOrderError(
                flatten_detail(exc.detail),
                code=ErrorCode.VALIDATION_FAILED,
                status=400,
                errors=exc.detail,
            ) from None
        arguments.pop("files", None)
        if actor is not None:
            for field, kind in self.names:
                if arguments.get(field):
                    arguments[field] = pickers.resolve(kind, str(arguments[field]), user=actor)
        return self.resolve(arguments) if self.resolve else arguments

    def call(self, *, actor, order: WorkOrder | str, arguments: dict, files: Sequence = ()) -> WorkOrder:
        """Run the engine service with arguments from :meth:`parse`."""
        if self.files:
            arguments = {**arguments, "files": files}
        return self.service(actor=actor, order=order, **arguments)

    def perform(self, *, actor, order: WorkOrder | str, data, files: Sequence = ()) -> WorkOrder:
        """:meth:`parse` then :meth:`call`."""
        return self.call(actor=actor, order=order, arguments=self.parse(data, actor=actor), files=files)

    def text_input(self, text: str, **fields) -> dict:
        """Input made of a free text (in the field this action takes it) and other fields."""
        return {self.text: text, **fields}


def _dispatch_target(arguments: dict) -> dict:
    ref = arguments.pop("to", "")
    return {**arguments, "to": services.holder_parse(ref) if ref else None}


def _archive_data(arguments: dict) -> dict:
    cause_code = arguments.pop("responsibility_cause", "")
    department_code = arguments.pop("responsible_department", "")
    cause = department = None
    if cause_code:
        cause = ResponsibilityCause.objects.filter(code=cause_code, active=True).order_by("pk").first()
        if cause is None:
            raise WorkOrderError(_("未知的责任原因"), code=ErrorCode.VALIDATION_FAILED)
    if department_code:
        department = Department.objects.filter(code=department_code).order_by("pk").first()
        if department is None:
            raise WorkOrderError(_("未知的责任部门"), code=ErrorCode.VALIDATION_FAILED)
    return {**arguments, "responsibility_cause": cause, "responsible_department": department}


# Actions that are no transition (they change no state) and who may take them.
SYSTEM_EVENT_ROLES = {
    SystemEvent.OA_LINK: transitions.OA_LINK_ROLES,
    SystemEvent.URGE_ACK: transitions.URGE_ACK_ROLES,
    SystemEvent.APPROVAL: transitions.APPROVAL_ROLES,
}


def _categorise_data(arguments: dict) -> dict:
    """The category node and the subscriber a categorise names (the service checks the scope)."""
    category_id = arguments.pop("category", None)
    number = arguments.pop("subscriber", "")
    category = nodes.node(category_id) if category_id else None
    if category_id and category is None:
        raise WorkOrderError(
            _("分类编号 %(v)s 不存在") % {"v": category_id}, code=ErrorCode.VALIDATION_FAILED
        )
    subscriber = None
    if number:
        subscriber = Subscriber.objects.filter(number=number).first()
        if subscriber is None:
            raise WorkOrderError(
                _("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number},
                code=CustomerErrorCode.UNKNOWN_SUBSCRIBER,
            )
    return {**arguments, "category": category, "subscriber": subscriber}


def _rows(*rows: OrderAction) -> dict[str, OrderAction]:
    return {row.name: row for row in rows}


ACTIONS: dict[str, OrderAction] = _rows(
    OrderAction(
        Action.CATEGORISE, services.order_categorise, inputs.CategoriseInput, resolve=_categorise_data
    ),
    OrderAction(
        Action.DISPATCH,
        services.order_dispatch,
        inputs.DispatchInput,
        files=True,
        resolve=_dispatch_target,
        names=(("to", "holders"),),
    ),
    OrderAction(Action.RECEIVE, services.order_receive, inputs.CommentInput, files=True),
    OrderAction(Action.PROCESS, services.order_process, inputs.ProcessInput, files=True),
    OrderAction(Action.REPLY, services.order_reply, inputs.ReplyInput, text_required=True, files=True),
    OrderAction(Action.FEEDBACK, services.order_feedback, inputs.FeedbackInput, files=True),
    OrderAction(
        Action.ARCHIVE, services.order_archive, inputs.ArchiveInput, files=True, resolve=_archive_data
    ),
    OrderAction(
        Action.REPROCESS,
        services.order_reprocess,
        inputs.ReasonInput,
        text="reason",
        text_required=True,
        files=True,
    ),
    OrderAction(
        Action.RETURN,
        services.order_return,
        inputs.ReasonInput,
        text="reason",
        text_required=True,
        files=True,
    ),
    OrderAction(Action.QUERY, services.order_query, inputs.CommentInput),
    OrderAction(Action.URGE, services.order_urge, inputs.CommentInput),
    OrderAction(
        Action.COMMENT, services.order_comment, inputs.RequiredCommentInput, text_required=True, files=True
    ),
    OrderAction(Action.CANCEL, services.order_cancel, inputs.ReasonInput, text="reason", text_required=True),
    OrderAction(Action.PAUSE, services.order_pause, inputs.ReasonInput, text="reason", text_required=True),
    OrderAction(Action.RESUME, services.order_resume, inputs.CommentInput),
    OrderAction(Action.ATTACH, services.order_attach, inputs.AttachInput, files=True, path="attachments"),
    OrderAction(SystemEvent.OA_LINK, services.order_link_oa, inputs.OaLinkInput, path="oa-link"),
    # WO-9: the holder acknowledges an urge; a supervisor approves or rejects a billing adjustment
    OrderAction(SystemEvent.URGE_ACK, services.order_acknowledge_urge, inputs.CommentInput, path="urge-ack"),
    OrderAction(
        SystemEvent.APPROVAL, services.order_decide_adjustment, inputs.ApprovalInput, path="approval"
    ),
)
