"""Stable error codes of national knowledge (rendered as problem+json ``code``). The province's refusal
to edit national text is the knowledge base's own ``national_read_only``
(:class:`kefu.knowledge.errors.KnowledgeErrorCode`)."""

from enum import StrEnum

from kefu.core.errors import DomainError


class SyndicationErrorCode(StrEnum):
    HUB_ONLY = "hub_only"  # national knowledge is written at the hub; this node is not the hub
    NOT_A_PUBLISHER = "not_a_publisher"  # only hub operators and administrators at the hub publish
    NOT_NATIONAL = "not_national"  # an overlay belongs on a national article, not on a local one
    NO_PROVINCE = "no_province"  # an overlay needs a member of staff who belongs to a province
    LOCAL_CODE_TAKEN = "local_code_taken"  # a national article's code is used by a local one here
    MALFORMED_KNOWLEDGE = "malformed_knowledge"  # a knowledge.* message lacks a field or has a bad one


class SyndicationError(DomainError):
    pass
