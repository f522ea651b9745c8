"""Batch import (CON-2) all or nothing with per-row reasons, and export to TXT/CSV/XLSX (CON-5)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kefu.contacts.models import ContactRecord
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _csv(rows):
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return SimpleUploadedFile("contacts.csv", text.encode("utf-8"), content_type="text/csv")


def test_good_csv_imports_every_row(js_agent, js_subscriber, api_client_for):
    """CON-2: a valid file imports all its rows (Chinese headers and labels accepted)."""
    upload = _csv(
        [
            ["渠道", "方向", "号码", "开始时间", "结束时间", "请求类型", "摘要"],
            [
                "热线",
                "呼入",
                js_subscriber.number,
                "2026-11-01 09:00:00",
                "2026-11-01 09:05:00",
                "咨询",
                "问流量",
            ],
            ["web", "inbound", js_subscriber.number, "2026-11-02 10:00:00", "", "query", "查话费"],
        ]
    )
    response = api_client_for(js_agent).post("/api/v1/contacts/import", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json() == {"imported": 2}
    assert ContactRecord.objects.filter(subscriber=js_subscriber).count() == 2
    assert AuditEvent.objects.filter(action="contact.import").count() == 1


def test_bad_rows_reject_whole_file_with_reasons(js_agent, js_subscriber, zj_subscriber, api_client_for):
    """CON-2: one bad row rejects the file; the report names every bad row, its column and why."""
    upload = _csv(
        [
            ["channel", "direction", "number", "started_at", "ended_at", "request_type"],
            ["hotline", "inbound", js_subscriber.number, "2026-11-01 09:00:00", "", "complaint"],
            ["pigeon", "inbound", js_subscriber.number, "2026-11-01 09:00:00", "", "complaint"],
            ["hotline", "inbound", "13900000000", "yesterday", "", "complaint"],
            [
                "hotline",
                "inbound",
                zj_subscriber.number,
                "2026-11-01 09:00:00",
                "2026-11-01 08:00:00",
                "nonsense",
            ],
        ]
    )
    response = api_client_for(js_agent).post("/api/v1/contacts/import", {"file": upload}, format="multipart")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "contact_import_rejected"
    problems = {(e["row"], e["field"]) for e in body["errors"]}
    assert (3, "channel") in problems
    assert (4, "number") in problems and (4, "started_at") in problems
    assert (5, "number") in problems and (5, "ended_at") in problems and (5, "request_type") in problems
    assert not any(row == 2 for row, _ in problems)
    assert not ContactRecord.objects.exists()


def test_xlsx_import(js_agent, js_subscriber, api_client_for):
    """CON-2: XLSX files import like CSV."""
    book = Workbook()
    sheet = book.active
    sheet.append(["channel", "number", "started_at", "summary"])
    sheet.append(["hall", js_subscriber.number, "2026-11-03 11:00:00", "营业厅办理"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("c.xlsx", buffer.getvalue())
    response = api_client_for(js_agent).post("/api/v1/contacts/import", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert ContactRecord.objects.get().channel == "hall"


def test_unreadable_file_is_clear_error(js_agent, api_client_for, db):
    """CON-2: a file that is not CSV/XLSX is refused with a readable error."""
    upload = SimpleUploadedFile("c.pdf", b"%PDF-1.4")
    response = api_client_for(js_agent).post("/api/v1/contacts/import", {"file": upload}, format="multipart")
    assert response.status_code == 422
    assert response.json()["code"] == "contact_import_unreadable"


@pytest.mark.parametrize("fmt", ["csv", "txt", "xlsx"])
def test_export_formats(js_agent, js_subscriber, api_client_for, fmt):
    """CON-5: history exports to TXT, CSV and Excel with the visible rows only."""
    api = api_client_for(js_agent)
    api.post(
        "/api/v1/contacts",
        {"channel": "hotline", "number": js_subscriber.number, "summary": "导出测试"},
        format="json",
    )
    response = api.get(f"/api/v1/contacts/export?format={fmt}&number={js_subscriber.number}")
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0][0] == "编号"
        assert rows[1][6] == js_subscriber.number
    else:
        text = response.content.decode("utf-8-sig")
        assert "导出测试" in text and js_subscriber.number in text
        assert ("\t" in text) == (fmt == "txt")
    assert AuditEvent.objects.filter(action="contact.export").count() == 1


def test_export_unknown_format(js_agent, api_client_for, db):
    """CON-5: an unknown export format is a clear 400."""
    response = api_client_for(js_agent).get("/api/v1/contacts/export?format=pdf")
    assert response.status_code == 400
