"""Number segments (号段, issue 14 item 3; ORG-4): the import command (all or nothing, one message per
bad line) and a caller's home."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kefu.routing.models import NumberSegment
from kefu.routing.segments import home_of
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_import_a_good_file_then_update_it(tmp_path, capsys):
    """ORG-4: a good file adds every segment; importing again with a changed city updates it."""
    path = tmp_path / "segments.csv"
    path.write_text("prefix,province_code,city_code\n1390250,JS,3201\n1391200,JS,3205\n1390100,BJ,\n")
    call_command("numbersegments", "import", str(path))
    assert "3 segments added" in capsys.readouterr().out
    assert NumberSegment.objects.get(prefix="1390100").city is None
    path.write_text("prefix,province_code,city_code\n1390250,JS,3202\n")
    call_command("numbersegments", "import", str(path))
    assert NumberSegment.objects.get(prefix="1390250").city.code == "3202"


def test_a_bad_file_imports_nothing_and_names_every_bad_line(tmp_path, capsys):
    """ORG-4: one bad line and nothing is stored; each problem is reported as line N: field: message
    and the command fails."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "prefix,province_code,city_code\n"
        "1390250,JS,3201\n"
        "139025,JS,3201\n"  # six digits
        "1390251,XX,\n"  # unknown province
        "1390252,JS,3301\n"  # a ZJ city under JS
        "1390250,JS,3201\n"  # twice
    )
    with pytest.raises(CommandError):
        call_command("numbersegments", "import", str(path))
    err = capsys.readouterr().err
    assert "line 3: prefix:" in err
    assert "line 4: province_code:" in err
    assert "line 5: city_code:" in err
    assert "line 6: prefix:" in err
    assert not NumberSegment.objects.exists()


def test_a_wrong_header_is_refused(tmp_path):
    """ORG-4: the header is part of the format."""
    path = tmp_path / "h.csv"
    path.write_text("number,province\n1390250,JS\n")
    with pytest.raises(CommandError):
        call_command("numbersegments", "import", str(path))


def test_home_is_the_subscribers_city_first_then_the_segment(js, nanjing):
    """ORG-4: a known subscriber's home city wins over the segment; +86 is stripped; an unknown
    number is nowhere."""
    NumberSegment.objects.create(prefix="1380000", province=js, city_id=None)
    NumberSegment.objects.create(prefix="1390250", province=js, city=nanjing)
    line = SubscriberFactory(home="3205")
    assert home_of(line.number) == ("JS", "3205")
    assert home_of("+8613902501234") == ("JS", "3201")
    assert home_of("8613902501234") == ("JS", "3201")
    assert home_of("13700000000") is None
