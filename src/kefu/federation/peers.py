"""The peers file (``KEFU_PEERS_FILE``): who this node talks to and with which key.

TOML, one table per peer, keyed by the peer's node code::

    [peers.HUB]
    role = "hub"
    url = "http://hub.example:8000"       # base URL; messages go to <url>/federation/v1/messages
    key = "…"                             # shared HMAC key of this pair of nodes
    # key_env = "KEFU_FED_KEY_HUB"        # …or the name of an environment variable holding it

Both ends of a link hold the same key. The file is read again when it changes (no restart needed to
add a peer). Keys are never logged and never shown: ``Peer.__repr__`` leaves the key out.
"""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROLES = ("province", "hub", "sims", "platform")


@dataclass(frozen=True)
class Peer:
    code: str
    role: str
    url: str
    key: bytes = field(repr=False)

    @property
    def messages_url(self) -> str:
        return self.url.rstrip("/") + "/federation/v1/messages"


_lock = threading.Lock()
_cache: dict = {"key": None, "peers": {}}


def _parse(path: Path) -> dict[str, Peer]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"KEFU_PEERS_FILE {path} cannot be read: {exc}") from None
    peers = {}
    for code, entry in (data.get("peers") or {}).items():
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{path}: [peers.{code}] must be a table")
        role, url = entry.get("role"), entry.get("url")
        if role not in ROLES:
            raise ImproperlyConfigured(f"{path}: peer {code} has role {role!r}; expected one of {ROLES}")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"{path}: peer {code} needs an http(s) url")
        key = entry.get("key")
        if key is None and entry.get("key_env"):
            key = os.environ.get(entry["key_env"])
        if not isinstance(key, str) or len(key) < 16:
            raise ImproperlyConfigured(f"{path}: peer {code} needs a key of at least 16 characters")
        peers[code] = Peer(code=code, role=role, url=url, key=key.encode())
    return peers


def all_peers() -> dict[str, Peer]:
    """Peers by code; empty when no peers file is configured."""
    name = getattr(settings, "KEFU_PEERS_FILE", None)
    if not name:
        return {}
    path = Path(name)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImproperlyConfigured(f"KEFU_PEERS_FILE {path} cannot be read: {exc}") from None
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        if _cache["key"] != cache_key:
            _cache["peers"] = _parse(path)
            _cache["key"] = cache_key
        return _cache["peers"]


def get(code: str) -> Peer | None:
    return all_peers().get(code)


def of_role(role: str) -> list[Peer]:
    return [p for p in all_peers().values() if p.role == role]
