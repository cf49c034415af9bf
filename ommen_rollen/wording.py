"""Dutch numbers and plurals for every text the solver and the screens write.

One place for "1 harde regel" / "2 harde regels", "1 ontbreekt" / "2 ontbreken",
"de enige inzetbare collega" and fte shown as hours ("nog 2 uur vrij"), so no text
says "1 vervangers" or "0,0555 fte". Standard library and ``domain`` only: the pure
solver imports it too.
"""

from __future__ import annotations

from .domain import format_fte, format_hours

# (singular, plural) of the nouns the texts count
NOUNS: dict[str, tuple[str, str]] = {
    "harde regel": ("harde regel", "harde regels"),
    "rol": ("rol", "rollen"),
    "vervanger": ("vervanger", "vervangers"),
    "medewerker": ("medewerker", "medewerkers"),
    "collega": ("collega", "collega's"),
    "inzetbare collega": ("inzetbare collega", "inzetbare collega's"),
    "wens": ("wens", "wensen"),
    "rolhouder": ("rolhouder", "rolhouders"),
    "aanname": ("aanname", "aannames"),
    "ontbrekende vervanger": ("ontbrekende vervanger", "ontbrekende vervangers"),
    "persoon": ("persoon", "personen"),
}

# (singular, plural) of the verbs that follow a count
VERBS: dict[str, tuple[str, str]] = {
    "ontbreekt": ("ontbreekt", "ontbreken"),
    "is": ("is", "zijn"),
    "heeft": ("heeft", "hebben"),
    "blijft": ("blijft", "blijven"),
    "verliest": ("verliest", "verliezen"),
}


def noun(count: int, word: str) -> str:
    """The form of ``word`` that goes with ``count`` (without the number)."""
    singular, plural = NOUNS.get(word, (word, word))
    return singular if count == 1 else plural


def verb(count: int, word: str) -> str:
    """The form of ``word`` (given in the singular) that goes with ``count``."""
    singular, plural = VERBS.get(word, (word, word))
    return singular if count == 1 else plural


def count(number: int, word: str) -> str:
    """'1 harde regel', '2 harde regels', '0 rollen'."""
    return f"{number} {noun(number, word)}"


def count_verb(number: int, word: str, verb_word: str) -> str:
    """'1 vervanger ontbreekt', '2 vervangers ontbreken'."""
    return f"{count(number, word)} {verb(number, verb_word)}"


def missing(number: int) -> str:
    """'1 ontbreekt', '2 ontbreken'."""
    return f"{number} {verb(number, 'ontbreekt')}"


def colleagues(number: int, *, other: bool = False) -> str:
    """Who is inzetbaar for a role, as a phrase: 'geen inzetbare collega',
    'de enige inzetbare collega', '3 inzetbare collega's'; with ``other`` the
    colleagues besides the reader ('1 andere inzetbare collega')."""
    if number <= 0:
        return "geen andere inzetbare collega" if other else "geen inzetbare collega"
    if number == 1 and not other:
        return "de enige inzetbare collega"
    word = noun(number, "inzetbare collega")
    return f"{number} andere {word}" if other else f"{number} {word}"


def hours(units: int) -> str:
    """fte units as hours per week: '2 uur', '21,6 uur'."""
    return f"{format_hours(max(units, 0))} uur"


def hours_free(units: int) -> str:
    """'nog 2 uur vrij', 'geen uur meer vrij'."""
    if units <= 0:
        return "geen uur meer vrij"
    return f"nog {hours(units)} vrij"


def fte_hours(units: int) -> str:
    """'0,6 fte (21,6 uur)'."""
    return f"{format_fte(units)} fte ({hours(units)})"


def join(items: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " en " + items[-1]
