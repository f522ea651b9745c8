"""AUTH-3 held by the server: a service password or an SMS code is accepted only from where the customer
keys it — the IVR's system account, a self-service session, the PIN pad paired with the staff member
who asked — and AUTH-1/AUTH-2 with 004: the SMS code is the second factor of self-service and, keyed for
staff, confirms the caller for queries on that line only."""

from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.identity.models import AuthAttempt, AuthGrant, AuthLock, PasswordCollection
from kefu.identity.services import policy
from tests.identity.fixtures import KNOWN, authenticate

pytestmark = pytest.mark.django_db

NEW = "604182"
# every way a service password or an SMS code can reach the server directly
DIRECT = (
    ("authenticate", {"method": "password", "password": KNOWN}),
    ("authenticate", {"method": "broadband", "broadband_account": "025000000123", "password": KNOWN}),
    ("authenticate", {"method": "id_number", "id_number": "X", "password": KNOWN}),
    ("authenticate", {"method": "membership_card", "card_number": "VIP1", "password": KNOWN}),
    ("authenticate", {"method": "otp", "otp": "123456"}),
    ("service-password", {"old_password": KNOWN, "new_password": NEW}),
)


def _state(line):
    """Everything a refused post must leave as it was."""
    lock = AuthLock.objects.filter(subscriber=line).first()
    return (
        AuthAttempt.objects.count(),
        AuthGrant.objects.count(),
        lock.failures if lock else 0,
        list(PasswordCollection.objects.order_by("pk").values_list("state", "result")),
        type(line).objects.get(pk=line.pk).service_password,
    )


@pytest.fixture
def everyone(make_staff, pin_pad_for):
    """One JS account per staff role; the hall staff member's pad and another pad paired elsewhere."""
    accounts = {role: make_staff(role, "JS") for role in Role.values() if role != Role.PIN_PAD}
    accounts[Role.PIN_PAD] = pin_pad_for(accounts[Role.HALL_STAFF])
    accounts["other_pad"] = pin_pad_for(make_staff(Role.VIP_MANAGER, "JS"))
    return accounts


def _refusal(staff, collection: str = "") -> str:
    """The code a refused secret gets: a PIN pad's account is fenced off before the secret is read,
    except on a pad's collection, where the policy refuses a pad that was not asked."""
    if staff.role == Role.PIN_PAD and collection != "pad":
        return "permission_denied"
    return "password_not_from_customer"


def test_every_role_through_every_endpoint(line, everyone, api_client_for, answered_call):
    """AUTH-3: every staff role posts a service password or SMS code to every endpoint that takes one
    — authenticate (each method with a secret), the service-password change, the IVR's collection and
    the PIN pad's collection. Only the IVR's system account (directly and on the call's collection) and
    the pad paired with the staff member who asked (on that collection) are accepted; everyone else,
    administrators included, gets 403 password_not_from_customer and nothing changes (no attempt, no
    grant, no try counted, the collection still waiting, the password as it was). A PIN pad is refused
    one step earlier: its account opens only its screen's endpoints (403 permission_denied)."""
    type(line).objects.filter(pk=line.pk).update(broadband_account="025000000123")
    hotline, hall = everyone[Role.HOTLINE_AGENT], everyone[Role.HALL_STAFF]
    call = answered_call(hotline, line.number)
    ivr_collection = api_client_for(hotline).post(f"/api/v1/calls/{call.call_id}/password-collection").json()
    pad_collection = (
        api_client_for(hall)
        .post("/api/v1/pin-pad/collections", {"number": line.number}, format="json")
        .json()
    )
    collections = {
        "ivr": (f"/api/v1/ivr/password-collections/{ivr_collection['id']}", Role.IVR_SYSTEM),
        "pad": (f"/api/v1/password-collections/{pad_collection['id']}", Role.PIN_PAD),
    }
    refused = 0
    for role, staff in everyone.items():
        client = api_client_for(staff)
        for path, body in DIRECT:
            if role == Role.IVR_SYSTEM:
                continue  # accepted: shown below
            before = _state(line)
            response = client.post(f"/api/v1/subscribers/{line.number}/{path}", body, format="json")
            assert response.status_code == 403, (role, path, body["method"] if "method" in body else "")
            assert response.json()["code"] == _refusal(staff)
            assert _state(line) == before, (role, path)
            refused += 1
        for name, (path, device_role) in collections.items():
            if role == device_role:
                continue  # the addressed device: shown below
            before = _state(line)
            response = client.post(path, {"digits": KNOWN}, format="json")
            assert response.status_code == 403, (role, name)
            assert response.json()["code"] == _refusal(staff, name)
            assert _state(line) == before, (role, name)
            refused += 1
    assert refused == (len(everyone) - 1) * len(DIRECT) + 2 * (len(everyone) - 1)

    # the allowed accounts: the IVR directly, the IVR on the call's collection, the paired pad
    ivr = api_client_for(everyone[Role.IVR_SYSTEM])
    direct = ivr.post(f"/api/v1/subscribers/{line.number}/authenticate", DIRECT[0][1], format="json")
    assert direct.status_code == 200 and direct.json()["scope"] == "full"
    on_call = ivr.post(collections["ivr"][0], {"digits": KNOWN}, format="json")
    assert on_call.status_code == 200 and on_call.json()["result"] == "pass"
    assert AuthGrant.objects.filter(staff=hotline, subscriber=line, scope="full").exists()
    on_pad = api_client_for(everyone[Role.PIN_PAD]).post(
        collections["pad"][0], {"digits": KNOWN}, format="json"
    )
    assert on_pad.status_code == 200 and on_pad.json()["result"] == "pass"
    assert AuthGrant.objects.filter(staff=hall, subscriber=line, scope="full").exists()
    changed = ivr.post(f"/api/v1/subscribers/{line.number}/service-password", DIRECT[-1][1], format="json")
    assert changed.status_code == 204
    assert set(AuthGrant.objects.values_list("staff__role", flat=True)) == {
        Role.IVR_SYSTEM,
        Role.HOTLINE_AGENT,
        Role.HALL_STAFF,
    }


def test_pad_request_needs_a_paired_pad(line, make_staff, api_client_for):
    """AUTH-3: a member of staff without a paired pad cannot ask for one (409 no_pin_pad); a pad can be
    paired with hall staff and VIP managers only."""
    from kefu.core.errors import DomainError
    from kefu.identity.services import pin_pad_pair

    hall = make_staff("hall_staff", "JS")
    response = api_client_for(hall).post(
        "/api/v1/pin-pad/collections", {"number": line.number}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_pin_pad"
    assert not PasswordCollection.objects.exists()
    pad = make_staff("pin_pad", "JS")
    with pytest.raises(DomainError) as refused:
        pin_pad_pair(actor=None, pad=pad, holder=make_staff("hotline_agent", "JS"))
    assert refused.value.code == "not_a_pin_pad_holder"
    with pytest.raises(DomainError):
        pin_pad_pair(actor=make_staff("supervisor", "JS"), pad=pad, holder=hall)
    assert pin_pad_pair(actor=make_staff("administrator", "JS"), pad=pad, holder=hall).holder == hall


def test_pad_screen_shows_only_its_staff_members_request(line, make_staff, pin_pad_for, api_client_for):
    """AUTH-3, AUTH-4: the pad's screen shows the waiting request of the staff member it is paired with
    (masked number, what to key), nothing of anyone else's; staff cannot read a pad's screen; the ID
    number staff read from the document is kept only as a salted HMAC until the check, which it passes."""
    hall, vip = make_staff("hall_staff", "JS"), make_staff("vip_manager", "JS")
    pad, other = api_client_for(pin_pad_for(hall)), api_client_for(pin_pad_for(vip))
    assert pad.get("/api/v1/pin-pad/pending").json() == {"request": None}
    asked = api_client_for(hall).post(
        "/api/v1/pin-pad/collections",
        {"number": line.number, "method": "id_number", "id_number": line.customer.id_number},
        format="json",
    )
    shown = pad.get("/api/v1/pin-pad/pending").json()["request"]
    assert shown["id"] == asked.json()["id"] and shown["method"] == "id_number"
    assert shown["number_masked"] == f"{line.number[:3]}****{line.number[-4:]}"
    assert other.get("/api/v1/pin-pad/pending").json() == {"request": None}
    assert api_client_for(hall).get("/api/v1/pin-pad/pending").status_code == 403
    # the ID number waits for the password as a salted HMAC only, in no column and no audit row
    from kefu.core.models import AuditEvent

    stored = PasswordCollection.objects.values().get()
    assert stored["fact_hash"] and stored["fact_salt"]
    assert line.customer.id_number not in str(stored)
    assert line.customer.id_number not in str(list(AuditEvent.objects.values("changes")))
    pad.post(f"/api/v1/password-collections/{stored['id']}", {"digits": KNOWN}, format="json")
    assert AuthGrant.objects.get(staff=hall, subscriber=line).method == "id_number"  # the digest matched


def test_staff_otp_opens_queries_on_that_line_only(line, other_line, catalog, make_staff, pin_pad_for,
                                                     api_client_for, monkeypatch):  # fmt: skip
    """AUTH-1, AUTH-2 (004): an SMS code keyed on a staff member's pad confirms the caller for queries on
    that line only: a calling_line grant; queries on the line answer, another line stays closed, and
    business acceptance is refused (auth_required) — only the service password opens it."""
    import kefu.identity.services as services
    from kefu.customers.models import Product

    monkeypatch.setattr(services.pysecrets, "randbelow", lambda n: 482913)
    hall = make_staff("hall_staff", "JS")
    pin_pad_for(hall)
    client = api_client_for(hall)
    assert client.post(f"/api/v1/subscribers/{line.number}/otp").status_code == 202
    assert authenticate(client, line.number, method="otp", otp="482913").status_code == 200
    assert AuthGrant.objects.get(staff=hall).scope == "calling_line"
    assert client.get(f"/api/v1/subscribers/{line.number}/balance").status_code == 200
    assert client.get(f"/api/v1/subscribers/{other_line.number}/balance").status_code == 403
    held = set(line.subscriptions.filter(status="active").values_list("product__code", flat=True))
    from kefu.customers.seeding.products import RESTRICTED

    vas = Product.objects.filter(kind="vas").exclude(code__in=held | set(RESTRICTED)).order_by("code").first()
    body = {"action": "order", "product": vas.code, "channel": "hall"}
    refused = client.post(f"/api/v1/subscribers/{line.number}/subscriptions", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "auth_required"
    assert authenticate(client, line.number, password=KNOWN).status_code == 200
    opened = client.post(f"/api/v1/subscribers/{line.number}/subscriptions", body, format="json")
    assert opened.status_code == 201, opened.content


@pytest.fixture
def self_service(make_staff):
    """A session the (future) selfservice app would recognise, registered through the policy's hook."""
    session = make_staff("hotline_agent", "JS", job_number="web-self")
    recogniser = policy.self_service_recogniser(lambda actor: getattr(actor, "job_number", "") == "web-self")
    yield session
    policy._self_service_recognisers.remove(recogniser)


def test_self_service_password_then_otp(line, self_service, api_client_for, monkeypatch):
    """AUTH-1 (004): in self-service the service password is accepted (the customer keys it) but opens
    nothing alone (second_factor_required); the SMS code without the password first is 409
    first_factor_required and counts nothing; after the password, the code opens a full grant."""
    import kefu.identity.services as services

    monkeypatch.setattr(services.pysecrets, "randbelow", lambda n: 482913)
    client = api_client_for(self_service)
    path = f"/api/v1/subscribers/{line.number}/authenticate"
    assert client.post(f"/api/v1/subscribers/{line.number}/otp").status_code == 202
    early = client.post(path, {"method": "otp", "otp": "482913"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "first_factor_required"
    assert not AuthAttempt.objects.exists()
    first = client.post(path, {"method": "password", "password": KNOWN, "channel": "web"}, format="json")
    assert first.status_code == 200
    assert first.json()["second_factor_required"] is True and first.json()["authenticated"] is False
    assert not AuthGrant.objects.exists()
    second = client.post(path, {"method": "otp", "otp": "482913", "channel": "web"}, format="json")
    assert second.status_code == 200 and second.json()["scope"] == "full"
    assert AuthGrant.objects.get(staff=self_service).scope == "full"
    assert client.get(f"/api/v1/subscribers/{line.number}/balance").status_code == 200


def test_pin_pad_reads_no_ones_data(line, make_staff, pin_pad_for, api_client_for, client):
    """AUTH-3, SYS-1: a PIN pad is in the customer's hands: its account sees no subscriber (API or the
    unified view) and cannot authenticate on its own behalf; its home page is the pad's screen."""
    pad = pin_pad_for(make_staff("hall_staff", "JS", city="3201"))
    api = api_client_for(pad)
    assert api.get("/api/v1/subscribers").status_code == 403
    assert api.get(f"/api/v1/subscribers/{line.number}").status_code == 403
    direct = api.post(
        f"/api/v1/subscribers/{line.number}/authenticate",
        {"method": "password", "password": KNOWN},
        format="json",
    )
    assert direct.status_code == 403 and direct.json()["code"] == "permission_denied"
    client.force_login(pad)
    assert client.get(f"/desk/customers/{line.number}/").status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].endswith("/desk/pin-pad/")
    assert client.get("/desk/pin-pad/").status_code == 200
    assert not AuthGrant.objects.exists()


def test_pinpad_command_pairs_and_refuses(make_staff):
    """AUTH-3: `kefu pinpad PAD HOLDER` pairs a pad with hall staff (audited); a hotline agent as holder
    or an unknown job number is refused and nothing is paired."""
    import io

    from django.core.management import CommandError, call_command

    from kefu.core.models import AuditEvent
    from kefu.identity.models import PinPad

    pad = make_staff("pin_pad", "JS", job_number="pad-9")
    hall = make_staff("hall_staff", "JS", job_number="hall-9")
    make_staff("hotline_agent", "JS", job_number="agent-9")
    with pytest.raises(CommandError, match="not_a_pin_pad_holder"):
        call_command("pinpad", "pad-9", "agent-9")
    with pytest.raises(CommandError, match="nobody"):
        call_command("pinpad", "pad-9", "nobody")
    assert not PinPad.objects.exists()
    out = io.StringIO()
    call_command("pinpad", "pad-9", "hall-9", stdout=out)
    assert PinPad.objects.get(pad=pad).holder == hall and "pad-9 → hall-9" in out.getvalue()
    assert AuditEvent.objects.filter(action="identity.pin_pad.pair").count() == 1


def test_demo_pin_pads_paired_with_hall_staff_and_vip_managers(db):
    """AUTH-3: `kefu demo` pairs a pad with each demo hall staff member and VIP manager (so the counter
    works in the demo), in the holder's city, and running it again creates nothing more."""
    from kefu.core.demo import DEMO_PASSWORD, seed_demo_staff
    from kefu.identity.demo import seed_demo_pin_pads
    from kefu.identity.models import PinPad

    seed_demo_staff()
    pairs = seed_demo_pin_pads(password=DEMO_PASSWORD)
    assert {(pad.job_number, holder.job_number) for pad, holder in pairs} == {
        ("js1002-pad", "js1002"),
        ("js1003-pad", "js1003"),
        ("zj1002-pad", "zj1002"),
        ("zj1003-pad", "zj1003"),
    }
    assert all(pad.role == "pin_pad" and pad.city_id == holder.city_id for pad, holder in pairs)
    assert all(pad.check_password(DEMO_PASSWORD) for pad, _holder in pairs)
    seed_demo_pin_pads(password=DEMO_PASSWORD)
    assert PinPad.objects.count() == 4


def test_pin_pad_screen_is_a_kiosk_and_receives_no_notices(make_staff, pin_pad_for, client):
    """AUTH-3, SYS-1: the pad's screen faces the customer: it shows no navigation, no customer search,
    no call bar and no notice badge; and a notice to everyone reaches the staff, not the pad."""
    from kefu.bulletins.models import NoticeReceipt
    from kefu.bulletins.services import notice_publish

    hall = make_staff("hall_staff", "JS", city="3201")
    pad = pin_pad_for(hall)
    notice = notice_publish(
        actor=make_staff("supervisor", "JS"), title="系统升级", body="今晚升级", audience="all"
    )
    readers = set(NoticeReceipt.objects.filter(notice=notice).values_list("staff__job_number", flat=True))
    assert hall.job_number in readers and pad.job_number not in readers
    client.force_login(pad)
    page = client.get("/desk/pin-pad/").content.decode()
    assert 'data-testid="pin-pad-screen"' in page and 'data-testid="pin-pad"' in page
    for part in ('class="sidenav"', 'data-testid="top-search"', 'data-testid="notice-badge"', "callbar"):
        assert part not in page, part


def test_pin_pad_account_opens_only_its_screen(line, make_staff, pin_pad_for, api_client_for, client):
    """AUTH-3, SYS-1: a PIN pad's account is a device in the customer's hands: by session or by token
    it reaches its screen and the endpoints that screen calls; any other page sends it back to its
    screen and any other API endpoint answers 403 problem+json — for people nothing changes."""
    hall = make_staff("hall_staff", "JS", city="3201")
    pad = pin_pad_for(hall)
    client.force_login(pad)
    for page in ("/desk/contacts/", "/workorders/", "/bulletins/", f"/desk/customers/{line.number}/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].endswith("/desk/pin-pad/"), page
    assert client.get("/desk/pin-pad/").status_code == 200
    assert client.get("/api/v1/pin-pad/pending").status_code == 200
    refused = client.get("/api/v1/contacts")
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/problem+json")
    api = api_client_for(pad)
    assert api.get("/api/v1/pin-pad/pending").status_code == 200
    for path in ("/api/v1/contacts", "/api/v1/subscribers", "/api/v1/work-orders", "/api/v1/notices"):
        response = api.get(path)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", path
    staff = api_client_for(hall)
    assert staff.get("/api/v1/contacts").status_code == 200
