"""Prometheus text exposition, without a client library: counters kept per process, gauges read
from the database when scraped. Behind several worker processes each process reports its own
counters; the ``process`` label tells them apart."""

from __future__ import annotations

import os
import threading
from collections import defaultdict

_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_durations: dict[tuple[str, str], float] = defaultdict(float)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    with _lock:
        _requests[(method, route, str(status))] += 1
        _durations[(method, route)] += seconds


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(gauges: dict[str, tuple[str, list[tuple[dict[str, str], float]]]]) -> str:
    pid = str(os.getpid())
    lines = [
        "# HELP kefu_http_requests_total HTTP requests answered, by method, route and status.",
        "# TYPE kefu_http_requests_total counter",
    ]
    with _lock:
        requests = dict(_requests)
        durations = dict(_durations)
    for (method, route, status), count in sorted(requests.items()):
        lines.append(
            f'kefu_http_requests_total{{process="{pid}",method="{method}",route="{_escape(route)}",'
            f'status="{status}"}} {count}'
        )
    lines += [
        "# HELP kefu_http_request_seconds_total Time spent answering, by method and route.",
        "# TYPE kefu_http_request_seconds_total counter",
    ]
    for (method, route), seconds in sorted(durations.items()):
        lines.append(
            f'kefu_http_request_seconds_total{{process="{pid}",method="{method}",'
            f'route="{_escape(route)}"}} {seconds:.6f}'
        )
    for name, (help_text, samples) in gauges.items():
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} gauge")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")
    return "\n".join(lines) + "\n"
