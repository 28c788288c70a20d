"""Our own strings, translated through gettext catalogues in ``app/locale``.

A translator edits ``app/locale/<lang>/LC_MESSAGES/messages.po``; nothing in code changes. The
wheel ships ``messages.mo`` compiled by the build (``setup.py``); an editable checkout has only
the ``.po``, so a missing or older ``.mo`` is compiled in memory here, once per language.
English is the source language: its msgids are the English text.
"""

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.i18n.languages import DEFAULT, LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"  # generated text: feeds and JSON
PAGES = "pages"  # the chrome of the web pages (app/pages/templates), a catalogue of its own


def N_(message: str) -> str:
    """Marks a string for ``pybabel extract`` where it is defined; it is translated later,
    when the language is known, by :func:`translate`."""
    return message


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The catalogue of ``lang`` in ``domain``: the compiled ``.mo`` when it is as new as the
    ``.po``, else the ``.po`` compiled in memory. English, the source language, translates to
    itself."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po = po_path(lang, domain)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Writes a ``.mo`` next to every ``.po`` of every domain; the build calls this."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written
