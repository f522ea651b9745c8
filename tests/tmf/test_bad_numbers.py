"""Bad numbers are bad input, never a server error (SYS-1, CON-4, WO-6): numbers past what the database
stores and digits that are not ASCII ('³' passes ``str.isdigit()``) answer 400 ``invalid_number`` on
the TMF APIs and the native API alike, parsed in one place (``kefu.core.numbers``)."""

from __future__ import annotations

import pytest

from kefu.core.errors import DomainError
from kefu.core.numbers import as_id, is_digits, lookup_id, parse_int
from tests.tmf.conftest import CUSTOMER, PI, assert_conforms

HUGE = "16494126762297409929216"  # found by schemathesis in TMF683's offset


@pytest.mark.parametrize(
    ("value", "digits"),
    [("123", True), ("³", False), ("٣", False), ("１２", False), ("-1", False), ("", False), ("1a", False)],
)
def test_only_ascii_digits_are_digits(value, digits):
    """SYS-1: is_digits is true for ASCII digits only, unlike str.isdigit()."""
    assert is_digits(value) is digits


def test_lookup_id_tells_no_such_row_from_bad_input():
    """SYS-1: an id in range is the id; letters name no row (None); non-ASCII digits and numbers past
    64 bits are invalid_number."""
    assert lookup_id("42") == 42
    assert lookup_id(str(2**63 - 1)) == 2**63 - 1
    assert lookup_id("not-a-number") is None
    assert lookup_id("0") is None
    for bad in ("³", "１２", str(2**63), HUGE):
        with pytest.raises(DomainError) as refused:
            lookup_id(bad)
        assert (refused.value.code, refused.value.status) == ("invalid_number", 400)
    assert (as_id("³"), as_id(HUGE), as_id("7")) == (None, None, 7)


@pytest.mark.parametrize("value", [HUGE, "³", "-1", "2147483648", "1.5", "", "１"])
def test_parse_int_refuses_out_of_range_and_non_ascii(value):
    """SYS-1: parse_int takes ASCII digits within the range it is given, nothing else."""
    with pytest.raises(DomainError) as refused:
        parse_int(value, name="offset", minimum=0)
    assert refused.value.code == "invalid_number"
    assert "offset" in refused.value.message


def test_the_two_tmf683_requests_schemathesis_found_answer_400(js_agent, api_client_for):
    """CON-4, SYS-1: GET partyInteraction?offset=<past 64 bits> and GET partyInteraction/%C2%B3 (a
    superscript digit) answer 400 invalid_number in TMF's Error shape, not 500."""
    client = api_client_for(js_agent)
    paging = client.get(f"{PI}?offset={HUGE}")
    superscript = client.get(f"{PI}/%C2%B3")

    assert_conforms("TMF683", paging, path="/partyInteraction", method="get")
    assert_conforms("TMF683", superscript, path="/partyInteraction/{id}", method="get")
    for response in (paging, superscript):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_number"


@pytest.mark.parametrize(
    "path",
    [
        f"{PI}?limit=³",
        f"{PI}?offset=-1",
        f"{PI}?limit=0",
        f"{CUSTOMER}?offset={HUGE}",
        f"{CUSTOMER}/%C2%B3",
        f"{CUSTOMER}/{HUGE}",
        f"/tmf-api/troubleTicket/v4/troubleTicket?offset={HUGE}",
        "/tmf-api/troubleTicket/v4/troubleTicket?limit=%EF%BC%91",  # full-width 1
        "/api/v1/contacts/%C2%B3",
        f"/api/v1/contacts/{HUGE}",
        "/api/v1/work-order-attachments/%EF%BC%91%EF%BC%92",  # full-width 12
        f"/api/v1/time-limits/{HUGE}",
        f"/api/v1/request-categories?version={HUGE}",
        "/api/v1/request-categories?parent=%C2%B3",
    ],
)
def test_bad_numbers_are_400_on_tmf_and_native_endpoints(path, js_agent, api_client_for):
    """SYS-1: bad numbers in paging, ids and filters are 400 invalid_number on every API."""
    response = api_client_for(js_agent).get(path)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_number"


def test_an_id_that_is_no_number_still_names_nothing(js_agent, api_client_for):
    """CON-4: letters in a numeric id are no such resource (404), as before."""
    client = api_client_for(js_agent)
    assert client.get(f"{PI}/not-a-number").status_code == 404
    assert client.get("/api/v1/contacts/abc").status_code == 404


@pytest.mark.parametrize("value", ["%C2%B3", HUGE])
def test_a_bad_contact_id_on_a_query_is_400(value, js_agent, api_client_for):
    """SYS-1: the contact a fee query is filed under (contact_id) is a row id: '³' or past 64 bits is
    400 invalid_number, not a server error when the query is recorded."""
    from tests.factories import SubscriberFactory

    line = SubscriberFactory(home="3201")
    response = api_client_for(js_agent).get(f"/api/v1/subscribers/{line.number}/bills?contact_id={value}")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_number")
