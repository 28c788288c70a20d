"""The gettext catalogues: complete in every language, up to date with the code, loadable."""

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import catalog
from app.i18n.languages import DEFAULT, LANGUAGES

TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT]


def _extracted() -> set[str]:
    """What ``pybabel extract -F babel.cfg -k N_ -k translate:2`` finds in app/i18n."""
    found = extract_from_dir(
        catalog.LOCALE_DIR.parent / "i18n",
        method_map=[("**.py", "python")],
        keywords={"N_": None, "translate": (2,)},
    )
    return {message for _, _, message, _, _ in found}


def _po(lang: str):
    with catalog.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def test_template_is_up_to_date_with_the_code():
    with (catalog.LOCALE_DIR / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert _extracted() == template


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang):
    po = _po(lang)
    ids = {m.id for m in po if m.id}
    assert ids == _extracted()
    untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_use_only_placeholders_the_code_passes(lang):
    """A translation may drop a placeholder (Chinese puts {n} where English has {anniversary})
    but a misspelt one would raise KeyError at run time."""
    names = ("a", "b", "n", "ordinal", "anniversary", "title", "tier", "label", "value",
             "country", "pair", "name", "scope", "shown", "total", "url", "year",
             "lead", "date", "version")  # fmt: skip
    values = dict.fromkeys(names, "x")
    for message in _po(lang):
        if message.id:
            message.string.format(**values)


def test_missing_mo_is_compiled_in_memory(tmp_path, monkeypatch):
    po = catalog.po_path("es")
    target = tmp_path / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_bytes(po.read_bytes())
    monkeypatch.setattr(catalog, "LOCALE_DIR", tmp_path)
    catalog.translations.cache_clear()
    try:
        assert catalog.translate("es", "Source") == "Fuente"
        assert not (target / "messages.mo").exists()
        # The build's compiled .mo is used when present.
        assert catalog.compile_all(tmp_path) == [target / "messages.mo"]
        catalog.translations.cache_clear()
        assert catalog.translate("es", "Source") == "Fuente"
    finally:
        catalog.translations.cache_clear()


def test_english_is_the_source_text():
    assert catalog.translate("en", "{label}: {value}", label="Source", value="x") == "Source: x"
    assert isinstance(catalog.translations("en").gettext("Source"), str)


# ---------------------------------------------------------------- the pages' chrome


def _page_messages() -> set[str]:
    """What ``pybabel extract -F babel_pages.cfg -k _`` finds in the page templates."""
    found = extract_from_dir(
        catalog.LOCALE_DIR.parent / "pages",
        method_map=[("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        keywords={"_": None, "gettext": None},
    )
    return {message for _, _, message, _, _ in found}


def test_pages_template_is_up_to_date_with_the_templates():
    with (catalog.LOCALE_DIR / "pages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert _page_messages() == template


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_page_string_is_translated(lang):
    with catalog.po_path(lang, catalog.PAGES).open("rb") as f:
        po = read_po(f, locale=lang)
    assert {m.id for m in po if m.id} == _page_messages()
    assert [m.id for m in po if m.id and (not m.string or m.fuzzy)] == []
    for message in po:  # the placeholders the templates pass, spelt the same
        if message.id:
            values = {"n": 1, "year": 2021, "q": "x", "name": "x", "title": "x", "rev": 2}
            assert message.string % values
            assert sorted(re.findall(r"%\(\w+\)s", message.string)) == sorted(
                re.findall(r"%\(\w+\)s", message.id)
            ), message.id


def test_pages_catalogue_loads_like_the_messages():
    assert catalog.translations("zh", catalog.PAGES).gettext("Search") == "搜索"
    assert catalog.translations("zh").gettext("Search") == "Search"  # domains do not mix
