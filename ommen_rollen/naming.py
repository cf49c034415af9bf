"""Dutch sort order for names and words, in one place.

Names sort on the surname without its tussenvoegsel, as a Dutch staff list does:
'Anouk de Vries' sorts under V, next to 'Bram Vries'. Competences and other words
sort without regard to case or accents. Standard library only."""

from __future__ import annotations

import unicodedata

TUSSENVOEGSELS = frozenset(
    "van de der den het 't ter ten te in op aan bij uit la le du da di del des "
    "von vom zu zum".split()
)


def fold(text: str) -> str:
    """Lower case without accents: 'Ölçer' -> 'olcer'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def surname(name: str) -> str:
    """The surname without tussenvoegsel: 'Anouk van der Berg' -> 'Berg'. A name of
    one word is its own surname."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    rest = words[1:]
    while len(rest) > 1 and rest[0].casefold() in TUSSENVOEGSELS:
        rest = rest[1:]
    return " ".join(rest)


def name_key(name: str) -> tuple[str, str, str]:
    """Sort key for a person's name: surname (without tussenvoegsel), then the
    given name, then the whole name."""
    words = name.split()
    given = words[0] if len(words) > 1 else ""
    return (fold(surname(name)), fold(given), fold(name))


def word_key(text: str) -> tuple[str, str]:
    """Sort key for words such as competences: case and accents do not count."""
    return (fold(text), text)
