"""Fixtures of the issue-5 flow tests (capability, platform, SP-2, remote)."""

from __future__ import annotations

import pytest


@pytest.fixture
def hub_peers(tmp_path, settings):
    """This test process is province node JS; its only peer is the hub HUB (nothing listens there)."""
    path = tmp_path / "peers.toml"
    path.write_text(
        '[peers.HUB]\nrole = "hub"\nurl = "http://127.0.0.1:9"\nkey = "hub-and-js-share-this-key-0123456789"\n'
    )
    settings.KEFU_NODE_CODE = "JS"
    settings.KEFU_ROLE = "province"
    settings.KEFU_PEERS_FILE = str(path)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    return path
