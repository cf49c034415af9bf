"""What can be imported (fields per kind), how file columns map onto them (presets
for the column names common HR systems use), and which columns are refused
because the product does not need them (data minimisation)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .readers import ImportRefused, Table


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of import: its fields and the field that identifies a row."""

    key: str
    label: str
    key_field: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


EMPLOYEES = Kind(
    "employees",
    "Medewerkers",
    "username",
    (
        Field(
            "username",
            "Gebruikersnaam",
            ("gebruikersnaam", "username", "login", "inlognaam", "account"),
        ),
        Field("name", "Naam", ("naam", "volledige naam", "name", "weergavenaam")),
        Field(
            "email",
            "E-mailadres",
            (
                "e-mailadres",
                "emailadres",
                "e-mail",
                "email",
                "mail",
                "e-mailadres werk",
                "zakelijk e-mailadres",
                "email address",
            ),
            "voor de uitnodiging; een e-mailadres als gebruikersnaam mag ook",
        ),
        Field(
            "first_name", "Voornaam (roepnaam)", ("voornaam", "roepnaam", "first name")
        ),
        Field(
            "infix",
            "Tussenvoegsel",
            ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels"),
        ),
        Field("last_name", "Achternaam", ("achternaam", "geslachtsnaam", "last name")),
        Field(
            "contract_fte",
            "Contract (fte)",
            ("contract fte", "contract (fte)", "fte", "deeltijdfactor", "omvang fte"),
            "bijvoorbeeld 0,8889",
        ),
        Field(
            "contract_hours",
            "Contract (uur per week)",
            (
                "contract uur per week",
                "contract (uur per week)",
                "uren per week",
                "uur per week",
                "contracturen",
                "arbeidsduur",
                "hours",
            ),
        ),
        Field(
            "contract_percent",
            "Deeltijdpercentage",
            (
                "deeltijdpercentage",
                "parttimepercentage",
                "parttime percentage",
                "percentage",
            ),
        ),
        Field(
            "base_function",
            "Rompfunctie",
            ("rompfunctie", "base function"),
            "A, B, C, D of E",
        ),
        Field("home_cluster", "Cluster", ("cluster", "thuiscluster")),
        Field(
            "competences",
            "Competenties",
            ("competenties", "competences"),
            "bijvoorbeeld 'regievoering:2; juridisch:1'",
        ),
        Field("active", "Actief", ("actief", "active", "in dienst")),
    ),
)

COMPETENCES = Kind(
    "competences",
    "Competenties",
    "name",
    (
        Field("name", "Naam", ("naam", "competentie", "name")),
        Field(
            "description",
            "Omschrijving",
            ("omschrijving", "beschrijving", "description"),
        ),
        Field("active", "Actief", ("actief", "active")),
    ),
)

ROLES = Kind(
    "roles",
    "Rollen",
    "code",
    (
        Field("code", "Rolcode", ("code", "rolcode", "rol code", "role id", "id")),
        Field("name", "Naam", ("naam", "rol", "rolnaam", "name")),
        Field("description", "Omschrijving", ("omschrijving", "beschrijving",
              "description")),
        Field("cluster", "Cluster", ("cluster",)),
        Field("task_field", "Taakveld", ("taakveld",)),
        Field("fte", "Omvang (fte)", ("fte", "omvang", "omvang fte", "omvang (fte)")),
        Field("hours", "Omvang (uur per week)", ("uur per week", "uren per week",
              "omvang uur per week", "omvang (uur per week)")),
        Field("base_functions", "Rompfuncties", ("rompfuncties", "rompfunctie"),
              "bijvoorbeeld 'A, B'"),
        Field("backups_needed", "Aantal vervangers", ("vervangers",
              "aantal vervangers")),
        Field("splittable", "Deelbaar", ("deelbaar", "splitsbaar")),
        Field("max_holders", "Max. aantal rolhouders", ("max rolhouders",
              "max. rolhouders", "maximaal aantal rolhouders")),
        Field("min_share", "Kleinste deel (fte)", ("kleinste deel", "kleinste deel fte",
              "kleinste deel (fte)", "minimaal deel")),
        Field("critical", "Kritiek", ("kritiek", "kritisch", "critical")),
        Field("requirements", "Vereiste competenties", ("vereiste competenties",
              "competenties", "eisen")),
        Field("active", "Actief", ("actief", "active")),
    ),
)  # fmt: skip

KINDS = {kind.key: kind for kind in (EMPLOYEES, COMPETENCES, ROLES)}


@dataclass(frozen=True)
class Preset:
    """Column names of an HR system, mapped onto our fields."""

    key: str
    label: str
    columns: dict[str, str]


PRESETS = {
    p.key: p
    for p in (
        Preset("auto", "Automatisch herkennen", {}),
        Preset(
            "afas",
            "AFAS Profit",
            {
                "medewerker": "username",
                "roepnaam": "first_name",
                "voorvoegsel": "infix",
                "achternaam": "last_name",
                "parttimepercentage": "contract_percent",
                "aantal uren per week": "contract_hours",
            },
        ),
        Preset(
            "youforce",
            "Visma Raet Youforce",
            {
                "personeelsnummer": "username",
                "roepnaam": "first_name",
                "voorvoegsels": "infix",
                "geslachtsnaam": "last_name",
                "deeltijdfactor": "contract_fte",
                "uren per week": "contract_hours",
            },
        ),
        Preset(
            "loket",
            "Loket.nl",
            {
                "werknemernummer": "username",
                "roepnaam": "first_name",
                "tussenvoegsel": "infix",
                "achternaam": "last_name",
                "deeltijdpercentage": "contract_percent",
                "uren per week": "contract_hours",
            },
        ),
    )
}

# Personal data the product does not need (data minimisation): refuse the file.
FORBIDDEN = (
    (re.compile(r"\b(bsn|burgerservice|sofi)"), "BSN"),
    (re.compile(r"geboorte|birth|\bdob\b|leeftijd"), "geboortedatum"),
    (
        # an address, but not an e-mail address
        re.compile(
            r"(?<!mail)(?<!mail )(?<!mail-)(adres|address)"
            r"|straat|street|huisnummer|postcode|woonplaats"
        ),
        "adres",
    ),
    (re.compile(r"\biban\b|rekeningnummer|salaris|\bloon\b"), "financiële gegevens"),
)


def normalise(header: str) -> str:
    """'Contract (FTE)' -> 'contract (fte)', single spaces, no trailing dots."""
    return re.sub(r"\s+", " ", header.strip().lower().replace("_", " ")).strip(" .:")


def refuse_personal_data(table: Table) -> None:
    """Refuse a file with BSN, address or date-of-birth columns, even unmapped:
    such data should not leave the HR system at all."""
    found = []
    for header in table.headers:
        for pattern, what in FORBIDDEN:
            if pattern.search(normalise(header)):
                found.append(f"'{header}' ({what})")
                break
    found += [f"'{h}' (lijkt BSN's te bevatten)" for h in _bsn_columns(table)]
    if found:
        raise ImportRefused(
            "Het bestand bevat persoonsgegevens die deze applicatie niet nodig heeft: "
            f"kolom {', '.join(found)}. Verwijder deze kolommen en probeer het "
            "opnieuw (dataminimalisatie)."
        )


def suggest_mapping(
    kind: Kind, headers: list[str], preset: str = "auto"
) -> dict[str, str]:
    """File column -> field key, from the preset's names, then our own aliases and
    labels; each field at most once."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    columns = PRESETS[preset].columns if preset in PRESETS else {}
    for header in headers:
        field = columns.get(normalise(header))
        if field in kind.keys and field not in taken:
            chosen[header] = field
            taken.add(field)
    for header in headers:
        if header in chosen:
            continue
        name = normalise(header)
        for f in kind.fields:
            if f.key in taken:
                continue
            if name == normalise(f.label) or name in f.aliases or name == f.key:
                chosen[header] = f.key
                taken.add(f.key)
                break
    return chosen


def check_mapping(kind: Kind, headers: list[str], mapping: dict[str, str]) -> list[str]:
    """Dutch problems with a mapping: unknown columns or fields, a field twice, the
    identifying field missing."""
    problems = []
    used: dict[str, str] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if header not in headers or field not in kind.keys:
            problems.append(
                f"Kolom '{header}' kan niet aan '{field}' worden gekoppeld."
            )
            continue
        if field in used:
            problems.append(
                f"'{kind.field(field).label}' is aan twee kolommen gekoppeld: "
                f"'{used[field]}' en '{header}'."
            )
        used[field] = header
    if kind.key_field not in used:
        problems.append(
            f"Koppel een kolom aan '{kind.field(kind.key_field).label}': daarmee "
            "wordt elke rij herkend."
        )
    return problems


def is_bsn(text: str) -> bool:
    """Nine digits passing the elfproef of the burgerservicenummer."""
    digits = text.strip().zfill(9)
    if not re.fullmatch(r"\d{9}", digits) or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _bsn_columns(table: Table) -> list[str]:
    """Columns whose every value (at least three) is a valid BSN, whatever the
    column is called: random staff numbers pass the elfproef one time in eleven."""
    found = []
    for i, header in enumerate(table.headers):
        values = [row[i] for row in table.rows if row[i]]
        if len(values) >= 3 and all(is_bsn(v) for v in values):
            found.append(header)
    return found
