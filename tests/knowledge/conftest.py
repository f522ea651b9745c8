from __future__ import annotations

import pytest

from kefu.catalog.models import Business
from kefu.knowledge import workflow
from tests.knowledge.fixtures import agent_only, article, contact, crbt, kb_line, make_wording  # noqa: F401


@pytest.fixture
def people(make_staff):
    class People:
        editor = make_staff("knowledge_editor", "JS", job_number="KE001", name="周文")
        editor2 = make_staff("knowledge_editor", "JS", job_number="KE002", name="钱程")
        supervisor = make_staff("supervisor", "JS", job_number="SV001")
        admin = make_staff("administrator", "JS", job_number="AD001")
        agent = make_staff("hotline_agent", "JS", job_number="AG001")

    return People


@pytest.fixture
def music(db) -> Business:
    return Business.objects.get(code="wireless_music")


@pytest.fixture
def draft(people, music):
    """A never-published draft (version 1) by the editor."""
    return workflow.article_create(
        actor=people.editor,
        code="KB-001",
        title="彩铃怎么开通",
        body="<p>发送短信 KTCL 到 10086 即可开通彩铃。</p>",
        business=music,
        kind="usage",
    )


@pytest.fixture
def published(people, draft):
    workflow.article_submit(actor=people.editor, code=draft.code)
    return workflow.article_approve(actor=people.supervisor, code=draft.code)
