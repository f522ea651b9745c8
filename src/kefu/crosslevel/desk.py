"""The second line's desk on an order copy (WO-4): what SIMS's SP desk and a business platform's
complaint desk (ORG-3) do the same way, written once.

A second-line app describes its desk with one :class:`SecondLineDesk` — its copy model, who works it,
the actions it offers, how it refuses (its own error class and codes) and what its audit rows are
called — and gets the common steps:

- :meth:`SecondLineDesk.copy_from_hub`: the copy a ``workorder.*`` event is about — accepted from the
  hub only; a new copy records the hub and the origin, a dispatch leaves it without a handler;
- :meth:`SecondLineDesk.return_at_once`: a dispatch this second line cannot take goes back to the hub
  at once, with the reason (WO-4 return);
- :meth:`SecondLineDesk.order_for`: the copy, inside the actor's data scope (:mod:`kefu.core.scope`);
- :meth:`SecondLineDesk.act`: a desk action — receive, process, reply, return, comment, urge — checked
  against the engine's table (:data:`kefu.crosslevel.copies.ALLOWED_FROM`), recorded, sent to the hub
  and audited in one transaction; a refusal changes nothing;
- :meth:`SecondLineDesk.query_hub`: query (查询) the hub for the order's state.

What differs stays in the app: SIMS's points (a hook on :meth:`SecondLineDesk.act`), the platform's
businesses, each applier's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import copies, messages
from kefu.federation.client import request
from kefu.federation.envelope import Message

# The actions a second line takes on its copy, in the order its desk shows them.
SECOND_LINE_ACTIONS: tuple[str, ...] = (
    messages.RECEIVE,
    messages.PROCESS,
    messages.REPLY,
    messages.RETURN,
    messages.COMMENT,
    messages.URGE,
)
# The actions that say something: a reply its result, a progress or comment its text.
NEEDS_TEXT = (messages.REPLY, messages.COMMENT, messages.PROCESS)


@dataclass(frozen=True)
class SecondLineDesk:
    """One second line's desk on its copies of cross-level orders.

    ``error`` is the app's :class:`DomainError` subclass; ``codes`` its code enum, which names
    ``NOT_ALLOWED``, ``PERMISSION_DENIED``, ``INVALID_TRANSITION`` and ``REASON_REQUIRED``;
    ``text_required`` the code of an action whose text is missing; ``not_staff`` the message that
    refuses an actor outside ``roles``; ``audit_as`` the prefix of the audit action (``sims.reply``)."""

    model: type[copies.OrderCopy]
    roles: frozenset[str]
    error: type[DomainError]
    codes: type
    text_required: str
    not_staff: str
    audit_as: str
    actions: tuple[str, ...] = SECOND_LINE_ACTIONS

    # --- from the hub ---------------------------------------------------------------------------

    def copy_from_hub(self, message: Message, **fields) -> copies.OrderCopy | None:
        """The copy a ``workorder.*`` event is about (:func:`kefu.crosslevel.copies.copy_for`: locked,
        new for a first dispatch, None for an unknown order), after refusing an event the hub did not
        send. A new copy gets the hub, the origin and ``fields``; a dispatch (the first, or again after
        a return) leaves the copy without a handler. Runs inside the receiving transaction."""
        if message.sender_role != "hub":
            raise self.error(_("只接受一级客服枢纽发来的工单"), code=self.codes.NOT_ALLOWED, status=422)
        payload = message.payload
        origin = (payload.get("order") or {}).get("origin") or payload.get("node", "")
        order = copies.copy_for(self.model, message, hub=message.sender, origin=origin, **fields)
        if order is not None and payload.get("action") == messages.DISPATCH:
            order.handler = ""
        return order

    def return_at_once(self, order: copies.OrderCopy, *, reason: str, now: datetime) -> dict:
        """A dispatch this second line cannot take: returned to the hub with ``reason``, in the
        receiving transaction; the applier's result."""
        copies.act_here(order, action=messages.RETURN, actor="system", to=order.hub, comment=reason, now=now)
        return {"applied": True, "state": order.state, "returned": reason}

    # --- the desk -------------------------------------------------------------------------------

    def may_work(self, user) -> bool:
        return user.role in self.roles

    def order_for(self, *, actor, number: str, lock: bool = False) -> copies.OrderCopy:
        """The copy ``number`` inside ``actor``'s scope (locked with ``lock``); ``NotFoundError``
        otherwise."""
        rows = self.model.objects.filter(number=number)
        if lock:
            rows = rows.select_for_update()
        order = scope.restrict(rows, actor).first()
        if order is None:
            raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
        return order

    def allowed(self, order: copies.OrderCopy) -> list[str]:
        """The actions the desk offers on ``order`` in its state."""
        return copies.actions_allowed(order.state, self.actions)

    @transaction.atomic
    def act(
        self,
        *,
        actor,
        number: str,
        action: str,
        comment: str = "",
        before_send: Callable[[copies.OrderCopy, str, datetime], None] | None = None,
    ) -> copies.OrderCopy:
        """A desk action (WO-4): receive (the actor becomes the handler), process (progress), reply (the
        result), return (with a reason), comment, urge. Recorded on the copy and sent to the hub in the
        same transaction, audited; a refusal changes nothing. ``before_send(order, action, now)`` runs
        after the checks, once the copy knows its handler or reply time, before the action is
        recorded (SIMS deducts a late reply's points there)."""
        if not self.may_work(actor):
            raise self.error(self.not_staff, code=self.codes.PERMISSION_DENIED, status=403)
        order = self.order_for(actor=actor, number=number, lock=True)
        if action not in self.actions:
            raise self.error(
                _("未知的操作 %(a)s") % {"a": action}, code=self.codes.INVALID_TRANSITION, status=409
            )
        if order.state not in copies.ALLOWED_FROM[action]:
            raise self.error(
                _("工单状态为“%(s)s”, 不能执行该操作") % {"s": order.get_state_display()},
                code=self.codes.INVALID_TRANSITION, status=409,
            )  # fmt: skip
        comment = (comment or "").strip()
        if action == messages.RETURN and not comment:
            raise self.error(_("请填写退回原因"), code=self.codes.REASON_REQUIRED)
        if action in NEEDS_TEXT and not comment:
            raise self.error(_("请填写处理结果或意见"), code=self.text_required)
        now = timezone.now()
        if action == messages.RECEIVE:
            order.handler = actor.job_number
        elif action == messages.REPLY:
            order.replied_at = now
        if before_send is not None:
            before_send(order, action, now)
        copies.act_here(order, action=action, actor=actor.job_number, to=order.hub, comment=comment, now=now)
        audit.record(
            actor=actor, action=f"{self.audit_as}.{action}", obj=order, changes={"state": order.state}
        )
        return order

    def query_hub(self, order: copies.OrderCopy) -> dict:
        """Query (查询): ask the hub for the order's state (synchronous, with a timeout; raises
        ``PeerError`` with a message for the desk)."""
        return request(
            to=order.hub, type=messages.QUERY, payload={"number": order.number}, order=order.number
        )
