"""Fixtures of the work-order tests: subscribers in Nanjing and Hangzhou, the staff of a province
centre and a city team, categories, and a helper that drives an order into any state."""

from __future__ import annotations

import pytest

from kefu.catalog.models import CategoryNode, ResponsibilityCause
from kefu.core.models import Department
from kefu.workorders import services
from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import WorkOrderState as S
from tests.factories import SubscriberFactory


@pytest.fixture(autouse=True)
def _fresh_calendars():
    """The calendar cache outlives a test's rolled-back rows: start and end every test empty."""
    from kefu.workorders import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def make_subscriber(db):
    """make_subscriber(city_code="3201", level="ordinary") -> a 全球通 line homed in that city."""

    def make(city_code: str = "3201", level: str = "ordinary"):
        return SubscriberFactory(home=city_code, level=level)

    return make


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber("3201")


@pytest.fixture
def zj_subscriber(make_subscriber):
    return make_subscriber("3301")


@pytest.fixture
def complaint_category(db):
    return (
        CategoryNode.objects.select_related("version", "business", "parent")
        .filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )


@pytest.fixture
def category_of(db):
    def find(request_type: str):
        return (
            CategoryNode.objects.select_related("version", "business", "parent")
            .filter(request_type=request_type, version__is_current=True, depth=2)
            .order_by("id")
            .first()
        )

    return find


@pytest.fixture
def cause(db):
    return ResponsibilityCause.objects.filter(parent__isnull=False, active=True).order_by("id").first()


@pytest.fixture
def resp_department(db):
    return Department.objects.get(code="RESP-NETWORK")


@pytest.fixture
def staff(make_staff):
    """The people of one JS order's life: agent, centre back office, Nanjing city handler,
    supervisor, VIP manager, quality inspector; plus a Suzhou handler who holds nothing."""

    class People:
        agent = make_staff("hotline_agent", "JS", job_number="JSA001")
        back = make_staff("back_office", "JS", job_number="JSB001")
        city = make_staff("city_handler", "JS", city="3201", job_number="JSC001")
        other_city = make_staff("city_handler", "JS", city="3205", job_number="JSC501")
        supervisor = make_staff("supervisor", "JS", job_number="JSS001")
        vip = make_staff("vip_manager", "JS", job_number="JSV001")
        inspector = make_staff("quality_inspector", "JS", job_number="JSQ001")

    return People


@pytest.fixture
def accept(staff, subscriber, complaint_category):
    """accept(**overrides) -> a new complaint order of the Nanjing subscriber, accepted by the agent."""

    def make(actor=None, **fields):
        data = {"kind": "complaint", "subscriber": subscriber, "category": complaint_category, **fields}
        return services.order_accept(actor=actor or staff.agent, data=services.OrderInput(**data)).order

    return make


# The path of actions that brings a complaint order into each state (a tuple of steps). Triage is
# a start of its own: an order accepted without a category (``reach`` starts there).
PATHS = {
    S.TRIAGE: (),
    S.ACCEPTED: (),
    S.DISPATCHED: ("dispatch",),
    S.PROCESSING: ("dispatch", "receive"),
    S.RETURNED: ("dispatch", "return"),
    S.REPLIED: ("dispatch", "receive", "reply"),
    S.FEEDBACK: ("dispatch", "receive", "reply", "feedback"),
    S.ARCHIVED: ("dispatch", "receive", "reply", "feedback", "archive"),
    S.CANCELLED: ("cancel",),
}


@pytest.fixture
def reach(accept, drive):
    """reach(state) -> a complaint order in ``state``: accepted without a category for triage, else
    accepted and driven along :data:`PATHS`."""

    def make(state):
        if state == S.TRIAGE:
            return accept(category=None, triage=True)
        return drive(accept(), *PATHS[state])

    return make


@pytest.fixture
def drive(staff, cause, resp_department):
    """drive(order, *actions) -> the order after each action done by the right person."""

    def run(order, *actions):
        for action in actions:
            order = perform(order, action, staff=staff, cause=cause, department=resp_department)
        return order

    return run


# Valid input of each action, as a request would send it (read through the action table).
VALID_INPUT = {
    "dispatch": {},
    "receive": {},
    "process": {"comment": "处理中"},
    "reply": {"comment": "已处理完毕"},
    "feedback": {"satisfaction": "satisfied"},
    "reprocess": {"reason": "客户仍不满意"},
    "return": {"reason": "非本地市问题"},
    "query": {},
    "urge": {"comment": "客户再次来电"},
    "comment": {"comment": "补充信息"},
    "cancel": {"reason": "客户撤诉"},
    "pause": {"reason": "等待客户提供资料"},
    "resume": {},
}


def _first_complaint_category() -> str:
    node = (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
    return str(node.pk)


def perform(order, action, *, staff, cause, department, actor=None):
    """Do ``action`` with valid input, as ``actor`` or as whoever's turn it is."""
    who = actor or actor_for(order, action, staff)
    files = [text_file()] if action == "attach" else []
    if action == "archive":
        data = {"responsibility_cause": cause.code, "responsible_department": department.code}
    elif action == "categorise":
        data = {"category": _first_complaint_category()}
    else:
        data = {**VALID_INPUT.get(action, {}), "files": files}
    return ACTIONS[action].perform(actor=who, order=order, data=data, files=files)


def actor_for(order, action, staff):
    """Whose turn it is: the holder's people for holder actions, the agent or back office else."""
    order.refresh_from_db()
    if action in ("urge", "cancel") and order.state == S.ACCEPTED:
        return staff.agent
    if action in ("query", "urge", "comment", "attach"):
        return staff.back
    if order.holder_department and order.holder_department.kind == "city_team":
        return staff.city
    return staff.back


def text_file(name: str = "note.txt", content: bytes = "现场照片说明".encode()):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")
