"""Generated titles, ordinals, tier and kind names in each language.

Titles put the pair (or country) first and the phrase after, "China – Peru: 50th anniversary
of diplomatic relations" / "中国—秘鲁：建交50周年", a pattern that never puts a country name
where Russian would decline it, French would need its article or Arabic an agreement
(GUIDE.md, "Languages"). The phrases live in the catalogues; ordinals are code, because each
language forms them by rule.
"""

from app.i18n.catalog import N_, translate
from app.i18n.names import pair_label

MILESTONE_KINDS = (
    "diplomatic_relations", "relations_severed", "relations_restored", "relations_upgraded",
    "independence", "national_day", "treaty", "state_visit", "other",
)  # fmt: skip
EVENT_KINDS = (
    "reception", "symposium", "seminar", "performance", "exhibition", "publication",
    "stamp_issue", "ceremony", "visit", "other",
)  # fmt: skip

# "<anniversary> of <what>": {anniversary} is "50th anniversary"; {n} is the bare number, for
# languages that place it inside the phrase (Chinese: 建交{n}周年).
PHRASES = {
    "diplomatic_relations": N_("{anniversary} of diplomatic relations"),
    "relations_severed": N_("{anniversary} of the severance of diplomatic relations"),
    "relations_restored": N_("{anniversary} of the resumption of diplomatic relations"),
    "relations_upgraded": N_("{anniversary} of ambassadorial relations"),
    "independence": N_("{anniversary} of independence"),
    "national_day": N_("{anniversary} of the national day"),
    "treaty": N_("{anniversary} of the treaty"),
    "state_visit": N_("{anniversary} of the state visit"),
    "other": N_("{anniversary}"),
}
KIND_NAMES = {
    "diplomatic_relations": N_("Diplomatic relations"),
    "relations_severed": N_("Severance of diplomatic relations"),
    "relations_restored": N_("Restoration of diplomatic relations"),
    "relations_upgraded": N_("Upgrading of diplomatic relations"),
    "independence": N_("Independence"),
    "national_day": N_("National day"),
    "treaty": N_("Treaty"),
    "state_visit": N_("State visit"),
    "reception": N_("Reception"),
    "symposium": N_("Symposium"),
    "seminar": N_("Seminar"),
    "performance": N_("Performance"),
    "exhibition": N_("Exhibition"),
    "publication": N_("Publication"),
    "stamp_issue": N_("Stamp issue"),
    "ceremony": N_("Ceremony"),
    "visit": N_("Visit"),
    "other": N_("Other"),
}
# The jubilee's name as a noun phrase ("golden jubilee", "jubileo de oro", "золотой юбилей").
TIER_NAMES = {
    25: N_("silver jubilee"),
    40: N_("ruby jubilee"),
    50: N_("golden jubilee"),
    60: N_("diamond jubilee"),
    70: N_("platinum jubilee"),
    100: N_("centennial jubilee"),
    150: N_("sesquicentennial jubilee"),
    200: N_("bicentennial jubilee"),
    250: N_("semiquincentennial jubilee"),
    300: N_("tercentennial jubilee"),
}

# Arabic ordinals agree with ذكرى (feminine) and are written in words up to 99, as ministries
# write them (الذكرى الخمسون, الذكرى الحادية والعشرون); from 100 the digit form الـ100.
_AR_UNITS = (
    "", "الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة",
    "السادسة", "السابعة", "الثامنة", "التاسعة", "العاشرة",
)  # fmt: skip
_AR_TENS = (
    "", "", "العشرون", "الثلاثون", "الأربعون", "الخمسون",
    "الستون", "السبعون", "الثمانون", "التسعون",
)  # fmt: skip


def _arabic_ordinal(n: int) -> str:
    if n >= 100 or n < 1:
        return f"الـ{n}"
    if n <= 10:
        return _AR_UNITS[n]
    if n < 20:
        return "الحادية عشرة" if n == 11 else f"{_AR_UNITS[n - 10]} عشرة"
    tens, unit = divmod(n, 10)
    if unit == 0:
        return _AR_TENS[tens]
    first = "الحادية" if unit == 1 else _AR_UNITS[unit]
    return f"{first} و{_AR_TENS[tens]}"


def ordinal(n: int, lang: str) -> str:
    """``50th`` / ``第50`` / ``50.º`` / ``50e`` / ``50-й`` / ``الخمسون``.

    The masculine forms fit aniversario, anniversaire and юбилей; French and Spanish write the
    first as ``1er`` and ``1.er``; English follows GUIDE.md (1st 2nd 3rd 11th 21st 111th).
    """
    if lang == "zh":
        return f"第{n}"
    if lang == "es":
        return "1.er" if n == 1 else f"{n}.º"
    if lang == "fr":
        return "1er" if n == 1 else f"{n}e"
    if lang == "ru":
        return f"{n}-й"
    if lang == "ar":
        return _arabic_ordinal(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def anniversary(n: int, lang: str) -> str:
    """``50th anniversary`` / ``50周年`` / ``50.º aniversario`` / ``50e anniversaire`` /
    ``50-летие`` / ``الذكرى الخمسون``. Russian has no "1-летие": the first is a годовщина."""
    if n == 1:
        return translate(lang, "1st anniversary")
    return translate(lang, "{ordinal} anniversary", n=n, ordinal=ordinal(n, lang))


def tier_name(years: int, lang: str) -> str | None:
    """The jubilee's name in ``lang`` (``golden jubilee`` for 50), or None when it has none."""
    message = TIER_NAMES.get(years)
    return translate(lang, message) if message else None


def kind_name(kind: str, lang: str) -> str:
    """A milestone or event kind as people read it: ``Diplomatic relations`` / ``建交``."""
    return translate(lang, KIND_NAMES.get(kind, KIND_NAMES["other"]))


def phrase(years: int, kind: str, lang: str) -> str:
    """``50th anniversary of diplomatic relations``, without the countries."""
    message = PHRASES.get(kind, PHRASES["other"])
    return translate(lang, message, n=years, anniversary=anniversary(years, lang))


def labelled(label: str, value: str, lang: str) -> str:
    """``label: value`` with the language's colon: ``Chine – Pérou : …``, ``中国—秘鲁：…``."""
    return translate(lang, "{label}: {value}", label=label, value=value)


def anniversary_title(
    years: int, kind: str, countries: list[str] | tuple[str, ...], lang: str, title: str | None
) -> str:
    """``China – Peru: 50th anniversary of diplomatic relations``. A milestone with its own
    title keeps it after the anniversary: ``Chile – Peru: 45th anniversary: Treaty of Lima``."""
    if title:
        text = translate(
            lang, "{anniversary}: {title}", n=years, anniversary=anniversary(years, lang),
            title=title,
        )  # fmt: skip
    else:
        text = phrase(years, kind, lang)
    return labelled(pair_label(countries, lang), text, lang) if countries else text


def default_title(kind: str, countries: list[str] | tuple[str, ...], lang: str) -> str:
    """A milestone's title when it has none: ``China – Peru: Diplomatic relations``."""
    return labelled(pair_label(countries, lang), kind_name(kind, lang), lang)


def observed_title(title: str, lang: str) -> str:
    """A 29 February anniversary's title in a common year: ``… (observed on 28 February)``."""
    return translate(lang, "{title} (observed on 28 February)", title=title)
