"""The language layer: what a reader of each language sees, and negotiation of the language."""

import datetime as dt

import pytest

from app.i18n.languages import LANGUAGES, direction, negotiate, parse_lang
from app.i18n.names import country_name, pair_label
from app.i18n.text import (
    all_feed_name,
    anniversary_line,
    country_feed_name,
    long_date,
    observed_note,
    organisers_line,
    origin_line,
    pair_feed_description,
    source_line,
)
from app.i18n.wording import (
    EVENT_KINDS,
    MILESTONE_KINDS,
    anniversary_title,
    kind_name,
    observed_title,
    ordinal,
    tier_name,
)

CN_PE_50 = {
    "en": "China – Peru: 50th anniversary of diplomatic relations",
    "zh": "中国—秘鲁：建交50周年",
    "es": "China – Perú: 50.º aniversario de las relaciones diplomáticas",
    "fr": "Chine – Pérou : 50e anniversaire des relations diplomatiques",
    "ru": "Китай — Перу: 50-летие установления дипломатических отношений",
    "ar": "الصين – بيرو: الذكرى الخمسون لإقامة العلاقات الدبلوماسية",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fifty_years_of_china_peru_in_each_language(lang):
    assert anniversary_title(50, "diplomatic_relations", ["CN", "PE"], lang, None) == CN_PE_50[lang]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Peru: 200th anniversary of independence"),
        ("zh", "秘鲁：独立200周年"),
        ("es", "Perú: 200.º aniversario de la independencia"),
        ("fr", "Pérou : 200e anniversaire de l'indépendance"),
        ("ru", "Перу: 200-летие независимости"),
        ("ar", "بيرو: الذكرى الـ200 للاستقلال"),
    ],
)
def test_bicentennial_of_peru(lang, title):
    assert anniversary_title(200, "independence", ["PE"], lang, None) == title


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_has_its_own_phrase(lang):
    titles = {anniversary_title(45, k, ["CN", "PE"], lang, None) for k in MILESTONE_KINDS}
    assert len(titles) == len(MILESTONE_KINDS)
    names = {kind_name(k, lang) for k in MILESTONE_KINDS + EVENT_KINDS}
    assert len(names) == len(set(MILESTONE_KINDS + EVENT_KINDS))


def test_first_anniversary_is_not_a_russian_letie():
    assert anniversary_title(1, "treaty", ["CL", "PE"], "ru", None) == (
        "Чили — Перу: 1-я годовщина подписания договора"
    )
    assert anniversary_title(1, "treaty", ["CL", "PE"], "es", None) == (
        "Chile – Perú: 1.er aniversario del tratado"
    )


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "الأولى"), (2, "الثانية"), (10, "العاشرة"), (11, "الحادية عشرة"), (12, "الثانية عشرة"),
     (20, "العشرون"), (21, "الحادية والعشرون"), (25, "الخامسة والعشرون"), (75, "الخامسة والسبعون"),
     (100, "الـ100")],
)  # fmt: skip
def test_arabic_ordinals_agree_with_dhikra(n, words):
    assert ordinal(n, "ar") == words


@pytest.mark.parametrize(
    ("n", "en"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"), (21, "21st"),
                  (101, "101st"), (111, "111th"), (112, "112th")],
)  # fmt: skip
def test_english_ordinals_follow_the_guide(n, en):
    assert ordinal(n, "en") == en


def test_french_and_spanish_first():
    assert (ordinal(1, "fr"), ordinal(2, "fr"), ordinal(1, "es"), ordinal(5, "es")) == (
        "1er", "2e", "1.er", "5.º",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "50th anniversary: a golden jubilee."),
        ("zh", "50周年（金禧）。"),
        ("es", "50.º aniversario: jubileo de oro."),
        ("fr", "50e anniversaire : jubilé d'or."),
        ("ru", "50-летие: золотой юбилей."),
        ("ar", "الذكرى الخمسون: اليوبيل الذهبي."),
    ],
)
def test_golden_jubilee_line(lang, line):
    assert anniversary_line(50, lang) == line


def test_english_description_lines_are_unchanged():
    assert anniversary_line(45, "en") == "45th anniversary: a jubilee."
    assert anniversary_line(43, "en") == "43rd anniversary."
    assert anniversary_line(100, "en") == "100th anniversary: a centennial jubilee."
    assert observed_note(2025, "en") == "Observed on 28 February: 2025 has no 29 February."
    assert source_line(None, None, "en") == "Source: not given"
    assert source_line("Gazette", "https://x.test/1", "en") == "Source: Gazette (https://x.test/1)"
    orgs = [{"name": "Embassy of Peru", "role": "embassy"}, {"name": "Club"}]
    # Issue 12: a role of "other" (or none) says nothing, so no "(organiser)" label.
    assert organisers_line(orgs, "en") == "Organisers: Embassy of Peru (embassy); Club"
    assert all_feed_name("en") == "Diplomatic anniversaries"
    assert country_feed_name("PE", "en") == "Peru anniversaries"


def test_tier_names():
    assert [tier_name(y, "es") for y in (25, 75, 100, 200)] == [
        "jubileo de plata", None, "centenario", "bicentenario",
    ]  # fmt: skip
    assert tier_name(200, "ru") == "двухсотлетний юбилей"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Chile – Peru: 24th anniversary of the treaty (observed on 28 February)"),
        ("zh", "智利—秘鲁：条约签订24周年（2月28日纪念）"),
        ("fr", "Chili – Pérou : 24e anniversaire du traité (célébré le 28 février)"),
        ("ru", "Чили — Перу: 24-летие подписания договора (отмечается 28 февраля)"),
    ],
)
def test_leap_day_title_says_observed_on_28_february(lang, expected):
    assert observed_title(anniversary_title(24, "treaty", ["CL", "PE"], lang, None), lang) == (
        expected
    )


def test_observed_note_in_russian_and_spanish():
    assert observed_note(2023, "ru") == "Отмечается 28 февраля: в 2023 году нет 29 февраля."
    assert observed_note(2023, "es") == (
        "Se conmemora el 28 de febrero: 2023 no tiene 29 de febrero."
    )


@pytest.mark.parametrize(
    ("lang", "day", "month"),
    [
        ("en", "2 November 1971", "November 1971"),
        ("zh", "1971年11月2日", "1971年11月"),
        ("es", "2 de noviembre de 1971", "noviembre de 1971"),
        ("fr", "2 novembre 1971", "novembre 1971"),
        ("ru", "2 ноября 1971\u202fг.", "ноябрь 1971\u202fг."),
        ("ar", "2 نوفمبر 1971", "نوفمبر 1971"),
    ],
)
def test_dates_from_cldr_never_invent_a_day(lang, day, month):
    d = dt.date(1971, 11, 1)
    assert long_date(d.replace(day=2), "day", lang) == day
    assert long_date(d, "month", lang) == month
    assert long_date(d, "year", lang) == "1971"


def test_russian_origin_line_has_one_full_stop():
    line = origin_line(kind_name("treaty", "ru"), dt.date(1971, 11, 2), "day", "ru")
    assert line == "Договор: 2 ноября 1971\u202fг."


def test_country_names_come_from_cldr_with_english_fallback():
    assert [country_name("PE", lang) for lang in LANGUAGES] == [
        "Peru", "秘鲁", "Perú", "Pérou", "Перу", "بيرو",
    ]  # fmt: skip
    # CLDR has no Russian name for the Soviet Union's code nor for Hawaii: English stands.
    assert country_name("SU", "ru") == "Soviet Union"
    assert country_name("XHAW", "zh") == "Hawaii"
    assert country_name("XK", "fr") == "Kosovo"
    # English keeps the project's own names.
    assert country_name("CD", "en") == "Democratic Republic of the Congo"


def test_every_known_country_has_a_name_in_every_language():
    from app.countries import all_countries

    for lang in LANGUAGES:
        for info in all_countries():
            assert country_name(info.code, lang).strip()


def test_pair_labels_and_feed_descriptions():
    assert pair_label(["CN", "PE"], "zh") == "中国—秘鲁"
    assert pair_label(["CN", "PE"], "ru") == "Китай — Перу"
    assert pair_feed_description("CN", "PE", "en") == (
        "Anniversaries of the relations between China and Peru (diplomatic-calendar)."
    )
    assert pair_feed_description("CN", "PE", "fr") == (
        "Chine – Pérou : anniversaires des relations bilatérales (diplomatic-calendar)."
    )


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"), ("", "en"), ("zh-CN", "zh"), ("zh-Hans,en;q=0.5", "zh"), ("es-PE", "es"),
        ("de, fr;q=0.3", "fr"), ("en;q=0, ar", "ar"), ("ru;q=0.2, es;q=0.9", "es"),
        ("xx, *", "en"), ("de", "en"), ("garbage;;q=zz", "en"),
    ],
)  # fmt: skip
def test_accept_language_negotiation(header, lang):
    assert negotiate(header) == lang


def test_parse_lang_accepts_regional_tags_and_rejects_others():
    assert [parse_lang(v) for v in ("es", "es-PE", "ZH", "zh_Hans", "ar")] == [
        "es", "es", "zh", "zh", "ar",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="en, zh, es, fr, ru, ar"):
        parse_lang("xx")
    with pytest.raises(ValueError):
        parse_lang("")


def test_only_arabic_is_right_to_left():
    assert [direction(lang) for lang in LANGUAGES] == ["ltr"] * 5 + ["rtl"]
