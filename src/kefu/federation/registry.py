"""Message handlers: ``@handles("type")`` registers a function that applies one message type.

A handler takes the :class:`~kefu.federation.envelope.Message` and returns a JSON-able dict (the
``result`` a synchronous requester gets back) or None. Event handlers run inside the receiving
transaction: whatever they write, and any message they :func:`~kefu.federation.services.send` on, is
committed together with the inbox row, and the sender is acknowledged only after that commit. A
handler refuses a message by raising :class:`kefu.core.errors.DomainError`; the transaction is rolled
back and the sender gets 422 with the handler's code (the message goes to the sender's dead letters).

Handlers for request messages (``mode = request``) run outside a transaction, because they may wait
on another node (the hub relaying a query); they must be safe to run twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kefu.federation.envelope import Message

HandlerFn = Callable[[Message], dict | None]


@dataclass(frozen=True)
class Handler:
    type: str
    fn: HandlerFn
    roles: frozenset[str] | None  # receiving node roles that accept the type (None: any)
    senders: frozenset[str] | None  # sender roles allowed (None: any)


_handlers: dict[str, list[Handler]] = {}


def handles(
    type: str, *, roles: Iterable[str] | None = None, senders: Iterable[str] | None = None
) -> Callable[[HandlerFn], HandlerFn]:
    """Register ``fn`` as the handler of message ``type``.

    ``roles``: on which node roles the type is accepted (others answer ``unknown_type``);
    ``senders``: which peer roles may send it (others get ``not_allowed``).

    A type may have one handler per role: each role app registers its own (the hub and SIMS each
    apply ``workorder.*`` to their copy, a province through its engine). Two handlers whose roles
    overlap are refused at start-up.
    """

    def register(fn: HandlerFn) -> HandlerFn:
        handler = Handler(
            type=type,
            fn=fn,
            roles=frozenset(roles) if roles is not None else None,
            senders=frozenset(senders) if senders is not None else None,
        )
        existing = [h for h in _handlers.get(type, []) if h.fn is not fn]
        for other in existing:
            if handler.roles is None or other.roles is None or handler.roles & other.roles:
                qualname = f"{other.fn.__module__}.{other.fn.__qualname__}"
                raise ValueError(f"message type {type!r} already has a handler on these roles: {qualname}")
        _handlers[type] = [*existing, handler]
        return fn

    return register


def handler_for(type: str, *, role: str) -> Handler | None:
    """The handler of ``type`` on a node of ``role``, or None."""
    for handler in _handlers.get(type, []):
        if handler.roles is None or role in handler.roles:
            return handler
    return None
