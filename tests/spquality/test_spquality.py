"""SP service-quality files (SP-2), in process: the format, the province's generation and upload, the
hub's per-row validation (a file with any error is refused whole and nothing is stored), national
aggregation and forwarding to SIMS, SIMS storing it, and the hub's late/missing flags."""

from __future__ import annotations

from datetime import date

import pytest

from kefu.core.errors import DomainError
from kefu.core.models import OutboxMessage
from kefu.spquality import fileformat, selectors, services
from kefu.spquality.models import HubFile, HubRow, NationalFigure, ProvinceFile

pytestmark = pytest.mark.django_db
APRIL = date(2026, 4, 1)
HEADER = ",".join(fileformat.COLUMNS)
GOOD = f"{HEADER}\n2026-04,JS,SP901234,彩信天气预报,02566668888,13912345678,1200,1080,15,14,13\n"


@pytest.fixture
def hub(tmp_path, settings):
    """This process is the hub; its peers: provinces JS and ZJ, SIMS."""
    path = tmp_path / "peers.toml"
    path.write_text("".join(
        f'[peers.{code}]\nrole = "{role}"\nurl = "http://127.0.0.1:9"\nkey = "{code.lower()}-and-hub-key-0123456789"\n'
        for code, role in (("JS", "province"), ("ZJ", "province"), ("SIMS", "sims"))
    ))  # fmt: skip
    settings.KEFU_PEERS_FILE, settings.KEFU_ROLE, settings.KEFU_NODE_CODE = str(path), "hub", "HUB"
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    return path


def test_file_format_round_trip():
    rows, errors = fileformat.parse(GOOD, month="2026-04", province="JS")
    assert errors == [] and rows[0]["answered_15s"] == 1080
    assert fileformat.parse(fileformat.build(rows), month="2026-04", province="JS")[0] == rows


def test_every_bad_row_is_reported_with_its_line_and_column():
    """SP-2: clear per-row errors — each names the line (header = 1), the column and the problem."""
    content = (
        f"{HEADER}\n"
        "2026-04,JS,SP901234,彩信天气预报,02566668888,13912345678,1200,1080,15,14,13\n"
        "2026-03,JS,SP90123,,025-6666,1391234567,12x,5,3,4,1\n"
        "2026-04,ZJ,SP901234,重复,02566668888,13912345678,100,200,1,1,1\n"
        "2026-04,JS,SP905066,少一列,02566668888,13912345678,1,1,1,1\n"
    )
    rows, errors = fileformat.parse(content, month="2026-04", province="JS")
    found = {(e.row, e.field) for e in errors}
    assert {(3, "month"), (3, "sp_code"), (3, "sp_name"), (3, "hotline"), (3, "service_mobile"),
            (3, "hotline_calls"), (3, "complaints_resolved")} <= found  # fmt: skip
    assert {(4, "province"), (4, "answered_15s"), (4, "sp_code"), (5, "")} <= found
    assert not any(e.row == 2 for e in errors)
    assert "15秒内接通量" in next(e.message for e in errors if e.field == "answered_15s")


def test_wrong_header_is_one_clear_error():
    _rows, errors = fileformat.parse("month,sp\n2026-04,SP1\n", month="2026-04", province="JS")
    assert [(e.row, e.field) for e in errors] == [(1, "")] and "month,province" in errors[0].message


def test_hub_refuses_a_malformed_file_whole_and_stores_nothing(hub):
    """SP-2: one bad row refuses the whole file; nothing is stored and nothing goes to SIMS."""
    content = GOOD + "2026-04,JS,SP902001,手机报,02566668888,13912345678,10,20,1,1,1\n"
    answer = services.hub_file_receive(payload={"month": "2026-04", "content": content}, sender="JS")
    assert answer["accepted"] is False
    assert answer["errors"] == [
        {"row": 3, "field": "answered_15s", "message": "15秒内接通量不能大于热线呼入量"}
    ]
    assert HubFile.objects.count() == HubRow.objects.count() == 0
    assert not OutboxMessage.objects.exists()


def test_hub_accepts_aggregates_and_forwards_to_sims(hub):
    """SP-2: accepted files are summed per SP across provinces and queued to SIMS (outbox)."""
    zj = GOOD.replace(",JS,", ",ZJ,").replace("1200,1080,15,14,13", "800,600,5,5,5")
    for sender, content in (("JS", GOOD), ("ZJ", zj)):
        answer = services.hub_file_receive(
            payload={"month": "2026-04", "content": content, "sha256": fileformat.sha256(content)},
            sender=sender,
        )
        assert answer["accepted"] is True and answer["rows"] == 1
    [row] = services.national_rows(APRIL)
    assert (row["provinces"], row["hotline_calls"], row["answered_15s"], row["complaints"]) == (
        "JS,ZJ",
        2000,
        1680,
        20,
    )
    sent = [m.payload for m in OutboxMessage.objects.order_by("id")]
    assert [(m["type"], m["receiver"], m["order"], m["seq"]) for m in sent] == [
        ("sp.quality.national", "SIMS", "SPQ202604", 1),
        ("sp.quality.national", "SIMS", "SPQ202604", 2),
    ]
    assert sent[-1]["payload"]["rows"][0]["hotline_calls"] == 2000


def test_a_new_upload_supersedes_the_earlier_file(hub):
    services.hub_file_receive(payload={"month": "2026-04", "content": GOOD}, sender="JS")
    services.hub_file_receive(
        payload={"month": "2026-04", "content": GOOD.replace("1200,", "1300,")}, sender="JS"
    )
    assert HubFile.objects.filter(current=True).count() == 1
    assert services.national_rows(APRIL)[0]["hotline_calls"] == 1300


def test_checksum_mismatch_is_refused(hub):
    answer = services.hub_file_receive(
        payload={"month": "2026-04", "content": GOOD, "sha256": "0" * 64}, sender="JS"
    )
    assert answer["accepted"] is False and not HubFile.objects.exists()


def test_hub_flags_late_and_missing_provinces(hub, settings):
    """SP-2: after the 8th, a province with no file is missing, one that sent after the 8th is late."""
    services.hub_file_receive(payload={"month": "2026-04", "content": GOOD}, sender="JS")
    HubFile.objects.update(late=True)
    status = selectors.hub_report_status(APRIL, today=date(2026, 5, 20))
    assert [(p.province, p.status, p.flagged) for p in status["provinces"]] == [
        ("JS", "late", True),
        ("ZJ", "missing", True),
    ]
    early = selectors.hub_report_status(APRIL, today=date(2026, 5, 3))
    assert [p.status for p in early["provinces"]] == ["late", "pending"]
    assert early["due"] == date(2026, 5, 8)


def test_sims_keeps_the_newest_national_version():
    rows = [{"sp_code": "SP901234", "sp_name": "彩信天气预报", "hotline": "", "service_mobile": "", "provinces": "JS",
             **{k: 10 for k in fileformat.COUNTS}}]  # fmt: skip
    services.national_store(payload={"month": "2026-04", "version": 2, "rows": rows})
    services.national_store(payload={"month": "2026-04", "version": 1, "rows": []})
    assert NationalFigure.objects.get().version == 2
    services.national_store(payload={"month": "2026-04", "version": 3, "rows": rows * 1})
    assert list(NationalFigure.objects.values_list("version", flat=True)) == [3]


def test_province_generates_and_uploads_last_month(hub_peers, monkeypatch, js):
    """SP-2: the province builds the file from its figures and uploads it; the hub's verdict is kept."""
    services.figures_seed(month=APRIL)
    file = services.file_generate(month=APRIL)
    rows, errors = fileformat.parse(file.content, month="2026-04", province="JS")
    assert errors == [] and len(rows) == file.rows == 5
    sent = []
    monkeypatch.setattr(
        services.client, "request", lambda **kw: sent.append(kw) or {"accepted": True, "rows": 5}
    )
    assert services.file_upload(month=APRIL).status == ProvinceFile.Status.ACCEPTED
    assert (sent[0]["to"], sent[0]["type"], sent[0]["payload"]["sha256"]) == (
        "HUB",
        "sp.quality.upload",
        file.sha256,
    )
    with pytest.raises(Exception) as exc:
        services.file_generate(month=APRIL)
    assert exc.value.code == "already_accepted"


def test_refusal_keeps_the_hubs_row_errors_on_the_province(hub_peers, monkeypatch, js):
    services.file_generate(month=APRIL)
    errors = [{"row": 2, "field": "hotline", "message": "客服热线应为带区号的固定电话，不能是分机"}]
    monkeypatch.setattr(
        services.client, "request", lambda **kw: {"accepted": False, "message": "1 处错误", "errors": errors}
    )
    file = services.file_upload(month=APRIL)
    assert (file.status, file.errors) == ("refused", errors)


def test_daily_task_uploads_until_accepted(hub_peers, monkeypatch, js):
    """SP-2: the beat task makes and uploads last month's file; once accepted it does nothing."""
    calls = []
    monkeypatch.setattr(services.client, "request", lambda **kw: calls.append(kw) or {"accepted": True})
    assert services.report_due(today=date(2026, 5, 2)) == "accepted"
    assert services.report_due(today=date(2026, 5, 3)) == "already accepted"
    assert len(calls) == 1 and calls[0]["payload"]["month"] == "2026-04"


def test_an_unreachable_hub_marks_the_upload_failed(hub_peers, js, settings):
    settings.KEFU_FEDERATION_TIMEOUT = 1
    services.file_generate(month=APRIL)
    file = services.file_upload(month=APRIL)
    assert file.status == "failed" and "HUB" in file.last_error


def test_province_page_generates_for_a_supervisor(client, make_staff, hub_peers, js):
    client.force_login(make_staff("supervisor"))
    response = client.post("/spquality/", {"action": "generate", "month": "2026-04"})
    assert response.status_code == 302
    assert ProvinceFile.objects.get().month == APRIL
    page = client.get("/spquality/")
    assert page.status_code == 200 and 'data-testid="spq-collect"' in page.content.decode()
    collected = client.post("/spquality/", {"action": "collect", "month": "2026-04"}, follow=True)
    assert "已从工单统计 0 个SP的投诉量" in collected.content.decode()
    client.force_login(make_staff("hotline_agent"))
    assert client.get("/spquality/").status_code == 403


def test_complaint_figures_are_collected_from_the_provinces_sp_complaint_orders(settings, make_staff):
    """SP-2: the month's complaints per SP are counted from the province's own work orders sent to SIMS
    for that SP (accepted that month; archived = resolved; by the deadline = in time); recorded hotline
    figures are kept; another month, another target or a local order do not count."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kefu.catalog.models import CategoryNode
    from kefu.crosslevel.models import CrossLink
    from kefu.spquality.models import SpFigure
    from kefu.workorders import services as wo
    from kefu.workorders.models import WorkOrder

    settings.KEFU_NODE_CODE = "JS"
    agent = make_staff("hotline_agent", "JS")
    category = CategoryNode.objects.filter(code="monternet_sms-0001").order_by("-id").first()
    cst = ZoneInfo("Asia/Shanghai")

    def order(at, target="SIMS", sp="SP901234", archived_after=None):
        made = wo.order_accept(actor=agent, now=at, data=wo.OrderInput(kind="complaint", category=category,
                               contact_number="13951700001")).order  # fmt: skip
        CrossLink.objects.create(
            order=made, number=made.number, role="origin", peer="HUB", target=target, sp_code=sp
        )
        if archived_after is not None:
            WorkOrder.objects.filter(pk=made.pk).update(
                state="archived", closed_at=made.order_due_at + archived_after
            )
        return made

    order(datetime(2026, 4, 1, 0, 5, tzinfo=cst), archived_after=timedelta(hours=-1))  # resolved in time
    order(datetime(2026, 4, 15, 10, tzinfo=cst), archived_after=timedelta(hours=5))  # resolved late
    order(datetime(2026, 4, 30, 23, 50, tzinfo=cst))  # still open
    order(datetime(2026, 4, 10, 10, tzinfo=cst), sp="SP902001")  # another SP
    order(datetime(2026, 3, 31, 23, 50, tzinfo=cst))  # March (local time)
    order(datetime(2026, 4, 10, 10, tzinfo=cst), target="ZJ", sp="")  # a cross-region complaint
    wo.order_accept(actor=agent, now=datetime(2026, 4, 2, tzinfo=cst),
                    data=wo.OrderInput(kind="complaint", category=category, contact_number="13951700002"))  # fmt: skip
    SpFigure.objects.create(province_id=agent.province_id, month=APRIL, sp_code="SP901234", sp_name="彩信天气预报",
                            hotline="02566668888", service_mobile="13912345678", hotline_calls=1200,
                            answered_15s=1080, complaints=99)  # fmt: skip

    assert services.figures_collect(month=APRIL) == 2
    first = SpFigure.objects.get(month=APRIL, sp_code="SP901234")
    assert (first.complaints, first.complaints_resolved, first.resolved_in_time) == (3, 2, 1)
    assert (first.sp_name, first.hotline, first.hotline_calls, first.answered_15s) == (
        "彩信天气预报", "02566668888", 1200, 1080,
    )  # fmt: skip
    second = SpFigure.objects.get(month=APRIL, sp_code="SP902001")
    assert (second.complaints, second.complaints_resolved, second.hotline) == (1, 0, "")
    assert second.sp_name  # named after the complained-about business until its profile is recorded
    assert services.figures_collect(month=APRIL) == 2  # idempotent: counted again, not added
    assert SpFigure.objects.get(month=APRIL, sp_code="SP901234").complaints == 3


@pytest.mark.parametrize("count", ["١٢", "１２", "³", str(2**70), str(fileformat.COUNT_MAX + 1)])
def test_hub_refuses_a_count_past_the_columns_range_or_not_ascii(hub, count):
    """SP-2, SYS-1: a count in non-ASCII digits or past what the national sum's 32-bit columns hold is
    a row error naming the column; the file is refused whole and nothing is stored."""
    row = f"2026-04,JS,SP902001,手机报,02566668888,13912345678,{count},0,0,0,0\n"
    answer = services.hub_file_receive(payload={"month": "2026-04", "content": GOOD + row}, sender="JS")
    assert answer["accepted"] is False
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(3, "hotline_calls")]
    assert HubFile.objects.count() == HubRow.objects.count() == 0


def test_the_largest_count_is_taken():
    """SP-2: the bound itself is a valid count."""
    row = f"2026-04,JS,SP902001,手机报,02566668888,13912345678,{fileformat.COUNT_MAX},0,0,0,0\n"
    rows, errors = fileformat.parse(GOOD + row, month="2026-04", province="JS")
    assert errors == [] and rows[1]["hotline_calls"] == fileformat.COUNT_MAX


@pytest.mark.parametrize("month", ["２０２６-０４", "2026-٠٤", "2026-4-1", "2026"])
def test_a_month_in_non_ascii_digits_is_malformed(month):
    """SYS-1: a month is YYYY-MM in ASCII digits; int() would read '２０２６-０４' as April 2026."""
    with pytest.raises(DomainError) as refused:
        services.month_of(month)
    assert refused.value.status == 400
    assert services.month_of("2026-04") == date(2026, 4, 1)
