"""Prints the README's "Languages" table: one generated title per kind in each language.

python scripts/i18n_table.py > /tmp/table.md   # then paste under "Languages" in README.md
"""

from app.i18n.languages import LANGUAGES
from app.i18n.text import anniversary_line
from app.i18n.wording import MILESTONE_KINDS, anniversary_title, observed_title

# (kind, countries, years): the pair or country each kind is usually about.
EXAMPLES = {
    "diplomatic_relations": (["CN", "PE"], 50),
    "relations_severed": (["CU", "US"], 60),
    "relations_restored": (["CN", "NI"], 3),
    "relations_upgraded": (["CN", "GB"], 50),
    "independence": (["PE"], 200),
    "national_day": (["FR"], 235),
    "treaty": (["CL", "PE"], 95),
    "state_visit": (["CN", "FR"], 10),
    "other": (["PE"], 21),
}


def rows() -> list[list[str]]:
    table = []
    for kind in MILESTONE_KINDS:
        countries, years = EXAMPLES[kind]
        table.append(
            [kind] + [anniversary_title(years, kind, countries, lang, None) for lang in LANGUAGES]
        )
    leap = [
        observed_title(anniversary_title(24, "treaty", ["CL", "PE"], lang, None), lang)
        for lang in LANGUAGES
    ]
    table.append(["29 February, common year", *leap])
    table.append(["tier line (DESCRIPTION)", *(anniversary_line(50, lang) for lang in LANGUAGES)])
    return table


def main() -> None:
    print("| kind | " + " | ".join(LANGUAGES) + " |")
    print("|---" * (len(LANGUAGES) + 1) + "|")
    for row in rows():
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")


if __name__ == "__main__":
    main()
