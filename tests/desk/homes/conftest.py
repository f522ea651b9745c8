"""The role home pages' fixtures: the work-order engine's people, subscribers and orders."""

from tests.workorders.conftest import (  # noqa: F401 - fixtures
    _fresh_calendars,
    accept,
    complaint_category,
    make_subscriber,
    staff,
    subscriber,
)
