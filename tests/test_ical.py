"""iCalendar serialisation (app/feeds/ical.py), checked byte by byte and through the
icalendar parser."""

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.feeds.ical import (
    all_day_event,
    calendar,
    escape_text,
    fold,
    format_date,
    format_local,
    format_utc,
    prop,
    text,
    unescape_text,
)

STAMP = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
CHINESE = "中华人民共和国与秘鲁共和国建交五十周年" * 12
SPANISH = "Perú y China: Año del aniversario, señoras y señores; ¡qué alegría! " * 6
EMOJI = "🇵🇪🇨🇳 👨\u200d👩\u200d👧 🎉✨ " * 20
INJECTION = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
HOSTILE = [
    INJECTION,
    "NUL\x00byte",
    "next line\x85U+0085",
    "line\u2028separator and paragraph\u2029separator",
    "RTL mark \u200fمرحبا\u200f and ZWJ 👩\u200d💻",
    "lone trailing backslash\\",
    "\\n is literal, not a newline; \\, \\; \\\\",
    "mixed\r\nCRLF\nLF\rCR\r\n\r\nblank",
    "controls \x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x9f and\ttab",
    '"quotes" <b>html</b> :colon: ;semicolon; ,comma,',
    "a" * 10_000,
    "é" * 10_000,
    "語" * 10_000,
    "😀" * 10_000,
    CHINESE,
    SPANISH,
    EMOJI,
    "",
    " leading and trailing spaces ",
]


def expected_text(value: str) -> str:
    """What a parser should read back: one newline per line break, controls other than TAB gone."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(c for c in value if c in "\t\n" or unicodedata.category(c) != "Cc")


def make_event(**overrides) -> str:
    fields = {
        "uid": "milestone-42-2026@diplomatic-calendar.example",
        "day": dt.date(2026, 11, 2),
        "summary": "55th anniversary of diplomatic relations between China and Perú",
        "dtstamp": STAMP,
        "sequence": 3,
    }
    return all_day_event(**(fields | overrides))


def make_feed(*components: str) -> str:
    return calendar(
        prodid="-//diplomatic-calendar//test//EN",
        name="China–Perú",
        description="Anniversaries",
        components=components,
    )


def parse(feed: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feed.encode())


def only_event(feed: str) -> icalendar.Event:
    events = parse(feed).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def assert_wire_format(feed: str) -> None:
    """RFC 5545 §3.1: CRLF only, at most 75 octets per line, each line valid UTF-8 on its own."""
    raw = feed.encode()
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode()
        assert not any((b < 0x20 and b != 0x09) or b == 0x7F for b in line)


# escape_text


def test_escape_text_escapes_backslash_semicolon_and_comma():
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"


def test_escape_text_escapes_backslash_before_the_others():
    assert escape_text("\\;") == "\\\\\\;"
    assert escape_text("\\n") == "\\\\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\u2029"])
def test_escape_text_writes_each_line_break_as_one_backslash_n(newline):
    assert escape_text(f"one{newline}two") == "one\\ntwo"


def test_escape_text_keeps_blank_lines_in_mixed_line_endings():
    assert escape_text("a\r\n\r\nb\n\rc") == "a\\n\\nb\\n\\nc"


def test_escape_text_drops_control_characters_but_keeps_tab():
    assert escape_text("a\x00b\x07c\x1bd\x7fe\x85f\x9fg\th") == "abcdefg\th"


def test_escape_text_keeps_format_characters_and_non_ascii():
    value = "Perú 中国 \u200fRTL 👩\u200d💻 Côte d'Ivoire"
    assert escape_text(value) == value


def test_escape_text_output_never_contains_a_line_break_or_control():
    for value in HOSTILE:
        escaped = escape_text(value)
        assert escaped.splitlines() in ([escaped], [])
        assert not any(unicodedata.category(c) == "Cc" and c != "\t" for c in escaped)


# fold


def test_fold_leaves_a_75_octet_line_alone():
    line = "X" * 75
    assert fold(line) == line + "\r\n"


def test_fold_splits_a_76_octet_ascii_line_into_75_plus_space_and_1():
    assert fold("X" * 76) == "X" * 75 + "\r\n X\r\n"


def test_fold_measures_octets_not_characters():
    line = "é" * 40  # 40 characters, 80 octets
    folded = fold(line)
    assert folded != line + "\r\n"
    assert folded.replace("\r\n ", "") == line + "\r\n"


@pytest.mark.parametrize("char", ["é", "语", "😀", "\u200d"])
def test_fold_never_splits_a_utf8_character(char):
    for shift in range(8):
        line = "DESCRIPTION:" + "a" * shift + char * 100
        folded = fold(line)
        physical = folded.encode().split(b"\r\n")
        assert physical[-1] == b""
        for i, part in enumerate(physical[:-1]):
            assert len(part) <= 75
            assert i == 0 or part.startswith(b" ")
            part.decode()  # raises if a fold cut a character in two
        assert folded.replace("\r\n ", "") == line + "\r\n"


def test_fold_fills_lines_as_far_as_a_character_allows():
    physical = fold("中" * 60).encode().split(b"\r\n")[:-1]
    # 3-octet characters: 25 fit the first line; continuation lines hold a space + 24 of them.
    assert [len(p) for p in physical[:-1]] == [75, 73]
    assert physical[-1] == b" " + "中".encode() * 11


# prop and text


def test_prop_inserts_the_value_as_is():
    assert prop("RRULE", "FREQ=YEARLY;BYMONTH=2") == "RRULE:FREQ=YEARLY;BYMONTH=2\r\n"


def test_prop_writes_parameters_in_order_and_quotes_values_with_colon_semicolon_comma():
    line = prop("DTSTART", "20250315T190000", {"TZID": "America/Lima", "X-A": "a:b;c,d"})
    assert line == 'DTSTART;TZID=America/Lima;X-A="a:b;c,d":20250315T190000\r\n'


def test_prop_strips_quotes_and_controls_from_parameter_values():
    line = prop("X-P", "v", {"X-A": 'say "hi"\r\nX-EVIL:1'})
    assert line == 'X-P;X-A="say hiX-EVIL:1":v\r\n'


def test_prop_folds_long_lines():
    line = prop("X-LONG", "v" * 200)
    assert all(len(p) <= 75 for p in line.encode().split(b"\r\n"))


def test_text_escapes_the_value():
    assert text("SUMMARY", "a;b,c\nd") == "SUMMARY:a\\;b\\,c\\nd\r\n"


# dates and times


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 2), "20261102"),
        (dt.date(1821, 7, 28), "18210728"),
        (dt.date(821, 1, 1), "08210101"),
        (dt.date(1, 1, 1), "00010101"),
        (dt.date(9999, 12, 31), "99991231"),
    ],
)
def test_format_date_pads_to_four_digit_years(day, expected):
    assert format_date(day) == expected


def test_format_date_refuses_a_datetime():
    with pytest.raises(TypeError):
        format_date(dt.datetime(2026, 11, 2, tzinfo=dt.UTC))


def test_format_utc_converts_to_utc_and_drops_microseconds():
    lima = dt.datetime(2025, 3, 15, 19, 0, 0, 999_999, tzinfo=ZoneInfo("America/Lima"))
    assert format_utc(lima) == "20250316T000000Z"
    assert format_utc(dt.datetime(821, 1, 1, 9, 8, 7, tzinfo=dt.UTC)) == "08210101T090807Z"


def test_format_utc_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        format_utc(dt.datetime(2025, 1, 1))


def test_format_local_ignores_the_zone():
    lima = dt.datetime(2025, 3, 15, 19, 0, 5, 123, tzinfo=ZoneInfo("America/Lima"))
    assert format_local(lima) == "20250315T190005"
    assert format_local(lima.replace(tzinfo=None)) == "20250315T190005"


# all_day_event


def test_all_day_event_has_date_values_and_an_exclusive_dtend():
    event = only_event(make_feed(make_event(day=dt.date(2024, 2, 29))))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert type(start) is dt.date
    assert type(end) is dt.date
    assert (start, end) == (dt.date(2024, 2, 29), dt.date(2024, 3, 1))


def test_all_day_event_writes_value_date_on_both_dates():
    event = make_event(day=dt.date(2023, 2, 28))
    assert "DTSTART;VALUE=DATE:20230228\r\n" in event
    assert "DTEND;VALUE=DATE:20230301\r\n" in event


@pytest.mark.parametrize(
    "day", [dt.date(1821, 7, 28), dt.date(821, 1, 1), dt.date(1, 1, 1), dt.date(9998, 12, 31)]
)
def test_all_day_event_works_for_historic_and_far_dates(day):
    event = only_event(make_feed(make_event(day=day)))
    assert event.decoded("DTSTART") == day
    assert event.decoded("DTEND") == day + dt.timedelta(days=1)


def test_all_day_event_on_9999_12_31_has_no_dtend():
    feed = make_feed(make_event(day=dt.date(9999, 12, 31)))
    assert "DTEND" not in feed
    event = only_event(feed)
    assert event.decoded("DTSTART") == dt.date(9999, 12, 31)


def test_all_day_event_refuses_a_datetime_day():
    with pytest.raises(TypeError):
        make_event(day=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))


def test_hostile_description_cannot_inject_an_event():
    event = only_event(make_feed(make_event(description=INJECTION)))
    assert event.decoded("DESCRIPTION") == "x\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected"
    assert "injected" not in str(event.decoded("SUMMARY"))


def test_hostile_text_round_trips_through_icalendar():
    for value in HOSTILE:
        feed = make_feed(
            make_event(summary=value, description=value, categories=[value], related_to=value)
        )
        assert_wire_format(feed)
        event = only_event(feed)
        expected = expected_text(value)
        assert event.decoded("SUMMARY") == expected
        assert event.get("DESCRIPTION", "") == expected
        assert event.get("RELATED-TO", "") == expected
        assert event.categories == ([expected] if expected else [])


@pytest.mark.parametrize("value", [CHINESE, SPANISH, EMOJI], ids=["chinese", "spanish", "emoji"])
def test_long_non_ascii_text_is_folded_and_round_trips(value):
    feed = make_feed(make_event(summary=value, description=value))
    assert_wire_format(feed)
    assert max(len(line) for line in feed.encode().split(b"\r\n")) == 75
    event = only_event(feed)
    assert event.decoded("SUMMARY") == value
    assert event.decoded("DESCRIPTION") == value


def test_url_cannot_inject_a_property():
    feed = make_feed(make_event(url="https://example.org/a?b=1&c=2\r\nX-EVIL:1\x00"))
    assert "\r\nX-EVIL" not in feed
    event = only_event(feed)
    assert "X-EVIL" not in event
    assert event.decoded("URL") == "https://example.org/a?b=1&c=2X-EVIL:1"
    assert "URL;VALUE=URI:https://example.org/a?b=1&c=2X-EVIL:1\r\n" in feed


def test_url_is_not_escaped_as_text():
    url = "https://example.org/search?q=a,b;c"
    assert f"URL;VALUE=URI:{url}\r\n" in make_event(url=url)


def test_categories_are_escaped_one_by_one():
    event = make_event(categories=["diplomatic_relations", "a,b;c", "Perú"])
    assert "CATEGORIES:diplomatic_relations,a\\,b\\;c,Perú\r\n" in event
    assert only_event(make_feed(event)).categories == ["diplomatic_relations", "a,b;c", "Perú"]


def test_transparent_false_is_opaque():
    assert "TRANSP:TRANSPARENT\r\n" in make_event()
    assert "TRANSP:OPAQUE\r\n" in make_event(transparent=False)


def test_all_day_event_property_order_is_fixed():
    event = make_event(
        last_modified=STAMP,
        description="d",
        categories=["c"],
        url="https://example.org/",
        status="CONFIRMED",
        related_to="r@x",
        extra="X-DIPLOCAL-KIND:diplomatic_relations\r\n",
    )
    names = [line.split(":")[0].split(";")[0] for line in event.split("\r\n")[:-1]]
    assert names == [
        "BEGIN",
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "CATEGORIES",
        "URL",
        "TRANSP",
        "SEQUENCE",
        "LAST-MODIFIED",
        "STATUS",
        "RELATED-TO",
        "X-DIPLOCAL-KIND",
        "END",
    ]


def test_all_day_event_is_byte_identical_for_identical_input():
    assert make_event(description="d", categories=["a", "b"]) == make_event(
        description="d", categories=["a", "b"]
    )


def test_all_day_event_leaves_out_empty_optional_properties():
    event = make_event(description="", categories=["", ""], url="\r\n", status=None)
    for name in ("DESCRIPTION", "CATEGORIES", "URL", "STATUS", "LAST-MODIFIED", "RELATED-TO"):
        assert f"\r\n{name}" not in event


def test_last_modified_is_written_in_utc():
    lima = dt.datetime(2024, 12, 31, 20, 0, tzinfo=ZoneInfo("America/Lima"))
    assert "LAST-MODIFIED:20250101T010000Z\r\n" in make_event(last_modified=lima)


def test_all_day_event_rejects_values_that_would_corrupt_the_event():
    with pytest.raises(ValueError):
        make_event(sequence=-1)
    with pytest.raises(ValueError):
        make_event(status="CONFIRMED\r\nX-EVIL:1")
    with pytest.raises(ValueError):
        make_event(extra="X-NO-CRLF:1")
    with pytest.raises(ValueError):
        make_event(dtstamp=dt.datetime(2025, 1, 1))


def test_all_day_event_matches_one_built_by_the_icalendar_library():
    fields = {
        "uid": "milestone-42-2026@diplomatic-calendar.example",
        "dtstamp": STAMP,
        "summary": "55th anniversary; China, Perú\nand more",
        "description": "Established 2 November 1971.\nSource: Ministerio; Perú, Lima \\ 中国",
        "url": "https://diplomatic-calendar.example/milestones/42?year=2026",
        "sequence": 3,
        "last-modified": dt.datetime(2024, 6, 1, 12, 30, tzinfo=dt.UTC),
        "status": "CONFIRMED",
        "related-to": "milestone-42@diplomatic-calendar.example",
    }
    categories = ["diplomatic_relations", "jubilee, golden"]
    ours = all_day_event(
        uid=fields["uid"],
        day=dt.date(2026, 11, 2),
        summary=fields["summary"],
        dtstamp=fields["dtstamp"],
        sequence=fields["sequence"],
        last_modified=fields["last-modified"],
        description=fields["description"],
        categories=categories,
        url=fields["url"],
        status=fields["status"],
        related_to=fields["related-to"],
    )
    reference = icalendar.Event()
    for name, value in fields.items():
        reference.add(name, value)
    reference.add("dtstart", dt.date(2026, 11, 2))
    reference.add("dtend", dt.date(2026, 11, 3))
    reference.add("categories", categories)
    reference.add("transp", "TRANSPARENT")
    theirs = icalendar.Calendar()
    theirs.add("prodid", "-//reference//EN")
    theirs.add("version", "2.0")
    theirs.add_component(reference)

    a = only_event(make_feed(ours))
    b = only_event(theirs.to_ical().decode())
    assert sorted(a) == sorted(b)
    for name in b:
        assert a.decoded(name) == b.decoded(name), name
        assert type(a[name]) is type(b[name]), name
    assert a.categories == b.categories == categories


# calendar


def test_calendar_header_has_names_refresh_and_no_method():
    feed = calendar(
        prodid="-//diplomatic-calendar//feeds//EN",
        name="China–Perú; all",
        description="Every anniversary",
        components=[],
    )
    lines = feed.split("\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "CALSCALE:GREGORIAN" in lines
    assert "NAME:China–Perú\\; all" in lines
    assert "X-WR-CALNAME:China–Perú\\; all" in lines
    assert "DESCRIPTION:Every anniversary" in lines
    assert "X-WR-CALDESC:Every anniversary" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in lines
    assert "X-PUBLISHED-TTL:P1D" in lines
    assert not any(line.startswith("METHOD") for line in lines)
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_calendar_without_description_has_neither_description_property():
    feed = calendar(prodid="p", name="n", description=None, components=[])
    assert "DESCRIPTION" not in feed
    assert "X-WR-CALDESC" not in feed


def test_empty_calendar_parses():
    feed = calendar(prodid="-//p//EN", name="Empty", description=None, components=iter(()))
    assert_wire_format(feed)
    parsed = parse(feed)
    assert parsed.walk("VEVENT") == []
    assert str(parsed["X-WR-CALNAME"]) == "Empty"
    assert parsed.decoded("REFRESH-INTERVAL") == dt.timedelta(days=1)


def test_calendar_puts_timezones_before_components():
    vtimezone = "BEGIN:VTIMEZONE\r\nTZID:America/Lima\r\nEND:VTIMEZONE\r\n"
    feed = calendar(
        prodid="p",
        name="n",
        description=None,
        components=(make_event(uid=f"{i}@x") for i in range(2)),
        timezones=[vtimezone],
    )
    assert feed.index("BEGIN:VTIMEZONE") < feed.index("BEGIN:VEVENT")
    assert feed.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_calendar_accepts_other_refresh_intervals_and_rejects_malformed_ones():
    feed = calendar(prodid="p", name="n", description=None, components=[], refresh="PT12H")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in feed
    assert "X-PUBLISHED-TTL:PT12H\r\n" in feed
    for bad in ("1 day", "P", "PT", "P1D\r\nX-EVIL:1", "-P1D", "P1DT"):
        with pytest.raises(ValueError):
            calendar(prodid="p", name="n", description=None, components=[], refresh=bad)


def test_feed_of_many_events_has_crlf_lines_of_at_most_75_octets():
    events = [
        make_event(
            uid=f"{year}@x", day=dt.date(year, 11, 2), description=HOSTILE[year % len(HOSTILE)]
        )
        for year in range(2020, 2031)
    ]
    feed = make_feed(*events)
    assert_wire_format(feed)
    assert len(parse(feed).walk("VEVENT")) == 11


def test_unescape_text_inverts_escape_text():
    for value in ["a,b;c\\d\ne", "x\\n", "\\", "end\\", "中文, ñ; 🎉"]:
        assert unescape_text(escape_text(value)) == value
