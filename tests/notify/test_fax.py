"""The fax port and its local adapter (WO-7, Q-4: results by fax; CH-1 non-real-time access)."""

from __future__ import annotations

import pytest

from kefu.contacts.models import ContactRecord
from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent
from kefu.notify import services
from kefu.notify.adapters import LocalFax, get_fax
from kefu.notify.models import OutgoingMessage
from kefu.ports.fax import FaxPort, FaxReceipt

pytestmark = pytest.mark.django_db


class RefusingFax:
    def send(self, *, to, subject, text):
        return FaxReceipt(message_id="f1", accepted=False, error="line busy")


def test_the_local_adapter_implements_the_fax_port_and_settings_choose_another(settings):
    """WO-7: the fax port has a local adapter by default; ``KEFU_FAX_ADAPTER`` names another."""
    assert isinstance(get_fax(), FaxPort) and isinstance(get_fax(), LocalFax)
    settings.KEFU_FAX_ADAPTER = "tests.notify.test_fax.RefusingFax"
    assert isinstance(get_fax(), RefusingFax)


def test_a_fax_is_kept_in_the_outbox_audited_and_shown(line, js_agent, client):
    """WO-7, Q-4: a fax goes through the port, is kept in the outbox with its recipient, audited and
    listed on the outbox page under the fax channel."""
    fax = services.fax_send(
        actor=js_agent, to="025-83001234", subject="处理结果", text="已办结", subscriber=line
    )
    assert (fax.channel, fax.to, fax.status, fax.sent_by) == ("fax", "025-83001234", "sent", js_agent)
    assert AuditEvent.objects.filter(action="notify.fax.send", object_id=str(fax.pk)).count() == 1
    client.force_login(js_agent)
    page = client.get("/notify/outbox/", {"channel": "fax"}).content.decode()
    assert "025-83001234" in page and "传真" in page


def test_a_refused_fax_is_kept_as_failed(line, js_agent, settings):
    """WO-7: what the fax server refused is recorded as failed, with its reason."""
    settings.KEFU_FAX_ADAPTER = "tests.notify.test_fax.RefusingFax"
    fax = services.fax_send(
        actor=js_agent, to="02583001234", subject="处理结果", text="已办结", subscriber=line
    )
    assert (fax.status, fax.error) == ("failed", "line busy")
    assert "发送失败" in ContactRecord.objects.get().summary


@pytest.mark.parametrize("to", ["", "kehu@example.cn", "12", "025-8300abcd"])
def test_a_bad_fax_number_is_refused_and_nothing_is_written(to, line, js_agent):
    """WO-7: a fax number that is not one is refused (invalid_fax) before the port is called; no
    outbox row, no contact record, no audit row."""
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.fax_send(actor=js_agent, to=to, subject="处理结果", text="已办结", subscriber=line)
    assert (refused.value.code, refused.value.status) == ("invalid_fax", 400)
    assert (OutgoingMessage.objects.count(), ContactRecord.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == audits
