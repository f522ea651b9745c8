"""The SMS port: sending short messages (results, one-time passwords, notifications). Protocol only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SmsReceipt:
    """What the SMS gateway answered: its message id, and whether it accepted the message."""

    message_id: str
    accepted: bool
    error: str = ""


@runtime_checkable
class SmsPort(Protocol):
    """Send one short message to one number. Implementations must not log the text when it carries a
    one-time password; ``sender`` is the service code (e.g. 10086)."""

    def send(self, *, to: str, text: str, sender: str = "10086") -> SmsReceipt: ...
