"""Country names in each language, from CLDR through Babel.

English keeps the project's own names (app/countries.py: "Democratic Republic of the Congo",
not CLDR's "Congo - Kinshasa"), so English output does not change. Other languages take CLDR's
name; where CLDR has none (former states such as SU, YU, DD; the pre-ISO "X" states) the
English name stands: a translation the data does not hold is never invented.
"""

from functools import cache

from app.countries import all_countries, by_code
from app.i18n.catalog import translate
from app.i18n.languages import DEFAULT, babel_locale


@cache
def country_names(lang: str) -> dict[str, str]:
    """Every known code to its name in ``lang``."""
    cldr = {} if lang == DEFAULT else babel_locale(lang).territories
    return {c.code: cldr.get(c.code) or c.name for c in all_countries()}


@cache
def cldr_coverage(lang: str) -> frozenset[str]:
    """The codes CLDR names in ``lang`` (the others fall back to English)."""
    territories = babel_locale(lang).territories
    return frozenset(code for code in by_code() if code in territories)


def country_name(code: str, lang: str) -> str:
    """The name of ``code`` in ``lang``; an unknown code is shown as itself."""
    return country_names(lang).get(code, code)


def pair_label(countries: list[str] | tuple[str, ...], lang: str) -> str:
    """``China – Peru`` / ``中国—秘鲁`` / ``Китай — Перу``; one country alone is its name."""
    names = [country_name(c, lang) for c in countries]
    if len(names) < 2:
        return names[0] if names else ""
    return translate(lang, "{a} – {b}", a=names[0], b=names[-1])
