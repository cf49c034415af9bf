"""The demo organisation of Ommen as plain tables (houtskoolschets, ch. 4 and 6).

Read by services.demo.load_demo. Fte is written as a decimal string ("1.5") and
read with domain.parse_fte; contracts are hours of a 36-hour week. The previous
round's plan and the open round's preferences are frozen data (generated once,
checked by tests/web/test_demo.py), not computed at load time.
"""

from __future__ import annotations

from typing import NamedTuple

DEMO_PASSWORD = "demo"
"""Password of every demo account; used only by the demo loader."""

SECRETARY_USERNAME = "secretaris"


class ClusterRow(NamedTuple):
    key: str
    name: str
    description: str


class TaskFieldRow(NamedTuple):
    name: str
    mode: str  # domain.TaskMode value
    partner: str | None
    cluster: str  # ClusterRow.key
    description: str


class RoleRow(NamedTuple):
    code: str
    name: str
    cluster: str  # ClusterRow.key
    task_field: str | None
    fte: str
    base_functions: str  # eligible rompfuncties
    requires: dict[str, int]  # competence -> minimum level
    backups: int = 1
    max_holders: int = 1  # > 1: the role may be split
    min_share: str | None = None
    critical: bool = False


class EmployeeRow(NamedTuple):
    username: str
    name: str
    hours: int  # per week of 36 hours
    base_function: str
    home: str  # ClusterRow.key
    competences: dict[str, int]  # competence -> level 1-3


# --- organisation (ch. 6.1) ----------------------------------------------------

CLUSTERS = [
    ClusterRow(
        "CO",
        "Concern en Ondersteuning",
        "(Bestuurs)secretariaat, administratieve ondersteuning, concern control, "
        "communicatie en HRM. Workload ca. 13 fte.",
    ),
    ClusterRow(
        "RC",
        "Regie en Coördinatie",
        "Opdrachtgeverschap voor uitbesteed werk en samenwerkingen; onderlinge "
        "vervangbaarheid is een must. Workload ca. 15,5 fte.",
    ),
    ClusterRow(
        "BO",
        "Beleid en Ontwikkeling",
        "(Strategische) beleidsadvisering op de opgaven van het Ommer motief, in "
        "gesprek met de samenleving. Workload ca. 12 fte.",
    ),
    ClusterRow(
        "MS",
        "Management en sturing",
        "De gemeentesecretaris en per cluster een spilfunctie (primus inter pares). "
        "Workload ca. 4 fte.",
    ),
]

PARTNERS = [
    "Omgevingsdienst IJsselland",
    "Gemeente Hardenberg",
    "Rova",
    "Sport BV",
    "Samenwerkingsverband juridische zaken",
    "Facilitair dienstverlener (privaat)",
    "Administratiekantoor (privaat)",
]

# --- taakvelden and how they are organised (table in ch. 4.3, partners ch. 5) ----

TASK_FIELDS = [
    TaskFieldRow(
        "Vergunning, toezicht en handhaving (VTH)",
        "outsourced",
        "Omgevingsdienst IJsselland",
        "RC",
        "Vergunningverlening en toezicht; coördinatie in eigen organisatie.",
    ),
    TaskFieldRow(
        "Ruimte en projecten",
        "partnership",
        None,
        "RC",
        "Westflank, Rotbrink, Centrumplan; per project bekijken wat nodig is.",
    ),
    TaskFieldRow(
        "Beleid en gebiedseconomie",
        "in_house",
        None,
        "BO",
        "Economie, wonen, vrije tijd, agrofood, duurzaamheid, grondzaken.",
    ),
    TaskFieldRow(
        "Maatschappelijk en cultureel beleid",
        "in_house",
        None,
        "BO",
        "Sociaal beleid, innovatie, strategische projecten.",
    ),
    TaskFieldRow(
        "Inkomensvoorziening",
        "outsourced",
        "Gemeente Hardenberg",
        "RC",
        "Uitvoerend deel uitbesteed (stichting of Hardenberg).",
    ),
    TaskFieldRow(
        "Sport en cultuur",
        "outsourced",
        "Sport BV",
        "RC",
        "Beleidsdeel in eigen huis, beheer MFC Carrousel en sporthal uitbesteed.",
    ),
    TaskFieldRow(
        "Beheer openbare ruimte",
        "outsourced",
        "Rova",
        "RC",
        "Inclusief Larcom-deel; regie in eigen organisatie (Hardenberg/Rova).",
    ),
    TaskFieldRow(
        "Ingenieursbureau",
        "outsourced",
        "Gemeente Hardenberg",
        "RC",
        "Beleid, beheer en onderhoudsplannen voor infra, gebouwen en gronden.",
    ),
    TaskFieldRow(
        "Gegevensbeheer",
        "outsourced",
        "Gemeente Hardenberg",
        "RC",
        "BAG, BRP, WOZ; mogelijk in combinatie met ICT.",
    ),
    TaskFieldRow(
        "Publiekszaken",
        "outsourced",
        "Gemeente Hardenberg",
        "RC",
        "Met name burgerzaken.",
    ),
    TaskFieldRow(
        "Inkoopadvisering",
        "in_house",
        None,
        "CO",
        "",
    ),
    TaskFieldRow(
        "Financiën en verzekeringen",
        "partnership",
        "Administratiekantoor (privaat)",
        "RC",
        "Inclusief salarisadministratie; control in de eigen organisatie.",
    ),
    TaskFieldRow(
        "Informatisering en automatisering",
        "outsourced",
        "Gemeente Hardenberg",
        "RC",
        "Minus het beleidsdeel; Hardenberg of aansluiten bij een SSC.",
    ),
    TaskFieldRow(
        "Facilitair",
        "partnership",
        "Facilitair dienstverlener (privaat)",
        "CO",
        "",
    ),
    TaskFieldRow(
        "DIV",
        "partnership",
        "Gemeente Hardenberg",
        "CO",
        "Documentaire informatievoorziening.",
    ),
    TaskFieldRow(
        "HRM",
        "in_house",
        None,
        "CO",
        "",
    ),
    TaskFieldRow(
        "Juridische zaken",
        "partnership",
        "Samenwerkingsverband juridische zaken",
        "CO",
        "Detailleren naar type werkzaamheden en omvang.",
    ),
    TaskFieldRow(
        "Communicatie",
        "in_house",
        None,
        "CO",
        "",
    ),
    TaskFieldRow(
        "Rampenbestrijding en OOV",
        "in_house",
        None,
        "RC",
        "Openbare orde en veiligheid, in samenhang met evenementen.",
    ),
    TaskFieldRow(
        "Bedrijfsbureau",
        "in_house",
        None,
        "CO",
        "Secretariaat, control, directiestaf.",
    ),
    TaskFieldRow(
        "Aansturing inclusief secretaris",
        "in_house",
        None,
        "MS",
        "",
    ),
]

COMPETENCES = [
    ("regievoering", "Opdrachtgeverschap en sturing op uitbesteed werk (DVO)."),
    ("inkoop en contractmanagement", "Aanbesteden, contracten en leveranciers."),
    ("beleidsontwikkeling", "Van opgave naar beleid, visie en meerjarenperspectief."),
    ("financiën", "Begroting, planning & control, financieel advies."),
    ("ICT en informatievoorziening", "Informatiebeleid, applicaties, digitalisering."),
    ("informatiebeheer", "DIV, archief, basisregistraties."),
    ("communicatie", "Woordvoering, voorlichting, online communicatie."),
    ("juridisch", "Wet- en regelgeving, bezwaar en beroep, APV."),
    ("sociaal domein", "Participatiewet, Wmo, jeugd, inkomen."),
    ("ruimtelijke ordening", "Omgevingswet, bestemmingsplannen, gebiedsontwikkeling."),
    ("economie", "Bedrijvigheid, recreatie en toerisme, arbeidsmarkt."),
    ("duurzaamheid", "Energietransitie, natuur, agrofood."),
    ("projectmanagement", "Projecten en programma's van start tot oplevering."),
    ("participatie", "Co-creatie met inwoners, bedrijven en instellingen."),
    ("HRM", "Personeelsbeleid, ontwikkeling, mobiliteit."),
    ("bestuursondersteuning", "Bestuurssecretariaat, agenda's, collegestukken."),
    ("administratie", "Administratieve en kantoorondersteuning."),
    ("facilitair beheer", "Huisvesting, inkoop van diensten, facilitaire zaken."),
    ("openbare orde en veiligheid", "OOV, rampenbestrijding, evenementenveiligheid."),
    ("beheer openbare ruimte", "Infra, groen, gebouwen en eigendommen."),
    ("dienstverlening", "Publiekszaken, klantcontact, burgerzaken."),
    ("leidinggeven", "Coördineren, coachen, primus inter pares zijn."),
]

# --- roles ---------------------------------------------------------------------
# code, name, cluster, task field, fte, rompfuncties, requirements (min level),
# then backups (default 1), max holders and smallest share when it may be split,
# critical.

# fmt: off
ROLES = [
    # Management en sturing
    RoleRow("r01", "Gemeentesecretaris",
            "MS", "Aansturing inclusief secretaris", "1.0", "E", {"leidinggeven": 3,
            "beleidsontwikkeling": 2}, critical=True),
    RoleRow("r02", "Spil Concern en Ondersteuning",
            "MS", "Aansturing inclusief secretaris", "0.6", "E", {"leidinggeven": 2}),
    RoleRow("r03", "Spil Regie en Coördinatie",
            "MS", "Aansturing inclusief secretaris", "0.6", "E", {"leidinggeven": 2}),
    RoleRow("r04", "Spil Beleid en Ontwikkeling",
            "MS", "Aansturing inclusief secretaris", "0.6", "E", {"leidinggeven": 2}),
    RoleRow("r05", "Directiestaf en bestuursadvisering",
            "MS", "Bedrijfsbureau", "0.6", "AE", {"beleidsontwikkeling": 2,
            "bestuursondersteuning": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r06", "Organisatieontwikkeling en kweekvijver",
            "MS", "HRM", "0.6", "ABE", {"HRM": 2, "leidinggeven": 1}, max_holders=2,
            min_share="0.2"),
    # Concern en Ondersteuning
    RoleRow("r07", "Bestuurssecretariaat",
            "CO", "Bedrijfsbureau", "1.5", "CD", {"bestuursondersteuning": 2},
            backups=2, max_holders=2, min_share="0.5", critical=True),
    RoleRow("r08", "Secretariaat gemeentesecretaris en directiestaf",
            "CO", "Bedrijfsbureau", "0.8", "D", {"bestuursondersteuning": 1},
            max_holders=2, min_share="0.2"),
    RoleRow("r09", "Algemene administratieve ondersteuning",
            "CO", "Bedrijfsbureau", "2.0", "D", {"administratie": 1}, max_holders=3,
            min_share="0.4"),
    RoleRow("r10", "Post, archief en regie DIV",
            "CO", "DIV", "0.8", "CD", {"informatiebeheer": 2}, max_holders=2,
            min_share="0.2"),
    RoleRow("r11", "Facilitaire zaken en huisvesting",
            "CO", "Facilitair", "1.0", "CD", {"facilitair beheer": 1}, max_holders=2,
            min_share="0.3"),
    RoleRow("r12", "Concern control en planning & control",
            "CO", "Financiën en verzekeringen", "1.2", "AB", {"financiën": 3},
            backups=2, max_holders=2, min_share="0.4", critical=True),
    RoleRow("r13", "Communicatie en woordvoering",
            "CO", "Communicatie", "1.0", "AB", {"communicatie": 3}, backups=2,
            max_holders=2, min_share="0.2", critical=True),
    RoleRow("r14", "Online communicatie en publieksvoorlichting",
            "CO", "Communicatie", "0.8", "BCD", {"communicatie": 2}, max_holders=2,
            min_share="0.2"),
    RoleRow("r15", "HRM-advies",
            "CO", "HRM", "1.0", "ABE", {"HRM": 3}, max_holders=2, min_share="0.4"),
    RoleRow("r16", "Personeels- en salarisadministratie",
            "CO", "HRM", "0.6", "CD", {"HRM": 1, "administratie": 2}, max_holders=2,
            min_share="0.2"),
    RoleRow("r17", "Inkoopadvisering en aanbesteden",
            "CO", "Inkoopadvisering", "0.8", "BCE", {"inkoop en contractmanagement": 2,
            "juridisch": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r18", "Juridische zaken en regie samenwerkingsverband",
            "CO", "Juridische zaken", "0.8", "AB", {"juridisch": 3}, max_holders=2,
            min_share="0.2"),
    RoleRow("r19", "Bedrijfsbureau en kwaliteitszorg",
            "CO", "Bedrijfsbureau", "0.7", "CD", {"administratie": 2,
            "projectmanagement": 1}, max_holders=2, min_share="0.2"),
    # Regie en Coördinatie
    RoleRow("r20", "Regie vergunningverlening (Omgevingsdienst)",
            "RC", "Vergunning, toezicht en handhaving (VTH)", "1.5", "BC",
            {"regievoering": 2, "ruimtelijke ordening": 2}, max_holders=3,
            min_share="0.3"),
    RoleRow("r21", "Regie toezicht en handhaving",
            "RC", "Vergunning, toezicht en handhaving (VTH)", "1.2", "BC",
            {"regievoering": 2, "juridisch": 1}, max_holders=2, min_share="0.4"),
    RoleRow("r22", "Evenementen en APV-vergunningen",
            "RC", "Vergunning, toezicht en handhaving (VTH)", "0.8", "BCD",
            {"juridisch": 1, "openbare orde en veiligheid": 1}, max_holders=2,
            min_share="0.2"),
    RoleRow("r23", "Openbare orde, veiligheid en rampenbestrijding",
            "RC", "Rampenbestrijding en OOV", "0.8", "ABC",
            {"openbare orde en veiligheid": 3}, backups=2, max_holders=2,
            min_share="0.2", critical=True),
    RoleRow("r24", "Regie ruimtelijke projecten (Westflank, Rotbrink, Centrumplan)",
            "RC", "Ruimte en projecten", "1.5", "AB", {"projectmanagement": 2,
            "ruimtelijke ordening": 2}, max_holders=2, min_share="0.5"),
    RoleRow("r25", "Regie inkomensvoorziening en participatiewet",
            "RC", "Inkomensvoorziening", "1.5", "B", {"sociaal domein": 2,
            "regievoering": 2}, backups=2, max_holders=2, min_share="0.5",
            critical=True),
    RoleRow("r26", "Regie sociaal domein: samen doen-teams en subsidies",
            "RC", "Inkomensvoorziening", "0.8", "BC", {"sociaal domein": 2},
            max_holders=2, min_share="0.2"),
    RoleRow("r27", "Financieel advies en regie financiële administratie",
            "RC", "Financiën en verzekeringen", "1.2", "BCE", {"financiën": 2},
            max_holders=2, min_share="0.4"),
    RoleRow("r28", "Regie belastingen en verzekeringen",
            "RC", "Financiën en verzekeringen", "0.5", "CD", {"financiën": 1},
            max_holders=2, min_share="0.2"),
    RoleRow("r29", "Regie ICT en informatievoorziening",
            "RC", "Informatisering en automatisering", "1.0", "B",
            {"ICT en informatievoorziening": 3, "regievoering": 1}, max_holders=2,
            min_share="0.4", critical=True),
    RoleRow("r30", "Regie gegevensbeheer (BAG, BRP, WOZ)",
            "RC", "Gegevensbeheer", "0.6", "CD", {"informatiebeheer": 1,
            "ICT en informatievoorziening": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r31", "Regie publiekszaken en burgerzaken",
            "RC", "Publiekszaken", "0.8", "BCD", {"dienstverlening": 2,
            "regievoering": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r32", "Regie beheer openbare ruimte en infrastructuur",
            "RC", "Beheer openbare ruimte", "1.2", "BC", {"beheer openbare ruimte": 2,
            "regievoering": 1}, max_holders=2, min_share="0.4"),
    RoleRow("r33", "Regie ingenieursbureau en onderhoudsplannen",
            "RC", "Ingenieursbureau", "0.6", "BC", {"beheer openbare ruimte": 2},
            max_holders=2, min_share="0.2"),
    RoleRow("r34", "Regie gebouwen en eigendommen",
            "RC", "Ingenieursbureau", "0.8", "BC", {"beheer openbare ruimte": 1,
            "financiën": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r35", "Regie sport en sportvoorzieningen",
            "RC", "Sport en cultuur", "0.7", "B", {"regievoering": 1}, max_holders=2,
            min_share="0.2"),
    # Beleid en Ontwikkeling
    RoleRow("r36", "Economie en bedrijvigheid",
            "BO", "Beleid en gebiedseconomie", "1.0", "A", {"economie": 3,
            "beleidsontwikkeling": 2}, max_holders=2, min_share="0.4"),
    RoleRow("r37", "Recreatie en toerisme",
            "BO", "Beleid en gebiedseconomie", "1.0", "AB", {"economie": 2,
            "beleidsontwikkeling": 2}, max_holders=2, min_share="0.2"),
    RoleRow("r38", "Agrofood en natuur",
            "BO", "Beleid en gebiedseconomie", "1.0", "AB", {"duurzaamheid": 2,
            "beleidsontwikkeling": 2}, max_holders=2, min_share="0.2"),
    RoleRow("r39", "Sociaal beleid: Wmo, jeugd en zelfredzaamheid",
            "BO", "Maatschappelijk en cultureel beleid", "1.5", "AB",
            {"sociaal domein": 3, "beleidsontwikkeling": 2}, backups=2, max_holders=2,
            min_share="0.5", critical=True),
    RoleRow("r40", "Participatie en co-creatie met het maatschappelijk veld",
            "BO", "Maatschappelijk en cultureel beleid", "1.0", "ABE",
            {"participatie": 3}, max_holders=2, min_share="0.2"),
    RoleRow("r41", "Omgevingsvisie en ruimtelijke ontwikkeling",
            "BO", "Beleid en gebiedseconomie", "1.0", "A", {"ruimtelijke ordening": 3},
            max_holders=2, min_share="0.4"),
    RoleRow("r42", "Wonen en woningbouwprogrammering",
            "BO", "Beleid en gebiedseconomie", "1.0", "AB", {"ruimtelijke ordening": 2},
            max_holders=2, min_share="0.2"),
    RoleRow("r43", "Duurzaamheid en energietransitie",
            "BO", "Beleid en gebiedseconomie", "1.0", "AB", {"duurzaamheid": 2,
            "projectmanagement": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r44", "Cultuur-, sport- en vrijetijdsbeleid",
            "BO", "Maatschappelijk en cultureel beleid", "0.8", "AB",
            {"beleidsontwikkeling": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r45", "Onderwijs en arbeidsmarkt",
            "BO", "Maatschappelijk en cultureel beleid", "0.6", "AB",
            {"sociaal domein": 1, "economie": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r46", "Digitalisering en informatiebeleid",
            "BO", "Maatschappelijk en cultureel beleid", "0.6", "AB",
            {"ICT en informatievoorziening": 2, "beleidsontwikkeling": 1},
            max_holders=2, min_share="0.2"),
    RoleRow("r47", "Grondzaken en planeconomie",
            "BO", "Beleid en gebiedseconomie", "0.5", "AB", {"financiën": 3,
            "ruimtelijke ordening": 2}, max_holders=2, min_share="0.2"),
    RoleRow("r48", "Subsidies en maatschappelijke partners",
            "BO", "Maatschappelijk en cultureel beleid", "0.5", "BC",
            {"sociaal domein": 1, "financiën": 1}, max_holders=2, min_share="0.2"),
    RoleRow("r49", "Kernen- en gebiedsgericht werken",
            "BO", "Maatschappelijk en cultureel beleid", "0.5", "AB",
            {"participatie": 2}, max_holders=2, min_share="0.2"),
]
# fmt: on


ROLE_DESCRIPTIONS = {
    "r01": "Eindverantwoordelijk voor de ambtelijke organisatie, adviseur van het "
    "college, opdrachtgever van de uitbestede taken.",
    "r02": "Aanspreekpunt en primus inter pares van het cluster Concern en "
    "Ondersteuning, naast eigen specialistisch werk.",
    "r03": "Aanspreekpunt en primus inter pares van het cluster Regie en "
    "Coördinatie, naast eigen specialistisch werk.",
    "r04": "Aanspreekpunt en primus inter pares van het cluster Beleid en "
    "Ontwikkeling, naast eigen specialistisch werk.",
}


# --- employees (rompfunctie fte per table 6.3: A 11, B 16, C 6, D 8, E 4) --------
# username, name, hours per week, rompfunctie, home cluster, competence levels.
# The first employee is the gemeentesecretaris, the next three are the spil of
# Concern en Ondersteuning, Regie en Coördinatie and Beleid en Ontwikkeling.

# fmt: off
EMPLOYEES = [
    EmployeeRow("hendrikjan.brinkman", "Hendrik-Jan Brinkman", 36, "E", "MS",
                {"leidinggeven": 3, "beleidsontwikkeling": 3,
                 "bestuursondersteuning": 2, "financiën": 2, "HRM": 2,
                 "informatiebeheer": 2, "projectmanagement": 1}),
    EmployeeRow("anouk.devries", "Anouk de Vries", 36, "E", "CO",
                {"leidinggeven": 3, "HRM": 3, "communicatie": 2,
                 "bestuursondersteuning": 2, "beleidsontwikkeling": 2,
                 "openbare orde en veiligheid": 2, "beheer openbare ruimte": 1,
                 "ICT en informatievoorziening": 1}),
    EmployeeRow("maarten.kuipers", "Maarten Kuipers", 36, "E", "RC",
                {"regievoering": 3, "leidinggeven": 2, "financiën": 2,
                 "inkoop en contractmanagement": 2, "beleidsontwikkeling": 2,
                 "openbare orde en veiligheid": 2, "juridisch": 1, "HRM": 1}),
    EmployeeRow("esther.nijland", "Esther Nijland", 36, "E", "BO",
                {"leidinggeven": 3, "beleidsontwikkeling": 3, "participatie": 3,
                 "economie": 2, "HRM": 2, "projectmanagement": 2,
                 "beheer openbare ruimte": 1}),
    EmployeeRow("sanne.jansen", "Sanne Jansen", 36, "A", "BO",
                {"economie": 3, "beleidsontwikkeling": 3, "duurzaamheid": 2,
                 "administratie": 2, "leidinggeven": 2, "facilitair beheer": 2,
                 "participatie": 1, "ruimtelijke ordening": 1}),
    EmployeeRow("bas.hofman", "Bas Hofman", 32, "A", "BO",
                {"economie": 3, "beleidsontwikkeling": 3, "duurzaamheid": 2,
                 "bestuursondersteuning": 2, "financiën": 2, "participatie": 1,
                 "ruimtelijke ordening": 1}),
    EmployeeRow("ilse.kamphuis", "Ilse Kamphuis", 36, "A", "BO",
                {"ruimtelijke ordening": 3, "beleidsontwikkeling": 2,
                 "projectmanagement": 2, "duurzaamheid": 2, "participatie": 2,
                 "openbare orde en veiligheid": 2, "informatiebeheer": 2}),
    EmployeeRow("gerrit.schuurman", "Gerrit Schuurman", 22, "A", "BO",
                {"ruimtelijke ordening": 3, "financiën": 3, "beleidsontwikkeling": 2,
                 "projectmanagement": 2, "regievoering": 2, "bestuursondersteuning": 2,
                 "dienstverlening": 1}),
    EmployeeRow("lotte.veldhuis", "Lotte Veldhuis", 36, "A", "BO",
                {"duurzaamheid": 3, "beleidsontwikkeling": 2, "projectmanagement": 2,
                 "leidinggeven": 2, "beheer openbare ruimte": 2,
                 "ICT en informatievoorziening": 2, "participatie": 1}),
    EmployeeRow("femke.bosch", "Femke Bosch", 36, "A", "BO",
                {"sociaal domein": 3, "participatie": 3, "beleidsontwikkeling": 2,
                 "administratie": 2, "dienstverlening": 2, "duurzaamheid": 2,
                 "economie": 1}),
    EmployeeRow("jeroen.mulder", "Jeroen Mulder", 27, "A", "BO",
                {"sociaal domein": 3, "participatie": 3, "beleidsontwikkeling": 2,
                 "informatiebeheer": 2, "economie": 1, "ruimtelijke ordening": 1}),
    EmployeeRow("marloes.wessels", "Marloes Wessels", 36, "A", "BO",
                {"participatie": 3, "communicatie": 3, "beleidsontwikkeling": 2,
                 "openbare orde en veiligheid": 2, "administratie": 1}),
    EmployeeRow("ruud.vandijk", "Ruud van Dijk", 36, "A", "CO",
                {"financiën": 3, "beleidsontwikkeling": 2, "ruimtelijke ordening": 2,
                 "informatiebeheer": 2, "facilitair beheer": 2}),
    EmployeeRow("petra.slot", "Petra Slot", 27, "A", "BO",
                {"participatie": 3, "communicatie": 3, "beleidsontwikkeling": 2,
                 "dienstverlening": 2, "bestuursondersteuning": 2, "duurzaamheid": 2}),
    EmployeeRow("thijs.lubbers", "Thijs Lubbers", 36, "A", "CO",
                {"HRM": 3, "beleidsontwikkeling": 2, "participatie": 2,
                 "bestuursondersteuning": 2, "leidinggeven": 1, "juridisch": 1}),
    EmployeeRow("wendy.kok", "Wendy Kok", 36, "A", "RC",
                {"openbare orde en veiligheid": 3, "juridisch": 3,
                 "beleidsontwikkeling": 2, "informatiebeheer": 2,
                 "beheer openbare ruimte": 2, "sociaal domein": 1, "economie": 1}),
    EmployeeRow("daan.smit", "Daan Smit", 36, "B", "RC",
                {"regievoering": 2, "ruimtelijke ordening": 2, "sociaal domein": 2,
                 "duurzaamheid": 2, "openbare orde en veiligheid": 2, "juridisch": 1}),
    EmployeeRow("inge.roelofs", "Inge Roelofs", 32, "B", "RC",
                {"regievoering": 2, "ruimtelijke ordening": 2, "dienstverlening": 2,
                 "beleidsontwikkeling": 2, "juridisch": 1, "projectmanagement": 1}),
    EmployeeRow("koen.bakker", "Koen Bakker", 36, "B", "RC",
                {"openbare orde en veiligheid": 3, "regievoering": 2, "juridisch": 2,
                 "ruimtelijke ordening": 2, "duurzaamheid": 2, "facilitair beheer": 2,
                 "dienstverlening": 1}),
    EmployeeRow("miriam.hulst", "Miriam Hulst", 36, "B", "RC",
                {"sociaal domein": 2, "regievoering": 2,
                 "ICT en informatievoorziening": 2, "financiën": 1, "duurzaamheid": 1,
                 "openbare orde en veiligheid": 1}),
    EmployeeRow("erik.koster", "Erik Koster", 22, "B", "RC",
                {"sociaal domein": 2, "regievoering": 2,
                 "inkoop en contractmanagement": 2, "financiën": 1, "communicatie": 1,
                 "facilitair beheer": 1}),
    EmployeeRow("joost.vos", "Joost Vos", 36, "B", "RC",
                {"ICT en informatievoorziening": 3, "regievoering": 2, "economie": 2,
                 "beleidsontwikkeling": 1, "ruimtelijke ordening": 1}),
    EmployeeRow("linda.hendriks", "Linda Hendriks", 28, "B", "RC",
                {"ICT en informatievoorziening": 3, "regievoering": 2,
                 "dienstverlening": 2, "duurzaamheid": 2, "beleidsontwikkeling": 1}),
    EmployeeRow("niels.dekker", "Niels Dekker", 36, "B", "RC",
                {"financiën": 3, "communicatie": 2, "inkoop en contractmanagement": 2,
                 "projectmanagement": 2, "regievoering": 1}),
    EmployeeRow("yvonne.meijer", "Yvonne Meijer", 26, "B", "BO",
                {"sociaal domein": 3, "participatie": 3, "beleidsontwikkeling": 2,
                 "regievoering": 2, "juridisch": 2, "dienstverlening": 2,
                 "financiën": 1, "duurzaamheid": 1}),
    EmployeeRow("arjen.post", "Arjen Post", 36, "B", "RC",
                {"beheer openbare ruimte": 2, "regievoering": 2,
                 "bestuursondersteuning": 2, "juridisch": 2, "financiën": 1,
                 "ICT en informatievoorziening": 1}),
    EmployeeRow("carla.mensink", "Carla Mensink", 30, "B", "RC",
                {"beheer openbare ruimte": 2, "regievoering": 2, "communicatie": 2,
                 "financiën": 1, "HRM": 1, "openbare orde en veiligheid": 1}),
    EmployeeRow("rik.brouwer", "Rik Brouwer", 24, "B", "RC",
                {"dienstverlening": 3, "financiën": 2, "regievoering": 1,
                 "participatie": 1}),
    EmployeeRow("saskia.visser", "Saskia Visser", 36, "B", "RC",
                {"projectmanagement": 2, "ruimtelijke ordening": 2, "regievoering": 2,
                 "inkoop en contractmanagement": 2, "leidinggeven": 2,
                 "beheer openbare ruimte": 2}),
    EmployeeRow("tom.huisman", "Tom Huisman", 36, "B", "CO",
                {"communicatie": 3, "administratie": 2, "duurzaamheid": 2,
                 "financiën": 2, "participatie": 1}),
    EmployeeRow("nicole.peters", "Nicole Peters", 34, "B", "CO",
                {"juridisch": 3, "financiën": 3, "inkoop en contractmanagement": 2,
                 "beheer openbare ruimte": 2, "communicatie": 1}),
    EmployeeRow("mark.schipper", "Mark Schipper", 36, "B", "CO",
                {"HRM": 3, "bestuursondersteuning": 2, "juridisch": 2,
                 "administratie": 1, "beleidsontwikkeling": 1}),
    EmployeeRow("ellen.bouwman", "Ellen Bouwman", 36, "B", "BO",
                {"economie": 2, "beleidsontwikkeling": 2, "communicatie": 2,
                 "inkoop en contractmanagement": 2, "participatie": 1,
                 "sociaal domein": 1}),
    EmployeeRow("frank.hoekstra", "Frank Hoekstra", 20, "B", "BO",
                {"sociaal domein": 3, "participatie": 3, "beleidsontwikkeling": 2,
                 "regievoering": 2, "beheer openbare ruimte": 2, "economie": 2,
                 "financiën": 1}),
    EmployeeRow("monique.leferink", "Monique Leferink", 36, "C", "CO",
                {"bestuursondersteuning": 3, "administratie": 2, "dienstverlening": 2,
                 "projectmanagement": 1, "HRM": 1, "ICT en informatievoorziening": 1}),
    EmployeeRow("wouter.nijhuis", "Wouter Nijhuis", 32, "C", "CO",
                {"informatiebeheer": 3, "administratie": 2, "sociaal domein": 2,
                 "leidinggeven": 2, "ICT en informatievoorziening": 1, "juridisch": 1,
                 "openbare orde en veiligheid": 1}),
    EmployeeRow("kim.dijkstra", "Kim Dijkstra", 22, "C", "CO",
                {"facilitair beheer": 3, "inkoop en contractmanagement": 2,
                 "financiën": 2, "leidinggeven": 2, "administratie": 2, "juridisch": 1,
                 "ICT en informatievoorziening": 1}),
    EmployeeRow("hans.vrielink", "Hans Vrielink", 36, "C", "RC",
                {"informatiebeheer": 2, "ICT en informatievoorziening": 2,
                 "regievoering": 2, "beheer openbare ruimte": 2, "sociaal domein": 2,
                 "duurzaamheid": 2, "facilitair beheer": 2}),
    EmployeeRow("jolanda.tijhuis", "Jolanda Tijhuis", 28, "C", "RC",
                {"beheer openbare ruimte": 3, "juridisch": 2, "projectmanagement": 2,
                 "regievoering": 1, "financiën": 1, "openbare orde en veiligheid": 1}),
    EmployeeRow("stefan.groothuis", "Stefan Groothuis", 26, "C", "RC",
                {"financiën": 2, "administratie": 2, "sociaal domein": 2, "HRM": 1,
                 "ICT en informatievoorziening": 1, "juridisch": 1}),
    EmployeeRow("annemiek.terhorst", "Annemiek Ter Horst", 36, "C", "RC",
                {"openbare orde en veiligheid": 3, "regievoering": 2, "juridisch": 2,
                 "ruimtelijke ordening": 2, "administratie": 2,
                 "inkoop en contractmanagement": 2, "communicatie": 1}),
    EmployeeRow("bianca.pieters", "Bianca Pieters", 36, "D", "CO",
                {"bestuursondersteuning": 2, "administratie": 2, "financiën": 2,
                 "sociaal domein": 2}),
    EmployeeRow("debora.koopman", "Debora Koopman", 36, "D", "CO",
                {"bestuursondersteuning": 2, "administratie": 2, "dienstverlening": 2,
                 "ruimtelijke ordening": 2}),
    EmployeeRow("ria.jonker", "Ria Jonker", 32, "D", "CO",
                {"bestuursondersteuning": 2, "administratie": 2, "sociaal domein": 2,
                 "financiën": 1}),
    EmployeeRow("marieke.lammers", "Marieke Lammers", 36, "D", "CO",
                {"administratie": 2, "informatiebeheer": 2, "financiën": 2,
                 "inkoop en contractmanagement": 2, "facilitair beheer": 1,
                 "ICT en informatievoorziening": 1}),
    EmployeeRow("sabine.hamberg", "Sabine Hamberg", 22, "D", "CO",
                {"administratie": 2, "informatiebeheer": 2, "financiën": 2,
                 "dienstverlening": 2, "facilitair beheer": 1,
                 "ICT en informatievoorziening": 1}),
    EmployeeRow("gert.wolters", "Gert Wolters", 36, "D", "CO",
                {"administratie": 2, "informatiebeheer": 2, "projectmanagement": 2,
                 "facilitair beheer": 1, "ICT en informatievoorziening": 1,
                 "duurzaamheid": 1}),
    EmployeeRow("tanja.oosterhof", "Tanja Oosterhof", 28, "D", "CO",
                {"administratie": 3, "informatiebeheer": 2, "beleidsontwikkeling": 2,
                 "regievoering": 2, "HRM": 1, "projectmanagement": 1, "financiën": 1,
                 "sociaal domein": 1}),
    EmployeeRow("laura.vandam", "Laura van Dam", 26, "D", "CO",
                {"communicatie": 2, "sociaal domein": 2, "administratie": 1,
                 "financiën": 1}),
    EmployeeRow("ivo.mensink", "Ivo Mensink", 36, "D", "RC",
                {"dienstverlening": 3, "informatiebeheer": 2, "participatie": 2,
                 "financiën": 1, "administratie": 1, "regievoering": 1,
                 "bestuursondersteuning": 1}),
]
# fmt: on


# --- settings of both demo rounds -----------------------------------------------

ROUND_SETTINGS = {"max_backup_share": 1.5}
"""Solver settings of both demo rounds (PlanningRound.settings; a new round copies
them from the last approved one).

Standing in as a backup is bounded per employee: the fte of the roles someone backs
up <= max_backup_share x contract fte (default 1.0). Ommen asks one backup for most
roles and two for the six critical ones: 52 fte of backup duty on 44.5 fte of roles,
~1.17x the work itself, carried by 45 fte of staff who are ~99 % utilised as holders.
At 1.0 that duty cannot fit (45 < 52 fte) and every plan misses ~20 backups. 1.5
(67.5 fte) covers the 1.17x with room for the uneven eligibility: few people qualify
for some roles, and part-timers (down to 0.56 fte) carry less. A cap cannot help
everywhere: nobody backs up r09 (2.0 fte) within 1.5 x a full contract, and a 1.5-fte
role needs a full-timer as its backup; those shortfalls stay visible in the plans.
"""

LEARNER_SHARE = "0.05"
"""Fte an ontwikkelrol costs the learner: the instance default learner_share, as the
optimiser would give it; it counts against the learner's contract."""


# --- the approved previous round (2026-H2) ---------------------------------------
# role, holders with their fte share, backups (vervangers). Every role is fully
# covered within contracts by eligible holders; backups are eligible non-holders
# within ROUND_SETTINGS["max_backup_share"] x contract. The backups were chosen
# once by the solver with these holders and learners pinned: as many as the cap
# allows, spread (nobody backs up more than two roles). Where a role has fewer
# backups than it needs, no eligible colleague has room for it under the cap.

# fmt: off
PREVIOUS_PLAN = [
    ("r01", {"hendrikjan.brinkman": "1.0"}, ["anouk.devries"]),
    ("r02", {"anouk.devries": "0.6"}, ["esther.nijland"]),
    ("r03", {"maarten.kuipers": "0.6"}, ["esther.nijland"]),
    ("r04", {"esther.nijland": "0.6"}, ["maarten.kuipers"]),
    ("r05", {"bas.hofman": "0.2", "thijs.lubbers": "0.4"}, ["hendrikjan.brinkman"]),
    ("r06", {"thijs.lubbers": "0.6"}, ["hendrikjan.brinkman"]),
    # r07: 1 missing, ria.jonker (0.89 fte) cannot back up 1.5 fte
    ("r07", {"debora.koopman": "0.8", "monique.leferink": "0.7"}, ["bianca.pieters"]),
    ("r08", {"bianca.pieters": "0.6", "debora.koopman": "0.2"}, ["ria.jonker"]),
    # r09: 1 missing, 2.0 fte: more than 1.5 x any contract
    ("r09", {"bianca.pieters": "0.4", "laura.vandam": "0.72", "ria.jonker": "0.88"},
     []),
    ("r10", {"gert.wolters": "0.57", "ivo.mensink": "0.23"}, ["wouter.nijhuis"]),
    ("r11", {"marieke.lammers": "0.6", "sabine.hamberg": "0.4"}, ["gert.wolters"]),
    # r12: 1 missing, gerrit.schuurman (0.61 fte) cannot back up 1.2 fte
    ("r12", {"nicole.peters": "0.7", "ruud.vandijk": "0.5"}, ["niels.dekker"]),
    ("r13", {"tom.huisman": "1.0"}, ["marloes.wessels", "petra.slot"]),
    ("r14", {"ellen.bouwman": "0.6", "niels.dekker": "0.2"}, ["laura.vandam"]),
    ("r15", {"anouk.devries": "0.4", "mark.schipper": "0.6"}, ["thijs.lubbers"]),
    ("r16", {"monique.leferink": "0.3", "tanja.oosterhof": "0.3"},
     ["stefan.groothuis"]),
    ("r17", {"kim.dijkstra": "0.56", "nicole.peters": "0.24"}, ["maarten.kuipers"]),
    ("r18", {"wendy.kok": "0.8"}, ["nicole.peters"]),
    ("r19", {"gert.wolters": "0.23", "tanja.oosterhof": "0.47"}, ["monique.leferink"]),
    ("r20", {"annemiek.terhorst": "1.0", "daan.smit": "0.5"}, ["saskia.visser"]),
    ("r21", {"arjen.post": "0.75", "yvonne.meijer": "0.45"}, ["koen.bakker"]),
    ("r22", {"jolanda.tijhuis": "0.25", "wouter.nijhuis": "0.55"}, ["daan.smit"]),
    ("r23", {"koen.bakker": "0.8"}, ["annemiek.terhorst", "wendy.kok"]),
    # r24: 1 missing, its only candidate ilse.kamphuis (1.5 fte of room) is
    # also the only one for r43
    ("r24", {"gerrit.schuurman": "0.61", "saskia.visser": "0.89"}, []),
    # r25: 2 missing, only part-timers are eligible besides the holders
    ("r25", {"daan.smit": "0.5", "miriam.hulst": "1.0"}, []),
    ("r26", {"stefan.groothuis": "0.47", "wouter.nijhuis": "0.33"}, ["miriam.hulst"]),
    ("r27", {"maarten.kuipers": "0.4", "niels.dekker": "0.8"}, ["tom.huisman"]),
    ("r28", {"ivo.mensink": "0.29", "sabine.hamberg": "0.21"}, ["marieke.lammers"]),
    ("r29", {"joost.vos": "1.0"}, ["linda.hendriks"]),
    ("r30", {"gert.wolters": "0.2", "marieke.lammers": "0.4"}, ["hans.vrielink"]),
    ("r31", {"ivo.mensink": "0.48", "rik.brouwer": "0.32"}, ["inge.roelofs"]),
    ("r32", {"carla.mensink": "0.55", "hans.vrielink": "0.65"}, ["arjen.post"]),
    ("r33", {"arjen.post": "0.25", "hans.vrielink": "0.35"}, ["jolanda.tijhuis"]),
    ("r34", {"carla.mensink": "0.28", "jolanda.tijhuis": "0.52"}, ["frank.hoekstra"]),
    ("r35", {"erik.koster": "0.36", "rik.brouwer": "0.34"}, ["carla.mensink"]),
    ("r36", {"sanne.jansen": "1.0"}, ["bas.hofman"]),
    ("r37", {"bas.hofman": "0.68", "frank.hoekstra": "0.32"}, ["sanne.jansen"]),
    ("r38", {"femke.bosch": "0.25", "petra.slot": "0.75"}, ["lotte.veldhuis"]),
    # r39: 2 missing, only part-timers are eligible besides the holders
    ("r39", {"femke.bosch": "0.75", "jeroen.mulder": "0.75"}, []),
    ("r40", {"esther.nijland": "0.4", "marloes.wessels": "0.6"}, ["jeroen.mulder"]),
    # r41: 1 missing, gerrit.schuurman (0.61 fte) cannot back up 1.0 fte
    ("r41", {"ilse.kamphuis": "1.0"}, []),
    ("r42", {"inge.roelofs": "0.8", "koen.bakker": "0.2"}, ["ruud.vandijk"]),
    ("r43", {"lotte.veldhuis": "1.0"}, ["ilse.kamphuis"]),
    ("r44", {"mark.schipper": "0.4", "marloes.wessels": "0.4"}, ["joost.vos"]),
    ("r45", {"ellen.bouwman": "0.4", "wendy.kok": "0.2"}, ["femke.bosch"]),
    ("r46", {"linda.hendriks": "0.6"}, ["joost.vos"]),
    ("r47", {"ruud.vandijk": "0.5"}, ["gerrit.schuurman"]),
    ("r48", {"erik.koster": "0.25", "stefan.groothuis": "0.25"}, ["yvonne.meijer"]),
    ("r49", {"frank.hoekstra": "0.23", "yvonne.meijer": "0.27"}, ["femke.bosch"]),
]
# fmt: on

# role, learner (ontwikkelrol of LEARNER_SHARE fte), mentor (a holder of the role).
# Learners need spare contract for their share: the holders above leave that to few.
PREVIOUS_LEARNERS = [
    ("r24", "inge.roelofs", "gerrit.schuurman"),
    ("r34", "saskia.visser", "jolanda.tijhuis"),
    ("r43", "linda.hendriks", "lotte.veldhuis"),
    ("r19", "kim.dijkstra", "tanja.oosterhof"),
]

# --- the open round (2027-H1): preferences of most, not all, employees -----------

# fmt: off
OPEN_ROUND_PREFERENCES = [
    ("hendrikjan.brinkman", {"r01": "neutral", "r03": "want", "r05": "want",
     "r15": "learn"}),
    ("anouk.devries", {"r02": "want", "r04": "avoid", "r15": "want"}),
    ("maarten.kuipers", {"r02": "avoid", "r03": "neutral", "r04": "want",
     "r27": "want"}),
    ("esther.nijland", {"r02": "avoid", "r03": "neutral", "r04": "avoid",
     "r05": "learn", "r06": "neutral", "r40": "want"}),
    ("bas.hofman", {"r05": "neutral", "r36": "neutral", "r37": "want", "r38": "avoid",
     "r42": "learn", "r44": "want"}),
    ("ilse.kamphuis", {"r24": "neutral", "r41": "want"}),
    ("gerrit.schuurman", {"r05": "want", "r12": "want", "r24": "want", "r42": "want"}),
    ("lotte.veldhuis", {"r43": "neutral", "r46": "want"}),
    ("femke.bosch", {"r38": "want", "r39": "want", "r44": "want"}),
    ("marloes.wessels", {"r13": "neutral", "r40": "want", "r44": "want",
     "r49": "want"}),
    ("ruud.vandijk", {"r05": "learn", "r12": "neutral", "r44": "neutral",
     "r47": "want"}),
    ("petra.slot", {"r05": "want", "r38": "want", "r49": "want"}),
    ("thijs.lubbers", {"r05": "want", "r06": "avoid", "r44": "want", "r49": "want"}),
    ("wendy.kok", {"r18": "want", "r23": "want", "r45": "neutral"}),
    ("inge.roelofs", {"r21": "want", "r22": "learn", "r35": "want", "r42": "neutral"}),
    ("koen.bakker", {"r18": "learn", "r20": "want", "r22": "neutral", "r23": "want",
     "r42": "want"}),
    ("miriam.hulst", {"r25": "want", "r29": "learn", "r48": "want"}),
    ("erik.koster", {"r25": "want", "r26": "want", "r35": "want", "r48": "neutral"}),
    ("joost.vos", {"r29": "neutral", "r35": "neutral", "r44": "neutral",
     "r46": "want"}),
    ("linda.hendriks", {"r29": "avoid", "r31": "want", "r35": "want",
     "r46": "neutral"}),
    ("niels.dekker", {"r12": "want", "r14": "want", "r27": "neutral"}),
    ("yvonne.meijer", {"r18": "learn", "r21": "want", "r39": "neutral", "r48": "want",
     "r49": "want"}),
    ("arjen.post", {"r21": "want", "r33": "avoid", "r34": "avoid", "r44": "learn"}),
    ("rik.brouwer", {"r27": "avoid", "r31": "want", "r35": "avoid"}),
    ("saskia.visser", {"r24": "want", "r34": "learn", "r35": "neutral",
     "r42": "neutral"}),
    ("tom.huisman", {"r13": "want", "r14": "avoid"}),
    ("nicole.peters", {"r12": "want", "r17": "want", "r33": "want", "r44": "learn"}),
    ("mark.schipper", {"r15": "want", "r18": "learn", "r44": "want"}),
    ("ellen.bouwman", {"r14": "want", "r37": "want", "r45": "want"}),
    ("frank.hoekstra", {"r27": "learn", "r37": "want", "r44": "neutral",
     "r49": "want"}),
    ("monique.leferink", {"r07": "want", "r16": "want", "r19": "neutral"}),
    ("wouter.nijhuis", {"r10": "want", "r22": "neutral", "r26": "neutral",
     "r30": "want"}),
    ("kim.dijkstra", {"r11": "want", "r17": "want", "r28": "want"}),
    ("hans.vrielink", {"r11": "want", "r21": "learn", "r26": "want", "r30": "want",
     "r32": "want", "r33": "want"}),
    ("jolanda.tijhuis", {"r21": "learn", "r22": "want", "r32": "avoid", "r33": "want",
     "r34": "want"}),
    ("stefan.groothuis", {"r26": "want", "r27": "want", "r28": "want", "r34": "learn",
     "r48": "want"}),
    ("bianca.pieters", {"r07": "avoid", "r08": "neutral", "r09": "want", "r19": "learn",
     "r28": "avoid"}),
    ("debora.koopman", {"r07": "want", "r08": "want", "r09": "want", "r11": "learn"}),
    ("ria.jonker", {"r07": "want", "r09": "want", "r28": "neutral"}),
    ("gert.wolters", {"r10": "neutral", "r11": "want", "r19": "want", "r28": "learn",
     "r30": "want"}),
    ("tanja.oosterhof", {"r09": "want", "r10": "avoid", "r16": "neutral",
     "r19": "neutral", "r28": "want"}),
    ("ivo.mensink", {"r09": "neutral", "r10": "want", "r28": "want", "r31": "avoid"}),
]
# fmt: on

PREFERENCE_COMMENTS = {
    ("linda.hendriks", "r29"): "Na twee rondes ICT-regie wil ik graag iets anders; "
    "als vervanger blijf ik beschikbaar.",
    ("miriam.hulst", "r29"): "Ik wil me ontwikkelen richting informatievoorziening, "
    "graag met Joost als mentor.",
    ("bianca.pieters", "r07"): "De avondvergaderingen van het bestuurssecretariaat "
    "zijn lastig te combineren met de zorg voor mijn vader.",
    ("tom.huisman", "r14"): "Liever focus op woordvoering; de website kan iemand "
    "anders oppakken.",
    ("rik.brouwer", "r27"): "Financiële regie ligt me minder, publiekszaken des te "
    "meer.",
    ("koen.bakker", "r18"): "Ik wil mijn juridische kennis verdiepen via het "
    "samenwerkingsverband.",
    ("esther.nijland", "r05"): "Ik wil graag meer leren over de bestuursadvisering "
    "rond het college.",
}
