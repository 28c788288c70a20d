"""The pages in a real browser (Debian's chromium, driven by Playwright for Python), on the
bundled data set: a new user's path from search to a pair, the subscribe panel, Arabic,
axe-core on every page type, nothing loaded from another host, and screenshots at desktop and
phone widths in ``artifacts/screenshots/`` (README, "Web pages").

Skipped only when chromium is absent; axe-core comes from npm into a cache directory
(``.ci/run`` installs both).
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlmodel import Session, select

from app.db import create_db_engine
from app.models import Milestone
from tests.factories import make_event
from tests.servers import running_service

CHROMIUM = os.environ.get("DIPLOCAL_CHROMIUM", "/usr/bin/chromium")
AXE_DIR = Path(os.environ.get("DIPLOCAL_AXE_DIR", Path.home() / ".cache" / "diplocal-axe"))
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"
)


def axe_script() -> Path:
    """axe-core from npm, installed into a cache directory on first use."""
    if not AXE.exists():
        npm = shutil.which("npm")
        assert npm, "axe-core is missing and npm is not installed to fetch it"
        subprocess.run(
            [npm, "install", "--silent", "--prefix", str(AXE_DIR), "axe-core@4"],
            check=True, timeout=300,
        )  # fmt: skip
    return AXE


@pytest.fixture(scope="module")
def service(tmp_path_factory, databases) -> Iterator[tuple[str, str]]:
    """The service on a seeded database with one event: China–Peru's 50th, in 2021."""
    url = databases.create(seeded=True)  # a copy of the run's seeded template
    engine = create_db_engine(url)
    with Session(engine) as session:
        ties = session.exec(
            select(Milestone).where(
                Milestone.country_a == "CN", Milestone.country_b == "PE",
                Milestone.kind == "diplomatic_relations",
            )
        ).one()  # fmt: skip
        event_id = str(make_event(session, milestone_id=str(ties.id), year=2021).id)
    engine.dispose()
    with running_service(url, tmp_path_factory.mktemp("browser")) as svc:
        yield svc.url, event_id
    databases.drop(url)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """A browser context that records every request it makes."""

    def __init__(self, browser, base: str, width: int = 1280, *, axe: bool = True) -> None:
        self.base = base
        # bypass_csp: axe-core is injected inline, which the pages' own policy forbids.
        self.context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=axe)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def foreign(self) -> list[str]:
        own = urlsplit(self.base).netloc
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != own]  # fmt: skip

    def axe(self) -> list[dict]:
        self.page.add_script_tag(path=str(axe_script()))
        # resultTypes: details for violations only (passes listed by count), 3x faster.
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            AXE_TAGS,
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in result["violations"]
        ]

    def close(self) -> None:
        self.context.close()


def page_paths(event_id: str) -> dict[str, str]:
    return {
        "home": "/",
        "country": "/countries/PE",
        "pair": "/pairs/CN-PE",
        "event": f"/events/{event_id}",
        "not-found": "/no-such-page",
        "home-ar": "/?lang=ar",
        "country-ar": "/countries/PE?lang=ar",
        "docs": "/docs",
    }


def test_search_peru_then_follow_china_to_the_pair(service, browser):
    base, _ = service
    v = Visit(browser, base)
    v.go("/")
    v.page.get_by_label("Find a country by name or code").fill("Perú")
    v.page.keyboard.press("Enter")
    v.page.wait_for_url("**/countries/PE")
    assert v.page.locator("h1").inner_text().startswith("Peru")
    row = v.page.locator("#partners tbody tr", has=v.page.get_by_role("link", name="China"))
    assert "November 2, 1971" in row.inner_text()
    jubilee = row.locator("td").nth(4).inner_text()
    assert jubilee != "–" and "th" in jubilee  # e.g. "November 2, 2026 (55th)"
    row.get_by_role("link", name="China").click()
    v.page.wait_for_url("**/pairs/CN-PE")
    assert "1971" in v.page.locator("ol.timeline").inner_text()
    assert "Reception for the 50th anniversary" in v.page.locator("#events-h + ul").inner_text()
    assert v.foreign() == []
    v.close()


def test_subscribe_links_name_the_pair_feed_and_the_qr_code_is_an_svg(service, browser):
    base, _ = service
    v = Visit(browser, base)
    v.go("/pairs/CN-PE")
    feed = f"{base}/feeds/pairs/CN-PE.ics"
    panel = v.page.locator("section.subscribe")
    assert panel.get_by_role("link", name="Apple Calendar").get_attribute("href") == (
        "webcal://" + feed.split("://")[1]
    )
    google = panel.get_by_role("link", name="Google Calendar").get_attribute("href")
    assert google == "https://calendar.google.com/calendar/render?cid=" + quote(feed, safe="")
    outlook = panel.get_by_role("link", name="Outlook").get_attribute("href")
    assert outlook.startswith(
        "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed, safe="")
    )
    assert v.page.locator("#feed-url").input_value() == feed
    assert v.page.locator(".qr-fig svg path").count() >= 1
    # The options regenerate the links on the server (a plain GET form).
    v.page.get_by_label("Jubilees only (every 5 years)").check()
    v.page.get_by_role("button", name="Update links").click()
    v.page.wait_for_url("**jubilee_only=true**")
    assert v.page.locator("#feed-url").input_value() == feed + "?jubilee_only=true"
    # The feed the links name answers with a calendar.
    response = v.context.request.get(v.page.locator("#feed-url").input_value())
    assert response.ok and response.text().startswith("BEGIN:VCALENDAR")
    assert v.foreign() == []
    v.close()


def test_table_sorts_by_keyboard_with_visible_focus(service, browser):
    base, _ = service
    v = Visit(browser, base)
    v.go("/countries/US")
    v.page.keyboard.press("Tab")
    focused = v.page.evaluate(
        "() => [document.activeElement.className, getComputedStyle(document.activeElement)"
        ".outlineStyle]"
    )
    assert focused == ["skip", "solid"]
    button = v.page.locator("#partners thead th").nth(1).get_by_role("button")
    button.focus()
    v.page.keyboard.press("Enter")  # established, ascending
    v.page.keyboard.press("Enter")  # descending
    dates = v.page.locator("#partners tbody td:nth-child(2)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )
    assert dates == sorted(dates, reverse=True) and len(dates) > 5
    v.close()


def test_arabic_is_right_to_left_and_the_choice_is_remembered(service, browser):
    base, _ = service
    v = Visit(browser, base)
    v.go("/countries/PE")
    v.page.locator("nav.langs a[lang=ar]").click()
    v.page.wait_for_url("**lang=ar")
    assert v.page.evaluate("() => [document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    assert "بيرو" in v.page.locator("h1").inner_text()
    v.go("/pairs/CN-PE")  # no ?lang= any more: the cookie
    assert v.page.evaluate("() => document.dir") == "rtl"
    v.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_type_passes_axe_loads_nothing_foreign_and_fits(service, browser, width):
    base, event_id = service
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = {}
    v = Visit(browser, base, width)  # one context, emptied for each page (cheaper than new)
    for name, path in page_paths(event_id).items():
        v.context.clear_cookies()
        v.requests.clear()
        v.go(path)
        v.page.wait_for_load_state("networkidle")
        v.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert v.foreign() == [], (path, v.foreign())
        if name != "docs":  # Swagger UI's own markup is not ours to fix
            if violations := v.axe():
                failures[path] = violations
            overflow = v.page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, width, overflow)
    v.close()
    assert failures == {}


def test_docs_render_from_local_assets(service, browser):
    base, _ = service
    v = Visit(browser, base, axe=False)  # with the Content-Security-Policy the service sends
    v.go("/docs")
    v.page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    v.go("/redoc")
    v.page.wait_for_selector("h1", timeout=15000)
    assert v.foreign() == []
    v.close()
