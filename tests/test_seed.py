"""The bundled data set: what a new user finds on the first run, and how re-seeding behaves."""

import json

import pytest
from sqlmodel import Session, func, select

from app import transfer
from app.cli import prepare_database
from app.config import Settings
from app.models import Milestone
from tests.factories import make_milestone

SEED_ROWS = json.loads(transfer.seed_path().read_text("utf-8"))["milestones"]
WIKIPEDIA = "https://en.wikipedia.org/wiki/List_of_national_independence_days"


@pytest.fixture
def database_url(make_database) -> str:
    """The app of every test here starts from the bundled data set."""
    return make_database(seeded=True)


@pytest.fixture
def seeded(database_url, databases) -> transfer.Report:
    """What seeding reported: the data set is loaded once per run into a template database,
    which each test's database copies (``tests/databases.py``)."""
    return databases.seed_report


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Milestone)).one()


def only(client, query: str) -> dict:
    items = client.get(f"/api/v1/milestones?{query}").json()["items"]
    assert len(items) == 1, items
    return items[0]


def test_bundled_data_set_loads_every_milestone(session, seeded):
    m = seeded.milestones
    assert m.created == len(SEED_ROWS) == count(session) > 900
    assert (m.updated, m.unchanged, m.skipped, seeded.kept) == (0, 0, 0, [])


def test_china_peru_ties_of_1971_with_their_source(client, seeded):
    ties = only(client, "pair=PE-CN&kind=diplomatic_relations")
    # One reputable source (the data's "medium"): not verified (issue 13).
    assert (ties["date"], ties["precision"], ties["confidence"]) == (
        "1971-11-02",
        "day",
        "unverified",
    )
    assert ties["source"] and ties["source_url"].startswith("https://")
    assert ties["title"] == "China – Peru: Diplomatic relations"
    assert ties["title_generated"] is True


def test_peru_independence_of_1821(client, seeded):
    independence = only(client, "country=PE&kind=independence")
    assert independence["date"] == "1821-07-28"
    assert independence["source_url"] == WIKIPEDIA
    assert independence["confidence"] == "unverified"  # one Wikipedia list, not verified
    assert "Fiestas Patrias" in independence["description"]


def test_the_pair_feed_shows_the_golden_jubilee_of_2021(client, seeded):
    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31").text
    assert "SUMMARY:China – Peru: 50th anniversary of diplomatic relations" in feed


def test_jubilees_of_2021_include_both_peruvian_ones(client, seeded):
    r = client.get(
        "/api/v1/anniversaries?from=2021-01-01&to=2021-12-31&jubilee_only=true&limit=500"
    )
    items = r.json()["items"]
    found = {(tuple(a["countries"]), a["kind"], a["years"], a["tier"]) for a in items}
    assert (("CN", "PE"), "diplomatic_relations", 50, "golden") in found
    assert (("PE",), "independence", 200, "bicentennial") in found
    assert r.json()["total"] > 50


def test_every_milestone_keeps_a_source_and_a_web_address(session, seeded):
    rows = session.exec(select(Milestone)).all()
    assert all(m.sources for m in rows)
    assert all(
        any((s.get("url") or "").startswith(("http://", "https://")) for s in m.sources)
        for m in rows
    )


def test_historical_states_load_as_former_states(client, seeded):
    hawaii = client.get("/api/v1/countries/XHAW").json()
    assert (hawaii["former"], hawaii["ended"]) == (True, "1898")
    items = client.get("/api/v1/milestones?pair=US-XHAW").json()["items"]
    assert [(m["kind"], m["date"]) for m in items] == [
        ("other", "1826-12-23"),
        ("diplomatic_relations", "1853-12-20"),
        ("relations_severed", "1898-08-12"),
    ]
    assert items[0]["title"] == "United States' recognition of Hawaii"
    assert items[0]["source_url"] == "https://history.state.gov/countries/hawaii"
    # ISO 3166-3 states keep their codes: the State Department's East Germany is DD.
    # (recognition and relations, both 1974-09-04, in the re-extracted file)
    assert client.get("/api/v1/milestones?pair=DD-US").json()["total"] == 2


def test_month_and_year_precision_are_kept(client, seeded):
    burkina = only(client, "pair=BF-CN&kind=diplomatic_relations")
    assert (burkina["date"], burkina["precision"]) == ("1973-09", "month")
    austria = only(client, "pair=US-XAUE&kind=other")
    assert (austria["date"], austria["precision"]) == ("1797", "year")


def test_a_fact_in_two_files_is_one_milestone_with_both_sources(client, seeded):
    ties = client.get("/api/v1/milestones?pair=CN-US&kind=diplomatic_relations").json()["items"]
    assert [m["date"] for m in ties] == ["1844-06-16", "1979-01-01"]
    titles = [s["title"] for s in ties[1]["sources"]]
    assert len(titles) >= 2 and any("Office of the Historian" in t for t in titles)


def test_seeding_twice_changes_nothing(client, session, seeded):
    etag = client.get("/feeds/all.ics").headers["etag"]
    again = transfer.seed(session)
    session.commit()
    m = again.milestones
    assert (m.created, m.updated, m.unchanged) == (0, 0, len(SEED_ROWS))
    assert client.get("/feeds/all.ics").headers["etag"] == etag


def test_a_milestone_a_user_edited_is_kept_and_reported(client, session, seeded, auth):
    ties = only(client, "pair=CN-PE")
    r = client.patch(
        f"/api/v1/milestones/{ties['id']}", json={"title": "Cincuentenario"}, headers=auth
    )
    assert r.status_code == 200
    again = transfer.seed(session)
    session.commit()
    assert again.kept == [f"1971-11-02 Cincuentenario ({ties['id']})"]
    assert (again.milestones.updated, again.milestones.unchanged) == (0, len(SEED_ROWS) - 1)
    assert only(client, "pair=CN-PE")["title"] == "Cincuentenario"


def changed_data_set(tmp_path, milestone_id: str, **changes) -> object:
    """A copy of the data set in which one row changed, as the next build would write it."""
    doc = json.loads(transfer.seed_path().read_text("utf-8"))
    for row in doc["milestones"]:
        if row["id"] == milestone_id:
            row.update(changes, revision=row["revision"] + 1, updated_at="2099-01-01T00:00:00Z")
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_a_changed_data_set_updates_milestones_nobody_edited(client, session, seeded, tmp_path):
    ties = only(client, "pair=CN-PE")
    etag = client.get("/feeds/pairs/CN-PE.ics").headers["etag"]
    report = transfer.seed(session, path=changed_data_set(tmp_path, ties["id"], source="MFA"))
    session.commit()
    assert (report.milestones.updated, report.kept) == (1, [])
    now = only(client, "pair=CN-PE")
    assert (now["source"], now["revision"]) == ("MFA", ties["revision"] + 1)
    assert client.get("/feeds/pairs/CN-PE.ics").headers["etag"] != etag


def test_a_changed_data_set_never_overwrites_an_edit(client, session, seeded, auth, tmp_path):
    ties = only(client, "pair=CN-PE")
    client.patch(f"/api/v1/milestones/{ties['id']}", json={"source": "mine"}, headers=auth)
    report = transfer.seed(session, path=changed_data_set(tmp_path, ties["id"], source="MFA"))
    session.commit()
    assert (report.milestones.updated, len(report.kept)) == (0, 1)
    assert only(client, "pair=CN-PE")["source"] == "mine"


# ---------------------------------------------------------------- first run


@pytest.fixture
def fresh_url(make_database) -> str:
    return make_database()


def milestones_in(url: str) -> int:
    from app.db import create_db_engine

    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return count(session)
    finally:
        engine.dispose()


def test_serve_seeds_an_empty_database_once(databases, make_database):
    # The run's seeded template is prepare_database's work on an empty, migrated database.
    url = make_database(seeded=True)
    report = databases.seed_report
    assert report is not None and report.milestones.created == len(SEED_ROWS)
    assert prepare_database(Settings(database_url=url)) is None
    assert milestones_in(url) == len(SEED_ROWS)


def test_serve_leaves_a_database_with_milestones_alone(fresh_url):
    from app.db import create_db_engine

    engine = create_db_engine(fresh_url)
    with Session(engine) as session:
        make_milestone(session)
    engine.dispose()
    assert prepare_database(Settings(database_url=fresh_url)) is None
    assert milestones_in(fresh_url) == 1


def test_serve_does_not_seed_when_turned_off(fresh_url, monkeypatch):
    monkeypatch.setenv("DIPLOCAL_SEED", "false")
    settings = Settings(database_url=fresh_url)
    assert settings.seed is False
    assert prepare_database(settings) is None
    assert milestones_in(fresh_url) == 0


def test_a_deleted_seeded_milestone_stays_deleted_when_seeding_again(client, auth, session, seeded):
    ties = client.get("/api/v1/milestones?pair=CN-PE&kind=diplomatic_relations").json()["items"][0]
    assert client.delete(f"/api/v1/milestones/{ties['id']}", headers=auth).status_code == 204
    report = transfer.seed(session)
    session.commit()
    assert report.milestones.created == 0
    assert client.get(f"/api/v1/milestones/{ties['id']}").status_code == 404
