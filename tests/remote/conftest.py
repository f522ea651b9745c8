from tests.capability.conftest import hub_peers  # noqa: F401 - shared fixture
