"""`kefu serve` (issue 12, item 1): gunicorn with uvicorn workers on the ASGI application, so that the
desk's open event streams cost no thread; enough open files for thousands of streams; a short
graceful shutdown."""

from __future__ import annotations

import os
import resource

from django.core.management import call_command


def test_kefu_serve_starts_uvicorn_workers_on_the_asgi_application(monkeypatch):
    """VIEW-1, SYS-1: `kefu serve` replaces itself with gunicorn running kefu's uvicorn worker on
    ``kefu.asgi``, with a graceful timeout of a few seconds (Ctrl-C does not wait for open streams),
    per-request database connections (KEFU_CONN_MAX_AGE=0 under ASGI), and its soft limit of open
    files raised to the hard one."""
    started = []
    monkeypatch.setattr(os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.delenv("KEFU_CONN_MAX_AGE", raising=False)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # what serve sets stays in this test
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == hard and hard != resource.RLIM_INFINITY and hard > 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard // 2, hard))  # so that there is something to raise

    call_command("serve", "--port", "8123", "--workers", "3", "--threads", "4")

    [argv] = started
    assert argv[1:4] == ["-m", "gunicorn", "kefu.asgi:application"]
    option = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert option["--worker-class"] == "kefu.core.server.Worker"
    assert option["--workers"] == "3"
    assert option["--bind"] == "127.0.0.1:8123"
    assert int(option["--graceful-timeout"]) <= 5
    assert "--threads" not in option  # accepted for old scripts, meaningless under ASGI
    assert os.environ["KEFU_CONN_MAX_AGE"] == "0"
    now_soft, now_hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert now_soft == now_hard or now_hard == resource.RLIM_INFINITY
