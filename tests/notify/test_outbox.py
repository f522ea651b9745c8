"""The SMS and email ports' local adapters and the outbox staff can see (AUTH-1, Q-4, SYS-1)."""

from __future__ import annotations

import pytest

from kefu.notify import services
from kefu.notify.adapters import LocalSms, get_email, get_sms
from kefu.notify.models import OutgoingMessage
from kefu.ports.email import EmailPort
from kefu.ports.sms import SmsPort, SmsReceipt

pytestmark = pytest.mark.django_db


class RefusingSms:
    def send(self, *, to, text, sender="10086"):
        return SmsReceipt(message_id="x", accepted=False, error="gateway down")


def test_local_adapters_implement_the_ports():
    assert isinstance(get_sms(), SmsPort) and isinstance(get_email(), EmailPort)
    assert isinstance(get_sms(), LocalSms)


def test_sms_send_keeps_outbox_row_with_secret_masked(line, js_agent):
    """AUTH-4: a secret named by the sender is masked in the outbox."""
    message = services.sms_send(actor=js_agent, to=line.number, text="验证码123456，请勿泄露", subscriber=line,
                                secrets=("123456",))  # fmt: skip
    assert message.text == "验证码******，请勿泄露" and message.status == "sent"
    assert message.province_id == line.home_province_id and message.sent_by == js_agent


def test_adapter_is_chosen_by_settings(line, js_agent, settings):
    settings.KEFU_SMS_ADAPTER = "tests.notify.test_outbox.RefusingSms"
    message = services.sms_send(actor=js_agent, to=line.number, text="你好", subscriber=line)
    assert message.status == "failed" and message.error == "gateway down"


def test_sms_outbox_api_is_scoped_and_keyset(line, zj_line, js_agent, zj_agent, api_client_for):
    """SYS-1: the JS agent sees JS messages only, newest first, page by page."""
    for text in ("一", "二", "三"):
        services.sms_send(actor=js_agent, to=line.number, text=text, subscriber=line)
    services.sms_send(actor=zj_agent, to=zj_line.number, text="浙江", subscriber=zj_line)
    services.email_send(actor=js_agent, to="a@example.cn", subject="s", text="邮件", subscriber=line)
    client = api_client_for(js_agent)
    first = client.get("/api/v1/sms-outbox", {"page_size": 2}).json()
    assert [m["text"] for m in first["results"]] == ["三", "二"] and first["next"]
    second = client.get(first["next"]).json()
    assert [m["text"] for m in second["results"]] == ["一"]
    numbers = {m["number"] for m in client.get("/api/v1/sms-outbox").json()["results"]}
    assert numbers == {line.number}
    zj_view = api_client_for(zj_agent).get("/api/v1/sms-outbox").json()["results"]
    assert [m["text"] for m in zj_view] == ["浙江"]


def test_outbox_page_in_chinese_and_scoped(line, zj_line, js_agent, zj_agent, client):
    """The staff page lists the outbox in Chinese, newest first, within scope."""
    services.sms_send(actor=js_agent, to=line.number, text="江苏短信", subscriber=line)
    services.sms_send(actor=zj_agent, to=zj_line.number, text="浙江短信", subscriber=zj_line)
    client.force_login(js_agent)
    page = client.get("/notify/outbox/").content.decode()
    assert "发件箱" in page and "江苏短信" in page and line.number in page
    assert "浙江短信" not in page and zj_line.number not in page
    assert OutgoingMessage.objects.count() == 2
