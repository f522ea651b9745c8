"""Waiting on a condition instead of sleeping a fixed time: the one helper every test uses."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 60, message: str = "the condition", *,
             interval: float = 0.2) -> T:  # fmt: skip
    """Call ``condition()`` until it answers something truthy and return that answer; fail with
    ``message`` (and the last answer) once ``timeout`` seconds have passed. The timeout is generous on
    purpose: it bounds a hang, it is not what the test measures."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message} (last: {value!r})")
        time.sleep(interval)
