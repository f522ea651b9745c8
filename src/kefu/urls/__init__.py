"""The composition root: one URL conf per role, chosen by ``KEFU_ROLE`` (``ROOT_URLCONF =
kefu.urls.<role>``).

These modules sit at the top of the layers (docs/architecture.md, section 3): they are the only place
that puts a role's screens and endpoints together, so they may import any app; no app imports them.
``common`` holds what every node serves.
"""
