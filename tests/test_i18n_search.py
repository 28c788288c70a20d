"""Country search by name in any of the six languages, or by abbreviation."""

import pytest

from app.i18n.search import normalise, search_countries


@pytest.mark.parametrize(
    "q", ["Perú", "peru", "PERU", "秘鲁", "Перу", "перу", "بيرو", "Pérou", "PER"]
)
def test_peru_from_each_language(q):
    assert search_countries(q)[0] == "PE"


@pytest.mark.parametrize(
    ("q", "code"),
    [("USA", "US"), ("us", "US"), ("UK", "GB"), ("DPRK", "KP"), ("ROK", "KR"), ("UAE", "AE"),
     ("PRC", "CN"), ("DRC", "CD"), ("USSR", "SU"), ("СССР", "SU"), ("中国", "CN"),
     ("Китай", "CN"), ("الصين", "CN"), ("Chine", "CN"), ("Estados Unidos", "US")],
)  # fmt: skip
def test_abbreviations_and_names_find_the_country_first(q, code):
    assert search_countries(q)[0] == code


def test_arabic_tashkeel_and_tatweel_are_ignored():
    assert search_countries("الصِّين")[0] == "CN"
    assert search_countries("بيـــرو") == ["PE"]


def test_accents_and_punctuation_are_ignored():
    assert search_countries("cote d ivoire") == ["CI"]
    assert normalise("Côte d’Ivoire") == normalise("cote d'ivoire")


def test_a_part_of_a_name_finds_every_country_that_has_it():
    assert {"KP", "KR"} <= set(search_countries("korea"))
    assert "KR" in search_countries("корея")
    assert search_countries("КНДР") == ["KP"]


def test_nothing_for_empty_or_unknown_queries():
    assert search_countries("") == []
    assert search_countries("  ") == []
    assert search_countries("Atlantis") == []
