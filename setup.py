"""Compiles the gettext catalogues (app/locale/*/LC_MESSAGES/*.po, the domains messages and
pages) into .mo files when the wheel is built, so an installed service reads compiled
catalogues. An editable checkout compiles them in memory instead (app/i18n/catalog.py)."""

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        from pathlib import Path

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "app", "locale").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})
