"""Fixtures of the knowledge tests on the agent's side (imported by tests/knowledge and tests/desk): a
Nanjing line (`kb_line`), the agent's open contact with it, published articles of the 彩铃 business, and published wording."""

from __future__ import annotations

import pytest

from kefu.catalog.models import Business
from kefu.contacts import services as contacts
from kefu.knowledge import services
from kefu.knowledge.models import Wording
from tests.factories import SubscriberFactory


@pytest.fixture
def kb_line(db):
    return SubscriberFactory(home="3201", level="gold")


@pytest.fixture
def contact(js_agent, kb_line):
    """The JS agent's contact in progress with the line (open, after-call work not written)."""
    return contacts.contact_create(
        actor=js_agent, data=contacts.ContactInput(channel="hotline", subscriber=kb_line, summary="来电咨询")
    )


@pytest.fixture
def crbt(db):
    return Business.objects.get(code="crbt")


@pytest.fixture
def article(crbt):
    """A published 彩铃 article for agents and customers, revised once (published version 2)."""
    services.save_article(
        actor=None,
        code="KB-CRBT-1",
        title="彩铃开通方法",
        body="<p>发送短信 KTCL 到 10086 即可开通彩铃，月功能费 5 元。</p>",
        business=crbt,
        kind="usage",
        audience="both",
        status="published",
    )
    return services.save_article(
        actor=None,
        code="KB-CRBT-1",
        body="<p>发送短信 KTCL 到 10086 即可开通彩铃，月功能费 5 元，次月生效。</p>",
        note="补充生效时间",
        status="published",
    )


@pytest.fixture
def agent_only(crbt):
    return services.save_article(
        actor=None,
        code="KB-CRBT-INT",
        title="彩铃平台故障内部处理口径",
        body="<p>彩铃平台故障时先查工单系统公告。</p>",
        business=crbt,
        kind="standard",
        audience="agent",
        status="published",
    )


@pytest.fixture
def make_wording(db):
    def make(
        code,
        *,
        problem="crbt",
        channel="agent",
        level="",
        text="您好，彩铃开通后次月生效。",
        business=None,
        version=1,
    ):
        return Wording.objects.create(
            code=code,
            title=f"口径 {code}",
            problem=problem,
            channel=channel,
            level=level,
            text=text,
            business=business,
            status="published",
            version=version,
            published_version=version,
        )

    return make
