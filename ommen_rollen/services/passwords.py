"""Password rules (OWASP ASVS 5.0 level 2): at least 12 characters, no
composition rules, and refused when common or easy to guess. zxcvbn estimates the
guesses offline with its shipped lists of common passwords, names and words."""

from __future__ import annotations

from collections.abc import Sequence

from zxcvbn import zxcvbn

from .limits import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_MIN_SCORE


def password_problems(password: str, personal: Sequence[str] = ()) -> list[str]:
    """Dutch reasons why this password may not be used (empty when it may).
    ``personal``: the account's username, name and e-mail, which make a
    password easy to guess."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return [f"Gebruik minstens {PASSWORD_MIN_LENGTH} tekens."]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [f"Gebruik hoogstens {PASSWORD_MAX_LENGTH} tekens."]
    words = [w for text in personal for w in _parts(text)]
    if zxcvbn(password, user_inputs=words)["score"] < PASSWORD_MIN_SCORE:
        return [
            "Dit wachtwoord is te gewoon of te makkelijk te raden. Kies een langere "
            "zin van een paar woorden die niet bij elkaar horen."
        ]
    return []


def _parts(text: str) -> list[str]:
    """'anouk.de-vries@ommen.nl' -> the whole text and its pieces."""
    pieces = [text]
    for separator in "@.-_ ":
        pieces = [p for piece in pieces for p in piece.split(separator)]
    return [text, *(p for p in pieces if len(p) > 2)]
