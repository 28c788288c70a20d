"""The other generated text in each language: DESCRIPTION lines of anniversaries and events,
dates, and the names and descriptions of feeds (``X-WR-CALNAME``, ``X-WR-CALDESC``).

Each function returns one line or phrase; the feed renderer joins them. English output is the
text the feeds have always carried.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal

from babel.dates import format_date, format_skeleton, format_timedelta

from app.i18n.catalog import N_, translate
from app.i18n.languages import BABEL_LOCALES
from app.i18n.names import country_name, pair_label
from app.i18n.wording import anniversary, labelled, tier_name

LABELS = {
    "source": N_("Source"),
    "sources": N_("Sources"),
    "confidence": N_("Confidence"),
    "organisers": N_("Organisers"),
    "online": N_("Online"),
    "join_online": N_("Join online"),
    "celebrates": N_("Celebrates"),
}
CONFIDENCE = {"verified": N_("verified"), "unverified": N_("unverified")}
MODES = {
    "in_person": N_("In person"),
    "online": N_("Online"),
    "hybrid": N_("In person and online"),
}
ROLES = {
    "embassy": N_("embassy"),
    "government": N_("government"),
    "enterprise": N_("enterprise"),
    "community": N_("community"),
    "other": N_("organiser"),
}


def label(name: str, lang: str) -> str:
    """A DESCRIPTION label (``source``, ``organisers``, ``online``, ...) in ``lang``."""
    return translate(lang, LABELS[name])


def long_date(d: dt.date, precision: str, lang: str) -> str:
    """``2 November 1971`` / ``1971年11月2日``; ``November 1971`` for month precision, the
    year alone for year precision: a day the data does not hold is never shown."""
    locale = BABEL_LOCALES[lang]
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return format_skeleton("yMMMM", d, locale=locale)
    return format_date(d, "long", locale=locale)


def origin_line(title: str, d: dt.date, precision: str, lang: str) -> str:
    """``Diplomatic relations between China and Peru: 2 November 1971.``"""
    line = labelled(title, long_date(d, precision, lang), lang)
    # Russian dates end in "г." already: no second full stop.
    return line if line.endswith(".") else line + translate(lang, ".")


def anniversary_line(years: int, lang: str) -> str:
    """``50th anniversary: a golden jubilee.`` / ``45th anniversary: a jubilee.`` /
    ``43rd anniversary.``"""
    nth = anniversary(years, lang)
    named = tier_name(years, lang)
    if named:
        return translate(lang, "{anniversary}: a {tier}.", anniversary=nth, tier=named)
    if years > 0 and years % 5 == 0:
        return translate(lang, "{anniversary}: a jubilee.", anniversary=nth)
    return translate(lang, "{anniversary}.", anniversary=nth)


def observed_note(year: int, lang: str) -> str:
    """Why a 29 February anniversary is on the 28th this year."""
    return translate(lang, "Observed on 28 February: {year} has no 29 February.", year=year)


def undated_note(precision: str, lang: str) -> str:
    """Why an anniversary known to the month or year has no day in this year."""
    if precision == "month":
        return translate(lang, "The day is not known; the anniversary falls in this month.")
    return translate(lang, "The day is not known; the anniversary falls in this year.")


def source_line(source: str | None, url: str | None, lang: str) -> str:
    """``Source: Treaty series (https://...)``; ``Source: not given`` when there is none."""
    text = source or translate(lang, "not given")
    return labelled(label("source", lang), f"{text} ({url})" if url else text, lang)


def sources_line(sources: Iterable[str], lang: str) -> str:
    return labelled(label("sources", lang), "; ".join(sources), lang)


def confidence_line(confidence: str, lang: str) -> str:
    """``Confidence: verified``."""
    value = translate(lang, CONFIDENCE[confidence]) if confidence in CONFIDENCE else confidence
    return labelled(label("confidence", lang), value, lang)


def mode_line(mode: str, lang: str) -> str:
    """``In person.`` / ``Online.`` / ``In person and online.``"""
    return translate(lang, MODES[mode]) + translate(lang, ".")


def online_location(lang: str) -> str:
    """The LOCATION of an online-only event."""
    return translate(lang, MODES["online"])


def join_online_line(url: str, lang: str) -> str:
    return labelled(label("join_online", lang), url, lang)


def organisers_line(organisers: Iterable[Mapping[str, str]], lang: str) -> str:
    """``Organisers: Embassy of Peru (embassy); Lima Chamber (enterprise)``."""
    # A role of "other" says nothing, so the name stands alone (never "(organiser)").
    who = "; ".join(
        o["name"]
        if (o.get("role") or "other") == "other" or o.get("role") not in ROLES
        else f"{o['name']} ({translate(lang, ROLES[o['role']])})"
        for o in organisers
    )
    return labelled(label("organisers", lang), who, lang)


def celebrates_line(title: str, lang: str) -> str:
    return labelled(label("celebrates", lang), title, lang)


def cancelled_line(lang: str) -> str:
    return translate(lang, "This event is cancelled.")


def truncation_summary(shown: int, total: int, lang: str) -> str:
    return translate(
        lang, "This calendar shows {shown} of {total} events", shown=shown, total=total
    )


def truncation_description(shown: int, url: str, lang: str) -> str:
    return translate(
        lang,
        "The feed holds more events than calendar apps accept, so it keeps the {shown} nearest "
        "to today. To see the others, subscribe to a narrower feed: add from= and to= (dates), "
        "kind= or jubilee_only=true to its URL, or use a country or pair feed. For example: "
        "{url}?jubilee_only=true",
        shown=shown,
        url=url,
    )


# ---------------------------------------------------------------- feed names (X-WR-CALNAME)


def all_feed_name(lang: str) -> str:
    return translate(lang, "Diplomatic anniversaries")


def all_feed_description(lang: str) -> str:
    return translate(
        lang,
        "Anniversaries of diplomatic relations and independence and national days "
        "(diplomatic-calendar).",
    )


def country_feed_name(code: str, lang: str) -> str:
    return translate(lang, "{country} anniversaries", country=country_name(code, lang))


def country_feed_description(code: str, lang: str) -> str:
    return translate(
        lang,
        "Anniversaries of {country} and its relations with other countries (diplomatic-calendar).",
        country=country_name(code, lang),
    )


def pair_feed_name(a: str, b: str, lang: str) -> str:
    return translate(lang, "{pair} anniversaries", pair=pair_label([a, b], lang))


def pair_feed_description(a: str, b: str, lang: str) -> str:
    return translate(
        lang,
        "Anniversaries of the relations between {a} and {b} (diplomatic-calendar).",
        a=country_name(a, lang),
        b=country_name(b, lang),
    )


def private_feed_name(token_name: str, lang: str) -> str:
    return translate(lang, "{name} (private)", name=token_name)


def private_feed_description(
    lang: str, *, pair: tuple[str, str] | None = None, countries: tuple[str, ...] = ()
) -> str:
    """``Anniversaries and events of Peru, private events included``: of a ``pair``, of
    ``countries``, or of every country (an admin's token) when given neither."""
    if pair:
        scope = pair_label(pair, lang)
    elif countries:
        scope = translate(lang, ", ").join(country_name(c, lang) for c in countries)
    else:
        scope = translate(lang, "every country")
    return translate(
        lang,
        "Anniversaries and events of {scope}, private events included (diplomatic-calendar).",
        scope=scope,
    )


# ---------------------------------------------------------------- lead time (issue 16)


def lead_time(duration: str, lang: str) -> str:
    """A canonical ISO 8601 duration as people say it: ``P30D`` -> "30 days" / "30天",
    ``P1DT6H`` -> "1 day 6 hours"; units and plurals from CLDR (Babel)."""
    days, _, hours = duration[1:].partition("T")
    parts: list[tuple[int, Literal["day", "hour"]]] = [(int(days[:-1]), "day")] if days else []
    parts += [(int(hours[:-1]), "hour")] if hours else []
    locale = BABEL_LOCALES[lang]
    return " ".join(
        format_timedelta(
            dt.timedelta(**{f"{unit}s": n}), granularity=unit, threshold=10**9, locale=locale
        )
        for n, unit in parts
    )


def prepare_summary(title: str, lang: str) -> str:
    """The SUMMARY of a "Prepare:" event, before the jubilee's own title."""
    return translate(lang, "Prepare: {title}", title=title)


def prepare_description(lead: str, title: str, day: dt.date, lang: str) -> str:
    return translate(
        lang, "{lead} before {title} ({date}).", lead=lead, title=title, date=day.isoformat()
    )


def reminder_line(lead: str, lang: str) -> str:
    """The DESCRIPTION of a VALARM (RFC 5545 §3.6.6 requires one for ACTION:DISPLAY)."""
    return translate(lang, "Reminder: in {lead}", lead=lead)


def holiday_description(code: str, version: str, lang: str) -> str:
    return translate(
        lang,
        "Public holiday in {country} (holidays {version}).",
        country=country_name(code, lang),
        version=version,
    )
