"""The seed converter (scripts/build_seed.py) and the version 2 data set it writes."""

import json
from collections import Counter
from pathlib import Path

import pytest

from scripts import build_seed as build
from scripts import seed_rules as rules

DATA_DIR = Path(__file__).resolve().parents[1] / "app" / "data"

V2 = json.loads((DATA_DIR / "seed.json").read_text("utf-8"))
RECORDS = V2["milestones"]


def pair(code: str, other: str = "CN") -> list[dict]:
    rows = [r for r in RECORDS if r["countries"] == sorted([code, other])]
    return [r for r in rows if r["kind"] in build.LIFECYCLE]


def national(code: str) -> list[dict]:
    return [
        r
        for r in RECORDS
        if r["countries"] == [code] and r["kind"] in ("independence", "national_day")
    ]


def test_the_document_is_version_2_with_the_v2_fields():
    assert (V2["format"], V2["version"]) == ("diplocal-export", 2)
    keys = {"id", "kind", "date", "precision", "observed", "none", "celebrated", "countries",
            "title", "description", "sources", "confidence", "created_at", "updated_at",
            "revision"}  # fmt: skip
    assert all(set(r) == keys for r in RECORDS)
    assert all(
        set(s) == {"title", "url", "quote", "government"} for r in RECORDS for s in r["sources"]
    )
    assert len({r["id"] for r in RECORDS}) == len(RECORDS)


def test_nicaragua_established_severed_and_resumed_celebrated():
    got = [(r["kind"], r["date"], r["celebrated"]) for r in pair("NI")]
    assert got == [
        ("diplomatic_relations", "1985-12-07", False),
        ("relations_severed", "1990-11-09", False),
        ("relations_restored", "2021-12-10", True),
    ]


def test_saint_lucia_ends_severed_in_2007():
    assert [(r["kind"], r["date"]) for r in pair("LC")][-1] == ("relations_severed", "2007-05-05")


def test_united_kingdom_upgrade_of_1972_is_celebrated():
    got = [(r["kind"], r["date"], r["celebrated"]) for r in pair("GB")]
    assert got == [
        ("diplomatic_relations", "1954-06-17", False),
        ("relations_upgraded", "1972-03-13", True),
    ]


def test_dominican_independence_is_1844_and_keeps_its_id():
    (do,) = national("DO")
    assert (do["kind"], do["date"]) == ("independence", "1844-02-27")
    assert do["id"] == build.natural_id(
        {"kind": "independence", "countries": ["DO"], "date": "1821-02-27"}
    )
    assert do["revision"] > 1


def test_us_west_germany_relations_are_1955_05_06():
    ties = [r for r in pair("DE", "US") if r["kind"] == "diplomatic_relations"]
    assert "1955-05-06" in [r["date"] for r in ties]
    assert "1949-09-21" not in [r["date"] for r in ties]


def test_titles_say_who_recognised_whom():
    (france,) = [
        r
        for r in RECORDS
        if r["countries"] == ["FR", "US"] and r["date"] == "1778-02-06" and r["kind"] == "other"
    ]
    assert france["title"] == "France's recognition of the United States"
    assert france["sources"][0]["quote"]


def test_no_verified_row_rests_on_a_single_non_government_source():
    for r in RECORDS:
        if r["confidence"] == "verified":
            assert len(r["sources"]) >= 2 or any(s["government"] for s in r["sources"]), r["id"]
    wiki = [r for r in RECORDS if any("Wikipedia, “List" in s["title"] for s in r["sources"])]
    assert wiki and all(r["confidence"] == "unverified" for r in wiki if len(r["sources"]) == 1)


def test_confidence_maps_the_data_levels_to_the_rule():
    one = [rules.source("A newspaper, https://example.org/a")]
    two = [*one, rules.source("Another paper")]
    gov = [rules.source("PRC MFA table")]
    assert [rules.confidence("high", s) for s in (one, two, gov)] == [
        "unverified",
        "verified",
        "verified",
    ]
    assert rules.confidence("high", one, agreeing_count=2) == "verified"
    assert rules.confidence("medium", two) == "unverified"
    assert one[0]["url"] == "https://example.org/a"


def test_every_un_member_has_a_national_day_or_an_explicit_none():
    assert len(rules.UN_MEMBERS) == 193
    assert rules.check_coverage(RECORDS)["un_members_covered"] == 193
    (uk,) = national("GB")
    assert (uk["none"], uk["date"], uk["observed"]) == (True, None, None)


def test_national_days_observed_on_another_day_or_without_origin():
    (lu,) = national("LU")
    assert (lu["date"], lu["observed"]) == ("1961-12-23", "06-23")
    (ie,) = national("IE")
    assert (ie["kind"], ie["date"], ie["precision"], ie["observed"]) == (
        "national_day",
        None,
        None,
        "03-17",
    )
    assert all(r["observed"] or r["date"] or r["none"] for r in RECORDS)


def test_one_data_file():
    """The first pass's version 1 projection and its seed_v2.json are gone: the service loads
    the version 2 document itself."""
    assert sorted(p.name for p in DATA_DIR.glob("seed*.json")) == ["seed.json"]
    assert Counter(r["kind"] for r in RECORDS)["relations_upgraded"] == 4


@pytest.mark.skipif(not build.default_data().is_dir(), reason="needs ../shared/data")
def test_a_rebuild_from_the_fact_files_changes_nothing():
    previous = {r["id"]: r for r in RECORDS}
    again = build.build(build.default_data(), previous, "2999-01-01T00:00:00Z")
    assert again == RECORDS
