"""No raw code and no English state name in the Chinese UI (issue 12, VIEW-5, WO-6): every role on every
node type — province, hub, SIMS, platform — walks its pages with seeded data (Django test client, the
default Chinese), and the visible text of each page (tags, scripts, styles and attributes stripped) is
searched for the engine's state, action and satisfaction values, the staff roles and order kinds, the
federation's message types and other code patterns."""

from __future__ import annotations

import re
import uuid
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches

from kefu.core.choices import Role
from kefu.core.demo import seed_demo_staff
from kefu.core.models import Staff
from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.workorders.choices import Action, Satisfaction, SystemEvent, WorkOrderKind, WorkOrderState

pytestmark = pytest.mark.django_db

# The codes that must never be read in the Chinese UI: what the engine stores, as it stores it.
CODES = sorted(
    {*WorkOrderState.values(), *Action.values(), *SystemEvent.values(), *Satisfaction.values(),
     *Role.values(), *WorkOrderKind.values(), "system", "None", "True", "False"},
    key=len, reverse=True,
)  # fmt: skip
WORD = r"(?<![A-Za-z0-9_./:-])(?:{})(?![A-Za-z0-9_/-])"
PATTERNS = {
    "code": re.compile(WORD.format("|".join(map(re.escape, CODES)))),
    "message type": re.compile(r"\b(?:workorder|capability|service|sp\.quality)\.[a-z_.]+\b"),
    "snake_case": re.compile(r"(?<![A-Za-z0-9_./-])[a-z]+_[a-z_]+(?![A-Za-z0-9_(/-])"),
}
SKIP = ("/logout", "/admin/", "/api/", "/i18n/", "/static/", "/federation/", "/metrics", "/healthz",
        "/readyz", "/telephony/events", "export", ".csv", "/attachments/", "/pin-pad")  # fmt: skip
DETAIL = re.compile(
    r"^/(?:workorders|orders|sp/orders|crosslevel|sp/profiles|desk/customers|desk/contacts)/[^/?]+/$"
)
# the tabs and filters of a list (same path, a query string): a few of each page
TABS = 6


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or templates."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def problems_in(html: str) -> tuple[list[str], list[str]]:
    """(what a page shows that it should not, the page's own links)."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.parts:
        for name, pattern in PATTERNS.items():
            found += [f"{name}: {m.group(0)!r} in {text[:80]!r}" for m in pattern.finditer(text)]
    return found, parser.links


def walk(client: Client, start: list[str], *, limit: int = 40) -> tuple[dict[str, list[str]], set[str]]:
    """Open ``start`` and the detail pages they link to (three of each kind); the problems per page and
    the pages opened."""
    seen, queue, found, kinds, opened = set(), list(start), {}, {}, set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or any(s in url for s in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 200:
            opened.add(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page_problems, links = problems_in(response.content.decode())
        if page_problems:
            found[url] = page_problems
        for link in links:
            link_path = urlsplit(link).path
            if link_path == path and "?" in link and "before=" not in link:
                kind = f"tab {path}"
                if kinds.get(kind, 0) < TABS and link not in seen:
                    kinds[kind] = kinds.get(kind, 0) + 1
                    queue.append(link)
            elif DETAIL.match(link_path) and link_path != path:
                kind = "/".join(link_path.split("/")[:-2])
                if kinds.get(kind, 0) < 3 and link not in seen:
                    kinds[kind] = kinds.get(kind, 0) + 1
                    queue.append(link)
    return found, opened


def test_the_walk_finds_codes_in_visible_text_only():
    """The checker itself: a code in a cell is found, the same code in an attribute or a script is not."""
    html = (
        '<table><tr><td data-action="dispatch">派发</td><td>returned</td></tr></table>'
        '<script>const s = "satisfied";</script><p>workorder.reply · hotline_agent · SP901234</p>'
    )
    found, _links = problems_in(html)
    assert [f.split(" in ")[0] for f in found] == [
        "code: 'returned'",
        "code: 'hotline_agent'",
        "message type: 'workorder.reply'",
        "snake_case: 'hotline_agent'",
    ]


def nav_urls(client: Client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200, response.status_code
    from kefu.desk.navigation import navigation_for

    return ["/", *(item.url for item in navigation_for(response.wsgi_request) if item.url)]


def node(settings, tmp_path, code: str, role: str, peers: dict[str, str]) -> None:
    path = tmp_path / "peers.toml"
    path.write_text("".join(
        f'[peers.{peer}]\nrole = "{peer_role}"\nurl = "http://127.0.0.1:9"\nkey = "{code}-{peer}-key-0123456789ab"\n'
        for peer, peer_role in peers.items()
    ))  # fmt: skip
    settings.KEFU_NODE_CODE, settings.KEFU_ROLE = code, role
    settings.KEFU_PEERS_FILE = str(path)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    settings.ROOT_URLCONF = f"kefu.urls.{role}"
    clear_url_caches()


def message(action: str, number: str, *, sender: str, sender_role: str, receiver: str, seq: int,
            node_code: str = "JS", comment: str = "", data: dict | None = None, order: dict | None = None):  # fmt: skip
    body = messages.payload(number=number, action=action, node=node_code, actor="js1004", comment=comment,
                            data=data or {}, order=order)  # fmt: skip
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender=sender, receiver=receiver,
                   payload=body, order=number, seq=seq, sender_role=sender_role)  # fmt: skip


SNAPSHOT = {"kind": "complaint", "title": "梦网短信乱扣费", "origin": "JS", "business": "wlan",
            "business_name": "WLAN", "category_name": "乱扣费", "description": "用户反映被扣费",
            "order_due_at": "2026-12-31T10:00:00+08:00"}  # fmt: skip


def hub_orders() -> None:
    """The hub's copies: one routed to SIMS, replied and given feedback; one returned."""
    from kefu.hub import services as hub

    number = "JS20261206000101"
    step = lambda action, seq, **kw: hub.apply(message(action, number, seq=seq, **kw))  # noqa: E731
    step("dispatch", 1, sender="JS", sender_role="province", receiver="HUB",
         data={"target": "SIMS", "sp_code": "SP901234"}, order={**SNAPSHOT, "number": number})  # fmt: skip
    step("receive", 2, sender="SIMS", sender_role="sims", receiver="HUB", node_code="SIMS")
    step("reply", 3, sender="SIMS", sender_role="sims", receiver="HUB", node_code="SIMS", comment="已退费")
    step(
        "feedback", 4, sender="JS", sender_role="province", receiver="HUB", data={"satisfaction": "satisfied"}
    )
    other = "JS20261206000102"
    hub.apply(message("dispatch", other, seq=1, sender="JS", sender_role="province", receiver="HUB",
                      data={"target": "SIMS", "sp_code": "SP901234"}, order={**SNAPSHOT, "number": other}))  # fmt: skip
    hub.apply(message("return", other, seq=2, sender="SIMS", sender_role="sims", receiver="HUB",
                      node_code="SIMS", comment="非本SP业务"))  # fmt: skip


def sims_orders() -> None:
    """SIMS's copies: one misrouted and returned, then sent to SP901234, received and replied; one
    dissatisfied feedback."""
    from kefu.sims import services as sims

    sims.sp_create(actor=None, code="SP901234", name="梦想互动", contract_start=date(2025, 1, 1))
    staff = Staff.objects.get(job_number="sp01")
    for number, sp in (("JS20261206000201", "SP999999"), ("JS20261206000201", "SP901234"),
                       ("JS20261206000202", "SP901234")):  # fmt: skip
        sims.apply(message("dispatch", number, seq=1, sender="HUB", sender_role="hub", receiver="SIMS",
                           data={"sp_code": sp, "round": 1}, order={**SNAPSHOT, "number": number}))  # fmt: skip
    sims.order_act(actor=staff, number="JS20261206000201", action="receive")
    sims.order_act(actor=staff, number="JS20261206000201", action="reply", comment="已退订并退费")
    sims.apply(message("feedback", "JS20261206000201", seq=5, sender="HUB", sender_role="hub", receiver="SIMS",
                       data={"satisfaction": "dissatisfied"}))  # fmt: skip


def platform_orders() -> None:
    from kefu.platform import complaints

    number = "JS20261206000301"
    complaints.order_apply(message("dispatch", number, seq=1, sender="HUB", sender_role="hub", receiver="PLAT",
                                   data={"round": 1}, order={**SNAPSHOT, "number": number}))  # fmt: skip
    staff = Staff.objects.get(job_number="plat01")
    complaints.order_act(actor=staff, number=number, action="receive")
    complaints.order_act(actor=staff, number=number, action="reply", comment="已恢复")


NODES = {
    "hub": ("HUB", {"JS": "province", "SIMS": "sims", "PLAT": "platform"}, hub_orders, ["hub01", "admin"]),
    "sims": ("SIMS", {"HUB": "hub"}, sims_orders, ["sp01", "admin"]),
    "platform": ("PLAT", {"HUB": "hub"}, platform_orders, ["plat01", "admin"]),
}


@pytest.mark.parametrize("role", list(NODES))
def test_hub_sims_and_platform_pages_show_no_raw_code(role, settings, tmp_path):
    """Item 6 and the issue's "done when": each staff of a hub, SIMS or platform node walks home, sidebar
    and order pages; none shows a state, action or satisfaction code, a role, a message type."""
    code, peers, seed, staff = NODES[role]
    node(settings, tmp_path, code, role, peers)
    seed_demo_staff()
    seed()
    found, opened = {}, set()
    for job_number in staff:
        client = Client()
        client.force_login(Staff.objects.get(job_number=job_number))
        pages, seen = walk(client, [*nav_urls(client), "/node/"])
        found |= {f"{job_number} {url}": problems for url, problems in pages.items()}
        opened |= seen
    assert found == {}
    assert {"/", "/node/"} <= opened and any(DETAIL.match(path) for path in opened), sorted(opened)


def test_province_pages_show_no_raw_code(settings, tmp_path):
    """The same walk on a province, for every role of its staff, with seeded customers and orders."""
    from kefu.workorders.demo import seed_demo_orders

    node(settings, tmp_path, "JS", "province", {"HUB": "hub"})
    call_command("seed", subscribers=20, province="JS", months=1, random_seed=7, verbosity=0)
    seed_demo_staff()
    seed_demo_orders(per_category=1)
    from kefu.customers.models import Subscriber

    customer_pages = [
        f"/desk/customers/{n}/"
        for n in Subscriber.objects.order_by("id").values_list("number", flat=True)[:2]
    ]
    found, opened = {}, set()
    for job_number in (
        "js1001",
        "js1002",
        "js1003",
        "js1004",
        "js1005",
        "js1006",
        "js1007",
        "js1008",
        "js-admin",
    ):
        client = Client()
        client.force_login(Staff.objects.get(job_number=job_number))
        pages, seen = walk(client, [*nav_urls(client), *customer_pages], limit=60)
        found |= {f"{job_number} {url}": problems for url, problems in pages.items()}
        opened |= seen
    assert found == {}
    assert any(path.startswith("/workorders/") and DETAIL.match(path) for path in opened), sorted(opened)
