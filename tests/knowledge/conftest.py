from tests.knowledge.fixtures import agent_only, article, contact, crbt, kb_line, make_wording  # noqa: F401
