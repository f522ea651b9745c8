"""Stable error codes of the bulletins app (rendered as problem+json ``code``). Generic codes
(``permission_denied``, ``validation_failed``, ``not_found``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class BulletinErrorCode(StrEnum):
    UNKNOWN_TARGET = "unknown_target"  # the role, group, city or job number does not exist
    NO_RECIPIENTS = "no_recipients"  # nobody in the author's scope matches the audience
    NOT_A_RECIPIENT = "not_a_recipient"  # only a recipient opens or acknowledges a notice
