from tests.capability.conftest import hub_peers  # noqa: F401 - shared fixture
from tests.federation.conftest import peers_file  # noqa: F401, E402 - shared fixture
from tests.identity.fixtures import answered_call  # noqa: F401, E402 - shared fixture
