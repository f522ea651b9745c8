"""Stable error codes of the knowledge base (rendered as problem+json ``code``). Generic codes
(``permission_denied``, ``validation_failed``, ``not_found``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class KnowledgeErrorCode(StrEnum):
    UNKNOWN_ARTICLE = "unknown_article"  # no article with that code (or not visible to the reader)
    UNKNOWN_BUSINESS = "unknown_business"  # neither a business code nor any of its names
    ARTICLE_EXISTS = "article_exists"  # creating with a code that is taken
    BAD_CURSOR = "bad_cursor"  # the search's ``next`` cursor was altered or belongs to another query
    INVALID_TRANSITION = "invalid_transition"  # the workflow does not allow this action in this state
    NOT_AN_EDITOR = "not_an_editor"  # only knowledge editors write articles, wording and synonyms
    OWN_REVIEW = "own_review"  # the author of a version cannot approve it (four eyes)
    NATIONAL_READ_ONLY = "national_read_only"  # a province adds an overlay; it never edits national text
    UNKNOWN_VERSION = "unknown_version"  # no version with that number
    UNKNOWN_WORDING = "unknown_wording"  # no wording with that code
    WORDING_EXISTS = "wording_exists"  # creating wording with a code that is taken
    NO_WORDING = "no_wording"  # the lookup found no current wording for that problem, level and channel
    UNKNOWN_SYNONYM = "unknown_synonym"  # no synonym group with that id
    ATTACHMENT_TOO_LARGE = "attachment_too_large"  # larger than KEFU_ATTACHMENT_MAX_BYTES (413)
    ATTACHMENT_TYPE_REFUSED = "attachment_type_refused"  # not one of KEFU_ATTACHMENT_TYPES (415)
    # using knowledge during a contact
    CONTACT_CLOSED = (
        "contact_closed"  # the contact is not the actor's to act on now (another's, or wrapped up)
    )
    AGENT_ONLY = "agent_only"  # an agents-only article is never sent to a customer
    QUESTION_REQUIRED = "question_required"  # an unanswered consultation needs the customer's question
    NO_NUMBER = "no_number"  # the contact has no number to send an SMS to
