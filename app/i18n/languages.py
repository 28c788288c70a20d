"""The six UN languages: parsing a ``lang`` value, negotiating Accept-Language, direction.

Pure: no FastAPI. Feeds take the language only from ``?lang=`` (calendar apps send no reliable
preference); JSON also negotiates ``Accept-Language`` (GUIDE.md, "Languages").
"""

from babel import Locale, UnknownLocaleError, negotiate_locale

LANGUAGES = ("en", "zh", "es", "fr", "ru", "ar")
DEFAULT = "en"
RTL = frozenset({"ar"})

# The Babel locale behind each language. English dates follow en_GB ("2 November 1971"), as
# the feeds have always written them; zh is Simplified Chinese (zh_Hans).
BABEL_LOCALES = {
    "en": "en_GB", "zh": "zh_Hans_CN", "es": "es", "fr": "fr", "ru": "ru", "ar": "ar",
}  # fmt: skip


def parse_lang(value: str) -> str:
    """The language a ``lang`` parameter names (``es``, ``es-PE``, ``zh_Hans``, ``ZH``).

    Raises ValueError naming the supported languages for anything else, for the caller to turn
    into a 422 on the ``lang`` field.
    """
    base = _base(value)
    if base is None:
        raise ValueError(
            f"{value!r} is not a supported language; use one of: {', '.join(LANGUAGES)}"
        )
    return base


def _base(value: str) -> str | None:
    text = value.strip().replace("-", "_")
    if not text or len(text) > 35:
        return None
    try:
        language = Locale.parse(text).language
    except (ValueError, TypeError, UnknownLocaleError):
        language = text.split("_", 1)[0].lower()
    return language if language in LANGUAGES else None


def _preferences(header: str) -> list[str]:
    """The tags of an Accept-Language header (RFC 9110 §12.5.4), best first; q=0 dropped."""
    weighted = []
    for position, part in enumerate(header.split(",")[:50]):
        tag, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, val = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        if tag and 0 < q <= 1:
            weighted.append((-q, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(header: str | None) -> str:
    """The best of our languages for an Accept-Language header; ``en`` when none fits.

    ``zh-CN``, ``zh-Hans`` and ``es-PE`` match their base language; ``*`` takes the default.
    """
    if not header:
        return DEFAULT
    for tag in _preferences(header):
        if tag == "*":
            return DEFAULT
        found = negotiate_locale([tag.replace("-", "_")], LANGUAGES, sep="_") or _base(tag)
        if found:
            return found.split("_", 1)[0]
    return DEFAULT


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise: for ``<html dir>`` and JSON clients."""
    return "rtl" if lang in RTL else "ltr"


def babel_locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[lang])
