"""The fax port: sending a result or a notice to a fax number (WO-7, Q-4, CH-1's non-real-time access).
Protocol only; no domain imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class FaxReceipt:
    """What the fax server answered: its job id, and whether it accepted the document."""

    message_id: str
    accepted: bool
    error: str = ""


@runtime_checkable
class FaxPort(Protocol):
    """Send one plain-text document (a cover line ``subject`` and the ``text``) to one fax number."""

    def send(self, *, to: str, subject: str, text: str) -> FaxReceipt: ...
