"""Stable error codes of the customers app (rendered as problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum


class CustomerErrorCode(StrEnum):
    INVALID_NUMBER = "invalid_subscriber_number"
    UNKNOWN_SUBSCRIBER = "unknown_subscriber"
    INVALID_SERVICE_PASSWORD = "invalid_service_password"
    WEAK_SERVICE_PASSWORD = "weak_service_password"
    NOT_EDITABLE = "not_editable"  # a field the unified view may not change (VIEW-6)
    # SVC-2: account managers
    NOT_VIP_OR_ENTERPRISE = "not_vip_or_enterprise"  # only VIP and enterprise customers get one
    NOT_AN_ACCOUNT_MANAGER = "not_an_account_manager"  # the staff named is no active VIP manager here
    LINE_STATE_CONFLICT = "line_state_conflict"  # suspend a line not active / resume one not suspended
    INVALID_LINE_STATE = "invalid_line_state"
    INVALID_ICCID = "invalid_iccid"
    SAME_SIM = "same_sim"
    SAME_OWNER = "same_owner"
    INVALID_AMOUNT = "invalid_adjustment_amount"
    # BA-1: subscription writes (the same codes business acceptance answers)
    UNKNOWN_PRODUCT = "unknown_product"
    NOT_SUBSCRIBED = "not_subscribed"
    ALREADY_SUBSCRIBED = "already_subscribed"
