"""SP-2 end to end between real node processes: JS makes and uploads last month's file to the hub,
the hub checks and keeps it, sums it nationally and passes it to SIMS through its outbox; a file with
bad rows is refused whole with per-row errors and nothing stored; the hub flags who is late or missing."""

from __future__ import annotations

import json

import pytest

from kefu.spquality import fileformat
from tests.capability.harness import start, stop
from tests.federation.nodes import wait_for

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    fed = start(tmp_path_factory, {"HUB": "hub", "JS": "province", "ZJ": "province", "SIMS": "sims"})
    try:
        yield fed
    finally:
        stop(fed)


def _py(node, code: str):
    return json.loads(node.kefu("shell", "-c", code).stdout.strip().splitlines()[-1])


def test_province_file_reaches_the_hub_and_sims(fed):
    """SP-2: generate + upload on JS; the hub accepts it and SIMS ends up with the national figures."""
    js, hub, sims = fed["JS"], fed["HUB"], fed["SIMS"]
    js.kefu("spquality", "seed")
    js.kefu("spquality", "generate")
    out = json.loads(js.kefu("spquality", "upload", "--json").stdout)
    assert (out["status"], out["rows"], out["errors"]) == ("accepted", 5, [])
    month = out["month"]
    stored = _py(hub, "import json; from kefu.spquality.models import HubFile; "
                      "print(json.dumps([[f.province, f.rows, f.current] for f in HubFile.objects.all()]))")  # fmt: skip
    assert stored == [["JS", 5, True]]
    national = wait_for(
        lambda: _py(sims, "import json; from kefu.spquality.models import NationalFigure; "
                          f"print(json.dumps(sorted([n.sp_code, n.provinces] for n in NationalFigure.objects.filter(month='{month}-01'))))"),
        what="national figures on SIMS",
    )  # fmt: skip
    assert len(national) == 5 and {p for _c, p in national} == {"JS"}


def test_bad_rows_are_refused_whole_and_nothing_is_stored(fed):
    """SP-2: a file with bad rows gets every row's error back; the hub keeps nothing of it."""
    hub = fed["HUB"]
    content = (",".join(fileformat.COLUMNS) + "\n"
               "2026-04,ZJ,SP901234,天气,057188886666,13912345678,100,90,2,2,2\n"
               "2026-04,ZJ,SPX,天气,8888,139,100,190,2,3,2\n")  # fmt: skip
    body, headers = fed.signed(sender="ZJ", receiver="HUB", type="sp.quality.upload", mode="request",
                               payload={"month": "2026-04", "content": content})  # fmt: skip
    status, answer, _ = hub.post_raw(body, headers)
    assert status == 200
    result = answer["result"]
    assert result["accepted"] is False
    assert {(e["row"], e["field"]) for e in result["errors"]} == {
        (3, "sp_code"),
        (3, "hotline"),
        (3, "service_mobile"),
        (3, "answered_15s"),
        (3, "complaints_resolved"),
    }
    count = _py(
        hub, "from kefu.spquality.models import HubFile; print(HubFile.objects.filter(province='ZJ').count())"
    )
    assert count == 0


def test_hub_flags_the_province_that_has_not_reported(fed):
    """SP-2: ZJ has sent nothing for last month: flagged (pending before the 8th, missing after)."""
    fed["JS"].kefu("spquality", "seed")
    fed["JS"].kefu("spquality", "due")  # the daily task's work: upload unless already accepted
    status = _py(fed["HUB"], "import json; from kefu.spquality import selectors; r = selectors.hub_report_status(); "
                             "print(json.dumps({p.province: [p.status, p.flagged] for p in r['provinces']}))")  # fmt: skip
    assert status["JS"][0] in ("on_time", "late")
    assert status["ZJ"][0] in ("pending", "missing")
    assert status["ZJ"][1] == (status["ZJ"][0] == "missing")
