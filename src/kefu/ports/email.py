"""The email port: sending results and notices by email (Q-4). Protocol only; no domain imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class EmailReceipt:
    """What the mail system answered: its message id, and whether it accepted the message."""

    message_id: str
    accepted: bool
    error: str = ""


@runtime_checkable
class EmailPort(Protocol):
    """Send one plain-text email to one address."""

    def send(self, *, to: str, subject: str, text: str) -> EmailReceipt: ...
