"""`kefu demo` (what `make demo` runs) on a fresh data directory: it migrates, seeds, serves the Chinese
login page, has a ticket in triage with a category suggestion, and stops every process on Ctrl-C
within a few seconds, even with desks' event streams open."""

from __future__ import annotations

import html
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.waits import wait_for

pytestmark = pytest.mark.nodes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _signed_in(base: str, job_number: str, password: str) -> urllib.request.OpenerDirector:
    """An opener with the desk session of ``job_number`` (the login form, CSRF token and all)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.cookiejar = jar  # the session, for requests made without the opener (event streams)
    with opener.open(base + "login/", timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": job_number, "password": password}
    )
    request = urllib.request.Request(
        base + "login/", data=form.encode(), headers={"Referer": base + "login/"}
    )
    with opener.open(request, timeout=10) as response:
        assert "/login/" not in response.url, "the demo login was refused"
    return opener


def _page(opener, url: str) -> str:
    with opener.open(url, timeout=10) as response:
        assert response.status == 200
        return html.unescape(response.read().decode())


def test_demo_serves_chinese_login_and_stops_on_ctrl_c(tmp_path):
    """SYS-1: the embedded demo needs no server, prints the logins and serves the Chinese login page.
    SR-3, WO-4: its triage queue holds a TMF621-style ticket whose page suggests the category the
    description names (复机不及时), learnt at start-up from the demo's archived complaints.
    SYS-1 (issue 12): Ctrl-C stops every process of the demo in a few seconds, with three desks'
    event streams open."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["KEFU_DATA_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "demo", "--port", str(port), "--subscribers", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    streams: list[http.client.HTTPConnection] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(output)
        assert "Press Ctrl-C" in text, text[-3000:]
        assert f"http://127.0.0.1:{port}/" in text
        assert "js1001" in text and "kefu-demo" in text
        status, _ = _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        status, page = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200
        assert "工号" in page

        # SR-3, WO-4: a ticket waits in the back office's triage queue and its page suggests a
        # category learnt from the demo's archived complaints, with a confidence
        ticket = re.search(r"ticket (\S+) waits in triage", text)
        assert ticket, text[-3000:]
        assert re.search(r"category suggestions trained on [1-9]\d* archived orders", text)
        back = _signed_in(f"http://127.0.0.1:{port}/", "js1004", "kefu-demo")
        queue = _page(back, f"http://127.0.0.1:{port}/workorders/?queue=triage")
        assert ticket.group(1) in queue
        detail = _page(back, f"http://127.0.0.1:{port}/workorders/{ticket.group(1)}/")
        suggestion = detail.split('data-testid="category-suggestion"', 1)[1][:1500]
        assert "复机不及时" in suggestion and "%" in suggestion, suggestion

        # issue 12: desks with their event streams open when the demo is stopped
        agent = _signed_in(f"http://127.0.0.1:{port}/", "js1001", "kefu-demo")
        cookies = "; ".join(f"{c.name}={c.value}" for c in agent.cookiejar)
        for _desk in range(3):
            stream = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            stream.request("GET", "/telephony/events", headers={"Cookie": cookies})
            assert stream.getresponse().status == 200
            streams.append(stream)
    finally:
        stopping = time.monotonic()
        os.killpg(process.pid, signal.SIGINT) if process.poll() is None else None
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        stopped_in = time.monotonic() - stopping
        for stream in streams:
            stream.close()
    # SYS-1 (issue 12, item 8): Ctrl-C ends the demo within a few seconds, open streams or not (it
    # waited 30-40 s for them under the threaded server)
    assert len(streams) == 3 and stopped_in < 8, f"the demo took {stopped_in:.1f} s to stop"

    # Ctrl-C reaches the whole group and nothing of the demo keeps running
    def leftovers() -> list[str]:
        return subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
        ).stdout.split()

    wait_for(lambda: not leftovers(), 10, "every process of the demo's group to end")
