"""Fixtures of the federation tests: a peers file for in-process tests, real nodes for end-to-end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.federation.nodes import drop_databases, start_federation

HUB_KEY = "hub-and-js-share-this-key-0123456789"
ZJ_KEY = "zj-and-js-share-this-key-0123456789"


@pytest.fixture
def peers_file(tmp_path, settings):
    """This test process is node JS (province); its peers are HUB (hub) and ZJ (province)."""
    path = tmp_path / "peers.toml"
    path.write_text(
        f"""
[peers.HUB]
role = "hub"
url = "http://127.0.0.1:9"
key = "{HUB_KEY}"

[peers.ZJ]
role = "province"
url = "http://127.0.0.1:9"
key = "{ZJ_KEY}"
"""
    )
    settings.KEFU_NODE_CODE = "JS"
    settings.KEFU_ROLE = "province"
    settings.KEFU_PEERS_FILE = str(path)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    settings.KEFU_FEDERATION_DELIVERY_THREADS = 1
    return path


def _base(tmp_path_factory) -> Path:
    data = Path(os.environ.get("KEFU_DATA_DIR", "var/fed")).resolve()
    # one directory per test process: pytest-xdist workers each number their temp dirs from 0
    base = data / "nodes" / f"{os.getpid()}-{tmp_path_factory.mktemp('fed').name}"
    base.mkdir(parents=True, exist_ok=True)
    return base


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    """Real nodes: HUB (hub), JS and ZJ (provinces), each with web server, delivery worker, database."""
    fed = start_federation(_base(tmp_path_factory), {"HUB": "hub", "JS": "province", "ZJ": "province"})
    try:
        yield fed
    finally:
        fed.stop()
        drop_databases(fed)
