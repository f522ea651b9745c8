"""HTTP transport: one signed POST to a peer. Everything above it speaks messages, not HTTP."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from django.conf import settings

from kefu.federation.envelope import SENDER_HEADER, SIGNATURE_HEADER, sign
from kefu.federation.peers import Peer

# Federation traffic goes straight to the peer's URL: environment proxy variables do not apply.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TransportError(Exception):
    """The peer could not be reached or did not answer in time (``timeout`` tells which)."""

    def __init__(self, message: str, *, timeout: bool = False):
        super().__init__(message)
        self.timeout = timeout


def _decode(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        return {"detail": raw[:200].decode("utf-8", errors="replace")}
    return data if isinstance(data, dict) else {"detail": str(data)[:200]}


def post(peer: Peer, body: bytes, *, timeout: float) -> tuple[int, dict]:
    """POST ``body`` signed with the peer's key; return (HTTP status, decoded JSON answer)."""
    request = urllib.request.Request(
        peer.messages_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "kefu-federation/1",
            SENDER_HEADER: settings.KEFU_NODE_CODE,
            SIGNATURE_HEADER: sign(peer.key, body),
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, _decode(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, _decode(exc.read())
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise TransportError(f"no answer from {peer.code} within {timeout:g} s", timeout=True)
        raise TransportError(f"{peer.code} unreachable: {exc.reason}")
    except TimeoutError:
        raise TransportError(f"no answer from {peer.code} within {timeout:g} s", timeout=True)
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{peer.code} unreachable: {exc.__class__.__name__}: {exc}")
