from tests.identity.fixtures import *  # noqa: F403
