"""Stable error codes of the federation protocol (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import DomainError


class FederationErrorCode(StrEnum):
    # refused by the receiving endpoint
    NOT_SIGNED = "not_signed"  # 401: no sender or signature header
    UNKNOWN_PEER = "unknown_peer"  # 403: the sender is not in the peers file
    BAD_SIGNATURE = "bad_signature"  # 401: HMAC does not match
    STALE_TIMESTAMP = "stale_timestamp"  # 401: outside the clock-skew window (replay protection)
    MALFORMED_MESSAGE = "malformed_message"  # 400: not JSON, or a field missing or of the wrong type
    WRONG_RECEIVER = "wrong_receiver"  # 400: addressed to another node
    UNKNOWN_TYPE = "unknown_type"  # 400: no handler for this type on this node
    NOT_ALLOWED = "not_allowed"  # 403: this sender's role may not send this type here
    SEQUENCE_CONFLICT = "sequence_conflict"  # 409: another message already used this order's number
    TOO_LARGE = "message_too_large"  # 413
    HANDLER_FAILED = "handler_failed"  # 500: the handler crashed; the sender retries
    # raised to the sending side
    PEER_NOT_CONFIGURED = "peer_not_configured"
    PEER_UNAVAILABLE = "peer_unavailable"  # 503: connection refused, reset, DNS
    PEER_TIMEOUT = "peer_timeout"  # 504: no answer within the timeout
    PEER_REFUSED = "peer_refused"  # 502: the peer answered with an error


class FederationError(DomainError):
    """A federation failure with a stable code; ``status`` is the HTTP status to answer with."""

    code = FederationErrorCode.MALFORMED_MESSAGE
    status = 400


class PeerError(FederationError):
    """Raised by :func:`kefu.federation.client.request` when a synchronous request does not succeed.

    ``message`` is written for the agent's screen: it says which node and what happened, never a
    stack trace."""

    status = 502
    code = FederationErrorCode.PEER_REFUSED
