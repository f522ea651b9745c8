import pytest

from tests.factories import add_marketing_history, ensure_offers, line_with_history


@pytest.fixture
def js_line(db):
    """A Nanjing 全球通 line with six months of bills, payments and points, recent calls and usage,
    a retention and two marketing contacts; the offers catalogue exists."""
    line = line_with_history(months=6, home="3201")
    add_marketing_history(line)
    ensure_offers()
    return line


@pytest.fixture
def zj_line(db):
    """A Hangzhou line with the same history (out of a JS agent's scope)."""
    line = line_with_history(months=6, home="3301")
    add_marketing_history(line)
    return line
