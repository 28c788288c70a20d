"""Editing in a real browser (Debian's chromium through Playwright, as in
tests/test_pages_browser.py): an embassy's editor for CN,PE records the 2021 Lima reception,
sees it on the pair page and in the pair feed, edits its time (SEQUENCE rises), is refused a
US–FR event and a form without its CSRF token, and signs out; axe-core checks the forms."""

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from sqlmodel import Session

from app import transfer
from app.auth import create_key
from app.db import create_db_engine
from app.models import Scope
from tests.factories import make_event
from tests.servers import running_service
from tests.test_pages_browser import CHROMIUM, Visit, browser  # noqa: F401  (a fixture)

pytestmark = pytest.mark.skipif(
    not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}"
)
FEED = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"


@pytest.fixture(scope="module")
def service(tmp_path_factory, databases) -> Iterator[tuple[str, str, str]]:
    """The seeded service, an editor key for CN,PE, and a US–FR event it may not touch."""
    url = databases.create()
    engine = create_db_engine(url)
    with Session(engine) as session:
        transfer.seed(session)
        session.commit()
        _key, secret = create_key(session, "embassy-of-china-in-peru", Scope.editor, ["CN", "PE"])
        other = make_event(session, countries=["FR", "US"], title="Franco-American reception")
        other_id = str(other.id)
    engine.dispose()
    with running_service(url, tmp_path_factory.mktemp("editing")) as svc:
        yield svc.url, secret, other_id
    databases.drop(url)


def sequence_of(base: str, title: str) -> int:
    feed = httpx.get(base + FEED).text.replace("\r\n ", "")
    event = next(v for v in feed.split("BEGIN:VEVENT") if f"SUMMARY:{title}" in v)
    return int(re.search(r"SEQUENCE:(\d+)", event).group(1))


def test_an_embassy_records_its_reception_and_edits_it(service, browser):  # noqa: F811
    base, secret, other_id = service
    v = Visit(browser, base)
    page = v.page
    v.go("/signin")
    assert v.axe() == [], "sign-in form"
    page.get_by_label("API key").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    assert "Signed in as embassy-of-china-in-peru" in page.content()

    v.go("/pairs/CN-PE")
    page.get_by_role("link", name="Add an event").click()
    page.wait_for_url("**/events/new?pair=CN-PE")
    # First a mistake: the end before the start. The form comes back with it, focused.
    page.locator("#f-title").fill("Reception for the 50th anniversary, Lima")
    page.get_by_label("Starts (local time)").fill("2021-11-02T19:00")
    page.get_by_label("Ends (local time)").fill("2021-11-02T18:00")
    page.get_by_label("Time zone of the venue").select_option("America/Lima")
    page.get_by_label("Venue", exact=True).fill("Embajada de la República Popular China")
    page.get_by_label("City", exact=True).fill("Lima")
    page.get_by_label("Organiser 1: name").fill("Embassy of China in Peru")
    page.get_by_label("Organiser 1: role").select_option("embassy")
    celebrates = page.get_by_label("Celebrates the anniversary")
    options = celebrates.locator("option").all_inner_texts()
    fiftieth = [o for o in options if o.startswith("2021: 50th anniversary")]
    assert len(fiftieth) == 1, options
    celebrates.select_option(label=fiftieth[0])
    page.get_by_role("button", name="Create event").click()
    assert "ends_at must be after starts_at" in page.locator("#f-ends_at-error").inner_text()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert (
        page.get_by_label("Venue", exact=True).input_value()
        == "Embajada de la República Popular China"
    )
    assert v.axe() == [], "event form with errors"
    page.get_by_label("Ends (local time)").fill("2021-11-02T22:00")
    page.get_by_role("button", name="Create event").click()
    page.wait_for_url(re.compile(r".*/events/[0-9a-f-]{36}$"))
    assert "Reception for the 50th anniversary, Lima" in page.locator("h1").inner_text()

    v.go("/pairs/CN-PE")
    assert (
        "Reception for the 50th anniversary, Lima"
        in page.locator("#events-h + p + ul").inner_text()
    )
    assert sequence_of(base, "Reception for the 50th anniversary\\, Lima") == 1

    page.get_by_role("link", name="Edit Reception for the 50th anniversary, Lima").click()
    page.get_by_label("Starts (local time)").fill("2021-11-02T19:30")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(r".*/events/[0-9a-f-]{36}$"))
    assert sequence_of(base, "Reception for the 50th anniversary\\, Lima") == 2

    response = v.go(f"/events/{other_id}/edit")
    assert response.status == 403 and "may edit only CN, PE" in page.content()

    v.go("/milestones/new?pair=CN-PE")
    assert v.axe() == [], "milestone form"
    page.locator("#f-date").fill("1971-11")
    page.evaluate("document.querySelector('form.edit input[name=csrf_token]').remove()")
    page.get_by_role("button", name="Create milestone").click()
    assert "CSRF token" in page.locator(".refusal").inner_text()

    v.go("/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/")
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert v.go("/events/new").url.startswith(base + "/signin")
    assert v.foreign() == []
    v.close()
