"""Error codes of business acceptance."""

from enum import StrEnum


class AcceptanceErrorCode(StrEnum):
    NOT_LOCAL = "not_local_subscriber"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    RECORDING_REQUIRED = "recording_ref_required"
    UNKNOWN_PRODUCT = "unknown_product"
    ALREADY_SUBSCRIBED = "already_subscribed"
    # the product does not fit the line (customers.eligibility; ``reason`` says which rule)
    NOT_ELIGIBLE = "offer_not_eligible"
    NOT_SUBSCRIBED = "not_subscribed"
    KIND_MISMATCH = "product_kind_mismatch"
    PLAN_CHANGE_ONLY = "plan_change_only"
    SUBSCRIBER_INACTIVE = "subscriber_not_active"
    UNKNOWN_CONTACT = "unknown_contact"
