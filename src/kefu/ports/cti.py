"""The CTI port: call events from the telephony platform (PBX/ACD/IVR) and the few commands kefu
sends back. Protocol only; adapters live with the code that owns the calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CallEvent:
    """One event of a call: ``kind`` is ringing, answered, transferred, held, ended or ivr_result.

    ``data`` carries what the IVR collected for the agent (e.g. authentication passed/failed, never the
    password itself: AUTH-3).
    """

    call_id: str
    kind: str
    at: datetime
    calling_number: str = ""
    called_number: str = ""
    agent_job_number: str = ""
    data: dict[str, str] = field(default_factory=dict)


CallEventHandler = Callable[[CallEvent], None]


@runtime_checkable
class CtiPort(Protocol):
    """Subscribe to call events; ask the platform to transfer a call or play the IVR authentication."""

    def subscribe(self, handler: CallEventHandler) -> None: ...

    def transfer(self, *, call_id: str, to: str) -> None: ...

    def start_ivr_authentication(self, *, call_id: str, number: str) -> None: ...
