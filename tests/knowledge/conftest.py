from tests.knowledge.fixtures import agent_only, article, contact, crbt, line, make_wording  # noqa: F401
