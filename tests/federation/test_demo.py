"""`kefu demo --federation` (issue 5 demo): five nodes, each with its own database and port, wired to
the hub; logins printed; Ctrl-C stops every process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.federation.conftest import _base
from tests.federation.nodes import ROOT

pytestmark = pytest.mark.nodes


def _five_free_ports() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + 4 > 65535:
            continue
        try:
            for port in range(base, base + 5):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise AssertionError("no five free ports in a row")


def test_federation_demo_starts_five_wired_nodes_and_stops_on_ctrl_c(tmp_path_factory):
    """ORG-2, ORG-3: hub, JS, ZJ, SIMS and platform run side by side; the hub reaches every node."""
    base_dir = _base(tmp_path_factory)
    port = _five_free_ports()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env["KEFU_DATA_DIR"] = str(base_dir)
    demo = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "demo", "--federation", "--port", str(port), "--subscribers", "5"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines = []
    try:
        deadline = time.monotonic() + 300
        for line in demo.stdout:
            lines.append(line)
            if "Press Ctrl-C" in line or time.monotonic() > deadline:
                break
        text = "".join(lines)
        assert "Press Ctrl-C" in text, text
        for code in ("JS", "ZJ", "PLAT", "SIMS"):
            assert f"{code}: answered in" in text, text
        assert "hub01" in text and "kefu-demo" in text
        assert f"http://127.0.0.1:{port + 4}/orders/ (plat01)" in text  # ORG-3: the platform's desk
        for offset in range(5):
            with urllib.request.urlopen(f"http://127.0.0.1:{port + offset}/readyz", timeout=5) as response:
                assert response.status == 200
        for code in ("js", "zj", "hub", "sims", "plat"):  # the demo always runs on embedded SQLite
            assert (base_dir / "federation" / code / "kefu.sqlite3").exists()
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
    for offset in range(5):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port + offset)) != 0  # nothing listens any more
