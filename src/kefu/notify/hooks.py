"""Who hears of each message sent (CON-1): a registry that higher apps fill at start-up.

``notify`` sits in layer 2 and cannot import the apps that care about its messages — ``contacts``
records every SMS, email and fax to a customer as an outbound contact. Such an app registers a
listener in its ``AppConfig.ready``; :func:`message_sent` calls every listener inside the sender's
transaction, so the listener's rows exist exactly when the message's row does.
"""

from __future__ import annotations

from collections.abc import Callable

from kefu.notify.models import OutgoingMessage

Listener = Callable[..., None]  # listener(message, *, actor) -> None

_listeners: list[Listener] = []


def on_message_sent(listener: Listener) -> Listener:
    """Register ``listener(message, *, actor)``; registering the same function twice has no effect."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def message_sent(message: OutgoingMessage, *, actor) -> None:
    """Tell every listener of one message just kept in the outbox (called by :mod:`notify.services`)."""
    for listener in tuple(_listeners):
        listener(message, actor=actor)
