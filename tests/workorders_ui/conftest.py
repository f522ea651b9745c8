"""The work-order engine's fixtures (subscribers, the people of an order's life, categories, drive)."""

from tests.workorders.conftest import (  # noqa: F401 - fixtures
    accept,
    category_of,
    cause,
    complaint_category,
    drive,
    make_subscriber,
    resp_department,
    staff,
    subscriber,
    zj_subscriber,
)
