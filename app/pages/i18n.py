"""Which language a page is in, and dates in that language (CLDR through Babel).

The page chrome is marked for gettext in the templates (``{% trans %}``, ``_()``) and
translated by the ``pages`` catalogues (app/locale/<lang>/LC_MESSAGES/pages.po, loaded in
app/pages/render.py); names and dates follow the language through CLDR.
"""

import datetime as dt
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from fastapi import Request

from app.countries import all_countries, lookup, name_of

LANGUAGES = ("en", "zh", "es", "fr", "ru", "ar")  # the six UN languages
RTL = frozenset({"ar"})
COOKIE = "lang"


def negotiate(request: Request) -> str | None:
    """``?lang=``, then the switcher's cookie, then ``Accept-Language``; ``None`` when
    ``?lang=`` names a language the service does not have (the caller answers 422)."""
    asked = request.query_params.get("lang")
    if asked is not None:
        asked = asked.strip().lower()
        return asked if asked in LANGUAGES else None
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(request.headers.get("accept-language"))


def from_accept_language(header: str | None) -> str:
    """The best of our languages in an Accept-Language header (RFC 9110 §12.5.4), else en."""
    best, best_q = "en", 0.0
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # equal weights: the earlier one wins
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse("zh_Hans" if lang == "zh" else lang)


def country_name(code: str, lang: str) -> str:
    """CLDR's name in ``lang``; our English name for states CLDR lacks (SU, YU, ...)."""
    info = lookup(code)
    if info is not None and not info.former:
        local = _locale(lang).territories.get(code)
        if local:
            return local
    return name_of(code)


def pair_name(codes: list[str], lang: str) -> str:
    return " – ".join(country_name(c, lang) for c in codes)


def long_date(value: dt.date | None, lang: str, precision: str = "day") -> str:
    """A date as the language writes it; never a day (or month) the data does not know."""
    if value is None:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=_locale(lang))
    return format_date(value, format="long", locale=_locale(lang))


def date_time(value: dt.datetime, lang: str) -> str:
    return format_datetime(value, format="medium", locale=_locale(lang))


def language_name(lang: str) -> str:
    """Each language in itself, as a switcher shows it."""
    return _locale(lang).get_display_name(_locale(lang)) or lang


def _fold(text: str) -> str:
    """Case and accents folded, so that "peru" finds "Perú" and "cote" finds "Côte"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@lru_cache(maxsize=1)
def _search_index() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = []
    for info in all_countries():
        names = {_fold(info.name), _fold(info.code)}
        if info.official_name:
            names.add(_fold(info.official_name))
        if not info.former:
            for lang in LANGUAGES:
                local = _locale(lang).territories.get(info.code)
                if local:
                    names.add(_fold(local))
        rows.append((info.code, tuple(sorted(names))))
    return tuple(rows)


def search_countries(q: str) -> list[str]:
    """Codes of the countries whose code or name in any supported language matches ``q``:
    exact matches alone when there are any, else those containing it."""
    needle = _fold(q)
    if not needle:
        return []
    exact = [code for code, names in _search_index() if needle in names]
    if exact:
        return exact
    return [code for code, names in _search_index() if any(needle in n for n in names)]
