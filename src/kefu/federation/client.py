"""Synchronous request/response with a peer (order state queries, capability queries).

``request`` posts at once — no outbox — and waits at most ``timeout`` seconds. It never hangs and
never returns half an answer: it returns the peer handler's result or raises :class:`PeerError`
whose message is fit for the agent's screen (which node, what happened) and whose ``code`` is one of
``peer_not_configured``, ``peer_unavailable``, ``peer_timeout`` or ``peer_refused``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.federation import peers, transport
from kefu.federation.choices import Mode
from kefu.federation.envelope import encode, envelope
from kefu.federation.errors import FederationErrorCode as Code
from kefu.federation.errors import PeerError


def request(
    *,
    to: str,
    type: str,
    payload: dict,
    timeout: float | None = None,
    deadline: datetime | None = None,
    order: str = "",
) -> dict:
    """Send request ``type`` to peer ``to`` and return its handler's result (a dict).

    ``timeout`` defaults to ``KEFU_FEDERATION_REQUEST_TIMEOUT``. ``deadline`` (e.g. the incoming
    request's, when the hub relays a query onwards) shortens it so that the whole chain answers
    before the first requester gives up; the peer sees the deadline in the message.
    """
    peer = peers.get(to)
    if peer is None:
        raise PeerError(
            _("未配置对端节点 %(peer)s") % {"peer": to}, code=Code.PEER_NOT_CONFIGURED, status=500, peer=to
        )
    now = datetime.now(UTC)
    seconds = timeout if timeout is not None else settings.KEFU_FEDERATION_REQUEST_TIMEOUT
    if deadline is not None:
        seconds = min(seconds, (deadline - now).total_seconds())
    if seconds <= 0:
        raise PeerError(
            _("节点 %(peer)s 的应答时限已过") % {"peer": to}, code=Code.PEER_TIMEOUT, status=504, peer=to
        )
    body = envelope(
        type=type,
        sender=settings.KEFU_NODE_CODE,
        receiver=to,
        payload=payload,
        mode=Mode.REQUEST,
        order=order,
        deadline=now + timedelta(seconds=seconds),
    )
    try:
        status, answer = transport.post(peer, encode(body, now=now), timeout=seconds)
    except transport.TransportError as exc:
        if exc.timeout:
            raise PeerError(
                _("节点 %(peer)s 在 %(seconds)s 秒内未应答，请稍后再试")
                % {"peer": to, "seconds": f"{seconds:g}"},
                code=Code.PEER_TIMEOUT,
                status=504,
                peer=to,
            )
        raise PeerError(
            _("无法连接节点 %(peer)s，请稍后再试") % {"peer": to},
            code=Code.PEER_UNAVAILABLE,
            status=503,
            peer=to,
        )
    if status == 200:
        return answer.get("result") or {}
    remote_code = str(answer.get("code") or "error")
    detail = str(answer.get("detail") or "")[:300]
    raise PeerError(
        _("节点 %(peer)s 拒绝了请求：%(detail)s") % {"peer": to, "detail": detail or remote_code},
        code=Code.PEER_REFUSED,
        status=502,
        peer=to,
        remote_status=status,
        remote_code=remote_code,
    )
