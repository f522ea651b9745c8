"""Stable error codes of routing (problem+json ``code``); the decision core raises
:class:`kefu.routing.core.RoutingError` with the same codes."""

from enum import StrEnum


class RoutingErrorCode(StrEnum):
    CALL_EXISTS = "call_exists"
    UNKNOWN_CALL = "unknown_call"
    UNKNOWN_QUEUE = "unknown_queue"
    UNKNOWN_AGENT = "unknown_agent"
    AGENT_NOT_LOGGED_IN = "agent_not_logged_in"
    AGENT_BUSY = "agent_busy"
    CALL_NOT_OFFERED = "call_not_offered"
    CALL_NOT_WAITING = "call_not_waiting"
    NOT_IN_WRAPUP = "not_in_wrapup"
    INVALID_STATE = "invalid_state"
    ROUTER_UNAVAILABLE = "router_unavailable"  # KEFU_ROUTER_URL set but the router does not answer
