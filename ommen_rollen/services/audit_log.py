"""The Logboek for the secretaris and the ondernemingsraad: every audit entry as
a Dutch sentence with names, filtered by person, round and kind, a page at a time,
and the whole selection as CSV for Dutch Excel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from ..domain import ASSIGNMENT_KIND_LABELS, CHOICE_LABELS, AssignmentKind, Choice
from ..extensions import db
from ..models import (
    AuditEntry,
    Cluster,
    Competence,
    Employee,
    Job,
    Partner,
    PlanningRound,
    Proposal,
    Role,
    TaskField,
    User,
    WorkPlan,
)
from .base import ServiceError
from .exports.csv_export import write_csv

PAGE_SIZE = 50
MAX_PAGE = 100_000


def _date_text(value: Any) -> str:
    """An ISO date from the details as 1-3-2027 (the text itself if not a date)."""
    try:
        moment = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{moment.day}-{moment.month}-{moment.year}"


def _fte_text(value: Any) -> str:
    return str(value or 0).replace(".", ",")


# Kinds the Logboek filters on, and which actions belong to each.
KINDS: dict[str, str] = {
    "aanmelden": "Aan- en afmelden",
    "account": "Accounts en wachtwoorden",
    "api": "API-koppelingen",
    "voorkeuren": "Voorkeuren",
    "planronde": "Planrondes",
    "optimalisatie": "Optimalisaties en voorstellen",
    "aanpassing": "Aanpassingen aan het plan",
    "werkplan": "Werkplannen (akkoord, goedkeuring)",
    "beheer": "Beheer",
    "import": "Imports",
    "export": "Downloads",
    "privacy": "Privacy (inzage, wissen)",
}
ACTION_KINDS: dict[str, str] = {
    "login": "aanmelden",
    "logout": "aanmelden",
    "login_failed": "aanmelden",
    "login_throttled": "aanmelden",
    "login_second_factor": "aanmelden",
    "sso_token_refused": "aanmelden",
    "sso_unknown_person": "aanmelden",
    "account_created": "account",
    "first_password_set": "account",
    "invitation_sent": "account",
    "password_changed": "account",
    "password_set_by_invite": "account",
    "password_set_by_reset": "account",
    "password_reset_requested": "account",
    "password_reset_refused": "account",
    "two_factor_enabled": "account",
    "api_token.create": "api",
    "api_token.revoke": "api",
    "api.request": "api",
    "preferences_saved": "voorkeuren",
    "round_opened": "planronde",
    "round_closed": "planronde",
    "round_reopened": "planronde",
    "round_show_names": "planronde",
    "round_published": "planronde",
    "round_approved": "planronde",
    "demo_loaded": "beheer",
    "solve_started": "optimalisatie",
    "solve_failed": "optimalisatie",
    "solve_interrupted": "optimalisatie",
    "solve_cancel": "optimalisatie",
    "proposal_stored": "optimalisatie",
    "proposal_activated": "optimalisatie",
    "pin_added": "aanpassing",
    "pin_removed": "aanpassing",
    "assignment_moved": "aanpassing",
    "werkplan_agreed": "werkplan",
    "werkplan_commented": "werkplan",
    "werkplan_approved": "werkplan",
    "werkplan_approved_without_consent": "werkplan",
    "werkplan_new_version": "werkplan",
    "scenario_created": "aanpassing",
    "scenario_change_added": "aanpassing",
    "scenario_change_removed": "aanpassing",
    "scenario_solve_started": "aanpassing",
    "scenario_solved": "aanpassing",
    "scenario_published": "aanpassing",
    "swap_proposed": "aanpassing",
    "swap_accepted": "aanpassing",
    "swap_declined": "aanpassing",
    "beheer.create": "beheer",
    "beheer.update": "beheer",
    "beheer.activate": "beheer",
    "beheer.deactivate": "beheer",
    "beheer.delete": "beheer",
    "import": "import",
    "import_create": "import",
    "import_update": "import",
    "import_instance": "import",
    "export": "export",
    "privacy_inzage": "privacy",
    "privacy_erased": "privacy",
}

NOUNS = {
    "employee": "medewerker",
    "role": "rol",
    "cluster": "cluster",
    "competence": "competentie",
    "partner": "partner",
    "task_field": "taakveld",
    "user": "account",
}
OBJECT_MODELS: dict[str, type[Any]] = {
    "employee": Employee,
    "role": Role,
    "cluster": Cluster,
    "competence": Competence,
    "partner": Partner,
    "task_field": TaskField,
}
DOWNLOADS = {
    "zip": "alle werkplannen (ZIP)",
    "xlsx": "het Excel-overzicht",
    "csv": "de toewijzingen (CSV)",
    "json": "het instancebestand (JSON)",
    "pdf": "een PDF",
}


@dataclass
class Names:
    """What the sentences of a set of entries refer to, loaded in a few queries."""

    users: dict[int, User] = field(default_factory=dict)
    employees: dict[int, Employee] = field(default_factory=dict)
    rounds: dict[int, PlanningRound] = field(default_factory=dict)
    plans: dict[int, WorkPlan] = field(default_factory=dict)
    proposals: dict[int, Proposal] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    roles_by_code: dict[str, Role] = field(default_factory=dict)
    objects: dict[tuple[str, int], Any] = field(default_factory=dict)

    def actor(self, entry: AuditEntry) -> str:
        if entry.user_id is None:
            return "Het systeem"
        user = self.users.get(entry.user_id)
        if user is None:
            return f"Account {entry.user_id}"
        if user.employee_id is not None and user.employee_id in self.employees:
            return self.employees[user.employee_id].name
        return user.username

    def actor_employee_id(self, entry: AuditEntry) -> int | None:
        user = self.users.get(entry.user_id) if entry.user_id is not None else None
        return user.employee_id if user is not None else None

    def account(self, user_id: Any) -> str:
        """The account's medewerker, else its username."""
        user = self.users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            return (
                f"account {user_id}" if user_id is not None else "een onbekend account"
            )
        if user.employee_id is not None and user.employee_id in self.employees:
            return self.employees[user.employee_id].name
        return user.username

    def employee(self, employee_id: Any) -> str:
        if isinstance(employee_id, int) and employee_id in self.employees:
            return self.employees[employee_id].name
        return f"medewerker {employee_id}" if employee_id is not None else "onbekend"

    def round(self, round_id: Any) -> str:
        if isinstance(round_id, int) and round_id in self.rounds:
            return f"ronde {self.rounds[round_id].label}"
        return "een ronde" if round_id is None else f"ronde {round_id}"

    def role(self, role_id: Any = None, code: Any = None) -> str:
        role = self.roles.get(role_id) if isinstance(role_id, int) else None
        if role is None and isinstance(code, str):
            role = self.roles_by_code.get(code)
        if role is not None:
            return f"{role.code} {role.name}"
        return str(code or (f"rol {role_id}" if role_id is not None else "een rol"))

    def plan(self, plan_id: Any) -> WorkPlan | None:
        return self.plans.get(plan_id) if isinstance(plan_id, int) else None

    def plan_round(self, entry: AuditEntry) -> str:
        plan = self.plan(entry.object_id)
        return self.round(plan.round_id if plan else None)

    def plan_owner(self, entry: AuditEntry) -> int | None:
        plan = self.plan(entry.object_id)
        return plan.employee_id if plan else entry.details.get("employee_id")

    def object_name(self, entry: AuditEntry) -> str:
        obj = self.objects.get((entry.object_type, entry.object_id or 0))
        if isinstance(obj, Role):
            return f"{obj.code} {obj.name}"
        if obj is not None:
            return str(obj.name)
        return str(entry.details.get("name") or f"nummer {entry.object_id}")

    def job_round(self, entry: AuditEntry) -> str:
        job = self.jobs.get(entry.object_id or 0)
        return self.round(
            entry.details.get("round_id") or (job.round_id if job else None)
        )


def load_names(entries: Sequence[AuditEntry]) -> Names:
    """Look up every user, employee, round, plan, proposal, job and role the
    entries mention (a handful of queries per page, not one per entry)."""
    names = Names()
    ids: dict[str, set[int]] = {
        k: set()
        for k in ("user", "employee", "round", "plan", "proposal", "job", "role")
    }
    codes: set[str] = set()
    objects: dict[str, set[int]] = {k: set() for k in OBJECT_MODELS}
    for e in entries:
        d = e.details or {}
        if e.user_id is not None:
            ids["user"].add(e.user_id)
        for key in ("employee_id", "from_employee_id", "to_employee_id"):
            if isinstance(d.get(key), int):
                ids["employee"].add(d[key])
        if isinstance(d.get("round_id"), int):
            ids["round"].add(d["round_id"])
        if isinstance(d.get("role_id"), int):
            ids["role"].add(d["role_id"])
        if isinstance(d.get("role"), str):
            codes.add(d["role"])
        if e.object_id is not None:
            kind = {
                "planning_round": "round",
                "work_plan": "plan",
                "proposal": "proposal",
                "job": "job",
                "user": "user",
            }.get(e.object_type)
            if kind:
                ids[kind].add(e.object_id)
            elif e.object_type in objects:
                objects[e.object_type].add(e.object_id)
    names.users = _by_id(User, ids["user"])
    names.plans = _by_id(WorkPlan, ids["plan"])
    names.proposals = _by_id(Proposal, ids["proposal"])
    names.jobs = _by_id(Job, ids["job"])
    for plan in names.plans.values():
        ids["employee"].add(plan.employee_id)
        ids["round"].add(plan.round_id)
    runs: list[Proposal | Job] = [*names.proposals.values(), *names.jobs.values()]
    for item in runs:
        if item.round_id is not None:
            ids["round"].add(item.round_id)
    ids["employee"].update(u.employee_id for u in names.users.values() if u.employee_id)
    ids["employee"].update(objects.pop("employee"))
    names.employees = _by_id(Employee, ids["employee"])
    names.rounds = _by_id(PlanningRound, ids["round"])
    names.roles = _by_id(Role, ids["role"] | objects.pop("role"))
    if codes:
        found = db.session.scalars(select(Role).where(Role.code.in_(codes))).all()
        names.roles_by_code = {r.code: r for r in found}
    for employee in names.employees.values():
        names.objects[("employee", employee.id)] = employee
    for role in names.roles.values():
        names.objects[("role", role.id)] = role
    for object_type, wanted in objects.items():
        for obj in _by_id(OBJECT_MODELS[object_type], wanted).values():
            names.objects[(object_type, obj.id)] = obj
    return names


def _by_id(model: type[Any], wanted: set[int]) -> dict[int, Any]:
    if not wanted:
        return {}
    return {
        o.id: o for o in db.session.scalars(select(model).where(model.id.in_(wanted)))
    }


# --- one sentence per action ----------------------------------------------------


def _choices(choices: Any, n: Names) -> str:
    if not isinstance(choices, dict) or not choices:
        return ""
    parts = []
    for code, value in sorted(choices.items()):
        try:
            label = CHOICE_LABELS[Choice(value)]
        except ValueError:
            label = str(value)
        parts.append(f"{n.role(code=code)}: {label}")
    return " (" + "; ".join(parts) + ")"


def _preferences(e: AuditEntry, n: Names) -> str:
    whose = e.details.get("employee_id")
    choices = _choices(e.details.get("choices"), n)
    if whose is None or whose == n.actor_employee_id(e):
        return (
            f"{n.actor(e)} heeft voorkeuren opgeslagen voor "
            f"{n.round(e.object_id)}{choices}"
        )
    return (
        f"{n.actor(e)} heeft voorkeuren van {n.employee(whose)} opgeslagen voor "
        f"{n.round(e.object_id)}{choices}"
    )


def _whose_plan(e: AuditEntry, n: Names) -> str:
    owner = n.plan_owner(e)
    if owner is not None and owner == n.actor_employee_id(e):
        return "het eigen werkplan"
    return f"het werkplan van {n.employee(owner)}"


def _version(e: AuditEntry) -> str:
    version = e.details.get("version")
    return f" (versie {version})" if isinstance(version, int) and version > 1 else ""


def _approved(e: AuditEntry, n: Names) -> str:
    text = (
        f"{n.actor(e)} heeft {_whose_plan(e, n)} voor {n.plan_round(e)} "
        f"goedgekeurd{_version(e)}"
    )
    if e.action == "werkplan_approved_without_consent":
        text += " zonder akkoord van de medewerker"
        if e.details.get("concerns"):
            text += f" (aandachtspunten: {e.details['concerns']})"
        if e.details.get("reason"):
            text += f"; reden: {e.details['reason']}"
    return text


def _round_closed(e: AuditEntry, n: Names) -> str:
    text = f"{n.actor(e)} heeft {n.round(e.object_id)} gesloten voor voorkeuren"
    missing = e.details.get("without_preferences")
    if missing:
        people = "medewerker" if missing == 1 else "medewerkers"
        text += f" ({missing} {people} zonder voorkeuren)"
    return text


def _round_opened(e: AuditEntry, n: Names) -> str:
    label = e.details.get("label")
    text = f"{n.actor(e)} heeft planronde {label or n.round(e.object_id)} geopend"
    if e.details.get("previous"):
        text += f" (vervolg op {e.details['previous']})"
    return text


def _pin(e: AuditEntry, n: Names) -> str:
    verb = "vastgezet" if e.details.get("pin_kind") == "pin" else "uitgesloten"
    try:
        kind = ASSIGNMENT_KIND_LABELS[AssignmentKind(str(e.details.get("kind")))]
    except ValueError:
        kind = "rol"
    return (
        f"{n.actor(e)} heeft {n.employee(e.details.get('employee_id'))} {verb} als "
        f"{kind} van {n.role(code=e.details.get('role'))} in "
        f"{n.round(e.details.get('round_id'))}"
    )


def _proposal(e: AuditEntry, n: Names) -> tuple[str, str]:
    proposal = n.proposals.get(e.object_id or 0)
    number = e.details.get("number") or (proposal.number if proposal else e.object_id)
    round_id = e.details.get("round_id") or (proposal.round_id if proposal else None)
    return f"voorstel {number}", n.round(round_id)


def _proposal_stored(e: AuditEntry, n: Names) -> str:
    which, round_ = _proposal(e, n)
    status = e.details.get("solver_status")
    return f"{which[0].upper()}{which[1:]} van {round_} is opgeslagen" + (
        f" (uitkomst: {status})" if status else ""
    )


def _proposal_activated(e: AuditEntry, n: Names) -> str:
    which, round_ = _proposal(e, n)
    text = f"{n.actor(e)} heeft {which} van {round_} gekozen"
    if e.details.get("akkoord_vervallen"):
        text += f"; akkoord vervallen voor: {e.details['akkoord_vervallen']}"
    kept = e.details.get("akkoord_behouden")
    if kept:
        text += f"; akkoord behouden: {kept}"
    return text


def _moved(e: AuditEntry, n: Names) -> str:
    d = e.details
    fte = str(d.get("fte", "")).replace(".", ",")
    return (
        f"{n.actor(e)} heeft {n.role(d.get('role_id'))} ({fte} fte) verplaatst van "
        f"{n.employee(d.get('from_employee_id'))} naar "
        f"{n.employee(d.get('to_employee_id'))} in {n.round(e.object_id)}"
    )


def _export(e: AuditEntry, n: Names) -> str:
    fmt = str(e.details.get("format", ""))
    if e.object_type == "work_plan":
        return (
            f"{n.actor(e)} heeft {_whose_plan(e, n)} voor {n.plan_round(e)} "
            f"gedownload als {fmt.upper()}"
        )
    if e.object_type == "proposal":
        which, round_ = _proposal(e, n)
        return f"{n.actor(e)} heeft de JSON van {which} van {round_} gedownload"
    if e.object_type == "audit_log":
        return f"{n.actor(e)} heeft het logboek gedownload als {fmt.upper()}"
    what = DOWNLOADS.get(fmt, fmt)
    return f"{n.actor(e)} heeft {what} van {n.round(e.object_id)} gedownload"


def _changes(value: Any) -> str:
    if isinstance(value, dict) and value:
        return " (" + ", ".join(sorted(str(k) for k in value)) + ")"
    if isinstance(value, list) and value:
        return " (" + "; ".join(str(v) for v in value) + ")"
    return ""


def _beheer(verb: str) -> Callable[[AuditEntry, Names], str]:
    def sentence(e: AuditEntry, n: Names) -> str:
        noun = NOUNS.get(e.object_type, e.object_type or "object")
        text = f"{n.actor(e)} heeft {noun} {n.object_name(e)} {verb}"
        if e.action in ("beheer.update", "import_update"):
            text += _changes(e.details.get("changes"))
        if e.action.startswith("import_"):
            text += f" via een import (rij {e.details.get('row')})"
        return text

    return sentence


def _import(e: AuditEntry, n: Names) -> str:
    d = e.details
    noun = NOUNS.get(e.object_type, e.object_type or "gegevens")
    return (
        f"{n.actor(e)} heeft {noun}gegevens geïmporteerd uit "
        f"{d.get('filename') or 'een bestand'}: "
        f"{d.get('created', 0)} nieuw, {d.get('updated', 0)} bijgewerkt, "
        f"{d.get('unchanged', 0)} ongewijzigd"
    )


def _import_instance(e: AuditEntry, n: Names) -> str:
    d = e.details
    return (
        f"{n.actor(e)} heeft {n.round(e.object_id)} geïmporteerd uit instance "
        f"{d.get('name', '')} ({d.get('employees', 0)} medewerkers, "
        f"{d.get('roles', 0)} rollen, {d.get('preferences', 0)} voorkeuren)"
    )


def _erased(e: AuditEntry, n: Names) -> str:
    why = (
        "na afloop van de bewaartermijn"
        if e.details.get("reason") == "retention"
        else "op verzoek"
    )
    return (
        f"{n.actor(e)} heeft de persoonsgegevens van {n.employee(e.object_id)} "
        f"gewist ({why})"
    )


def _from(e: AuditEntry) -> str:
    return f" vanaf {e.remote_addr}" if e.remote_addr else ""


def _tried(e: AuditEntry) -> str:
    name = e.details.get("username")
    return f" met gebruikersnaam '{name}'" if name else ""


def _account(template: str) -> Callable[[AuditEntry, Names], str]:
    """``template`` names the account as {who}: 'het account van {who} aangemaakt'."""

    def build(e: AuditEntry, n: Names) -> str:
        return f"{n.actor(e)} heeft " + template.format(who=n.account(e.object_id))

    return build


SENTENCES: dict[str, Callable[[AuditEntry, Names], str]] = {
    "login": lambda e, n: f"{n.actor(e)} heeft zich aangemeld{_from(e)}",
    "logout": lambda e, n: f"{n.actor(e)} heeft zich afgemeld",
    "login_failed": lambda e, n: f"Mislukte aanmelding{_tried(e)}{_from(e)}",
    "login_throttled": lambda e, n: (
        f"Aanmelding geweigerd na te veel pogingen{_tried(e)}{_from(e)}"
    ),
    "login_second_factor": lambda e, n: (
        f"{n.actor(e)} heeft de tweestapscode gegeven{_from(e)}"
    ),
    "sso_token_refused": lambda e, n: (
        f"Aanmelding via de gemeente geweigerd: ongeldig bewijs{_from(e)}"
    ),
    "sso_unknown_person": lambda e, n: (
        f"Aanmelding via de gemeente geweigerd: onbekende persoon{_from(e)}"
    ),
    "account_created": _account("het account van {who} aangemaakt"),
    "first_password_set": _account("een eerste wachtwoord voor {who} ingesteld"),
    "invitation_sent": _account("een uitnodiging aan {who} gestuurd"),
    "password_changed": lambda e, n: f"{n.actor(e)} heeft het wachtwoord gewijzigd",
    "password_set_by_invite": lambda e, n: (
        f"{n.actor(e)} heeft via de uitnodiging een wachtwoord ingesteld"
    ),
    "password_set_by_reset": lambda e, n: (
        f"{n.actor(e)} heeft via de herstellink een nieuw wachtwoord ingesteld"
    ),
    "password_reset_requested": lambda e, n: (
        f"Herstellink aangevraagd voor {n.account(e.object_id)}{_from(e)}"
    ),
    "password_reset_refused": lambda e, n: (
        f"Herstellink gevraagd voor een onbekend of inactief adres{_from(e)}"
    ),
    "two_factor_enabled": lambda e, n: (
        f"{n.actor(e)} heeft aanmelden in twee stappen aangezet"
    ),
    "api_token.create": lambda e, n: (
        f"{n.actor(e)} heeft de API-sleutel '{e.details.get('name', '')}' gemaakt "
        f"(rechten: {', '.join(e.details.get('scopes') or []) or 'geen'}; geldig tot "
        f"{e.details.get('expires_on', 'onbekend')})"
    ),
    "api_token.revoke": lambda e, n: (
        f"{n.actor(e)} heeft de API-sleutel '{e.details.get('name', '')}' ingetrokken"
    ),
    "api.request": lambda e, n: (
        f"De API-sleutel '{e.details.get('token', '')}' is gebruikt: "
        f"{e.details.get('method', '')} {e.details.get('path', '')}"
    ),
    "preferences_saved": _preferences,
    "round_opened": _round_opened,
    "round_closed": _round_closed,
    "round_reopened": lambda e, n: (
        f"{n.actor(e)} heeft {n.round(e.object_id)} heropend voor voorkeuren"
    ),
    "round_show_names": lambda e, n: (
        f"{n.actor(e)} heeft bij Samen kiezen de namen "
        f"{'zichtbaar' if e.details.get('show_names') else 'verborgen'} gemaakt "
        f"voor {n.round(e.object_id)}"
    ),
    "round_published": lambda e, n: (
        f"{n.actor(e)} heeft het voorstel van {n.round(e.object_id)} voorgelegd "
        "aan de medewerkers"
    ),
    "round_approved": lambda e, n: (
        f"Alle werkplannen van {n.round(e.object_id)} zijn goedgekeurd "
        f"(laatste goedkeuring door {n.actor(e)})"
    ),
    "demo_loaded": lambda e, n: (
        f"{n.actor(e)} heeft de demo-organisatie geladen "
        f"({e.details.get('employees', 0)} medewerkers, "
        f"{e.details.get('roles', 0)} rollen)"
    ),
    "solve_started": lambda e, n: (
        f"{n.actor(e)} heeft een optimalisatie van {n.job_round(e)} gestart "
        f"(taak {e.object_id})"
    ),
    "solve_failed": lambda e, n: (
        f"De optimalisatie van {n.job_round(e)} (taak {e.object_id}) is mislukt"
    ),
    "solve_interrupted": lambda e, n: (
        f"De optimalisatie van {n.job_round(e)} (taak {e.object_id}) is afgebroken: "
        "het proces dat haar uitvoerde is gestopt"
    ),
    "solve_cancel": lambda e, n: (
        f"{n.actor(e)} heeft de optimalisatie van {n.job_round(e)} (taak "
        f"{e.object_id}) gestopt"
    ),
    "proposal_stored": _proposal_stored,
    "proposal_activated": _proposal_activated,
    "pin_added": _pin,
    "pin_removed": lambda e, n: (
        f"{n.actor(e)} heeft een vaste keuze voor "
        f"{n.employee(e.details.get('employee_id'))} en "
        f"{n.role(e.details.get('role_id'))} in "
        f"{n.round(e.details.get('round_id'))} verwijderd"
    ),
    "assignment_moved": _moved,
    "werkplan_agreed": lambda e, n: (
        f"{n.actor(e)} is akkoord gegaan met {_whose_plan(e, n)} voor {n.plan_round(e)}"
    ),
    "werkplan_commented": lambda e, n: (
        f"{n.actor(e)} heeft een opmerking geplaatst bij {_whose_plan(e, n)} voor "
        f"{n.plan_round(e)}"
    ),
    "werkplan_approved": _approved,
    "werkplan_approved_without_consent": _approved,
    "scenario_created": lambda e, n: (
        f"{n.actor(e)} heeft scenario '{e.details.get('name')}' gemaakt voor "
        f"{n.round(e.details.get('round_id'))}, geldig vanaf "
        f"{_date_text(e.details.get('valid_from'))}"
    ),
    "scenario_change_added": lambda e, n: (
        f"{n.actor(e)} heeft aan scenario '{e.details.get('name')}' toegevoegd: "
        f"{e.details.get('change')}"
    ),
    "scenario_change_removed": lambda e, n: (
        f"{n.actor(e)} heeft uit scenario '{e.details.get('name')}' verwijderd: "
        f"{e.details.get('change')}"
    ),
    "scenario_solve_started": lambda e, n: (
        f"{n.actor(e)} is het doorrekenen van scenario '{e.details.get('name')}' "
        f"gestart (taak {e.object_id})"
    ),
    "scenario_solved": lambda e, n: (
        f"{n.actor(e)} heeft scenario '{e.details.get('name')}' doorgerekend: "
        f"{_fte_text(e.details.get('uncovered_fte'))} fte onbezet, "
        f"{e.details.get('missing_backups') or 0} vervangers te weinig"
    ),
    "scenario_published": lambda e, n: (
        f"{n.actor(e)} heeft scenario '{e.details.get('name')}' doorgevoerd in "
        f"{n.round(e.details.get('round_id'))}: "
        f"{e.details.get('werkplannen') or 0} nieuwe werkplanversies vanaf "
        f"{_date_text(e.details.get('valid_from'))}"
    ),
    "swap_proposed": lambda e, n: (
        f"{n.actor(e)} heeft een ruil voorgesteld in "
        f"{n.round(e.details.get('round_id'))}: {e.details.get('name')}"
    ),
    "swap_accepted": lambda e, n: (
        f"{n.actor(e)} heeft de ruil geaccepteerd: {e.details.get('name')}"
    ),
    "swap_declined": lambda e, n: (
        f"{n.actor(e)} heeft de ruil afgewezen: {e.details.get('name')}"
    ),
    "werkplan_new_version": lambda e, n: (
        f"{n.actor(e)} heeft versie {e.details.get('version')} gemaakt van "
        f"{_whose_plan(e, n)} voor {n.plan_round(e)}"
    ),
    "beheer.create": _beheer("aangemaakt"),
    "beheer.update": _beheer("gewijzigd"),
    "beheer.activate": _beheer("weer actief gemaakt"),
    "beheer.deactivate": _beheer("op non-actief gezet"),
    "beheer.delete": _beheer("verwijderd"),
    "import": _import,
    "import_create": _beheer("aangemaakt"),
    "import_update": _beheer("bijgewerkt"),
    "import_instance": _import_instance,
    "export": _export,
    "privacy_inzage": lambda e, n: (
        f"{n.actor(e)} heeft de inzage in de gegevens van {n.employee(e.object_id)} "
        f"gedownload als {str(e.details.get('format', '')).upper()}"
    ),
    "privacy_erased": _erased,
}


def sentence(entry: AuditEntry, names: Names) -> str:
    """The entry as one Dutch sentence; an action without its own sentence still
    reads as a sentence (the action and its details), never a Python dict."""
    build = SENTENCES.get(entry.action)
    if build is not None:
        text = build(entry, names)
    else:
        details = "; ".join(f"{k}: {v}" for k, v in sorted(entry.details.items()))
        text = f"{names.actor(entry)}: {entry.action}" + (
            f" ({details})" if details else ""
        )
    # a username starts the sentence in lower case ("secretaris heeft ...")
    return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    sentence: str
    who: str
    kind: str

    @property
    def address(self) -> str | None:
        return self.entry.remote_addr or None


def kind_of(action: str) -> str:
    return ACTION_KINDS.get(action, "beheer" if action.startswith("beheer.") else "")


def describe_entries(entries: Sequence[AuditEntry]) -> list[Line]:
    names = load_names(entries)
    return [
        Line(e, sentence(e, names), names.actor(e), KINDS.get(kind_of(e.action), ""))
        for e in entries
    ]


# --- filters, pages, CSV -----------------------------------------------------------


def _json_int(key: str) -> Any:
    return AuditEntry.details[key].as_integer()


def person_filter(employee_id: int, user_id: int | None) -> ColumnElement[bool]:
    """Entries by this person's account or about them."""
    plan_ids = select(WorkPlan.id).where(WorkPlan.employee_id == employee_id)
    about = [
        and_(AuditEntry.object_type == "employee", AuditEntry.object_id == employee_id),
        and_(AuditEntry.object_type == "work_plan", AuditEntry.object_id.in_(plan_ids)),
        _json_int("employee_id") == employee_id,
        _json_int("from_employee_id") == employee_id,
        _json_int("to_employee_id") == employee_id,
    ]
    if user_id is not None:
        about.append(AuditEntry.user_id == user_id)
        about.append(
            and_(AuditEntry.object_type == "user", AuditEntry.object_id == user_id)
        )
    return or_(*about)


def round_filter(round_id: int) -> ColumnElement[bool]:
    return or_(
        and_(
            AuditEntry.object_type == "planning_round", AuditEntry.object_id == round_id
        ),
        _json_int("round_id") == round_id,
        and_(
            AuditEntry.object_type == "work_plan",
            AuditEntry.object_id.in_(
                select(WorkPlan.id).where(WorkPlan.round_id == round_id)
            ),
        ),
        and_(
            AuditEntry.object_type == "proposal",
            AuditEntry.object_id.in_(
                select(Proposal.id).where(Proposal.round_id == round_id)
            ),
        ),
        and_(
            AuditEntry.object_type == "job",
            AuditEntry.object_id.in_(select(Job.id).where(Job.round_id == round_id)),
        ),
    )


def kind_filter(kind: str) -> ColumnElement[bool]:
    actions = [a for a, k in ACTION_KINDS.items() if k == kind]
    if not actions:
        return false()
    return AuditEntry.action.in_(actions)


@dataclass(frozen=True)
class Selection:
    """What the Logboek is asked to show (already checked)."""

    employee_id: int | None = None
    round_id: int | None = None
    kind: str = ""

    def query(self) -> Select[AuditEntry]:
        query = select(AuditEntry)
        if self.employee_id is not None:
            user_id = db.session.scalar(
                select(User.id).where(User.employee_id == self.employee_id)
            )
            query = query.where(person_filter(self.employee_id, user_id))
        if self.round_id is not None:
            query = query.where(round_filter(self.round_id))
        if self.kind:
            query = query.where(kind_filter(self.kind))
        return query

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if self.employee_id is not None:
            args["medewerker"] = self.employee_id
        if self.round_id is not None:
            args["ronde"] = self.round_id
        if self.kind:
            args["soort"] = self.kind
        return args


def parse_selection(args: dict[str, str]) -> Selection:
    """The filters from the query string; unknown values are a Dutch error."""
    employee_id = _id_arg(
        args.get("medewerker", ""), Employee, "Deze medewerker bestaat niet."
    )
    round_id = _id_arg(
        args.get("ronde", ""), PlanningRound, "Deze planronde bestaat niet."
    )
    kind = args.get("soort", "").strip()
    if kind and kind not in KINDS:
        raise ServiceError("Kies een soort uit de lijst.")
    return Selection(employee_id, round_id, kind)


def _id_arg(raw: str, model: type[Any], message: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12 or db.session.get(model, int(raw)) is None:
        raise ServiceError(message)
    return int(raw)


def parse_page(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ServiceError(
            f"Het paginanummer moet een getal van 1 tot {MAX_PAGE} zijn."
        )
    return int(raw)


@dataclass(frozen=True)
class Page:
    lines: list[Line]
    number: int
    pages: int
    total: int


def page(selection: Selection, number: int, size: int = PAGE_SIZE) -> Page:
    """One page of the selection, newest first; a page past the end shows the last."""
    query = selection.query()
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, ceil(total / size))
    number = min(number, pages)
    entries = db.session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((number - 1) * size).limit(size)
    ).all()
    return Page(describe_entries(entries), number, pages, total)


CSV_HEADER = ["Nummer", "Wanneer (UTC)", "Wie", "Soort", "Wat", "Adres"]


def selection_csv(selection: Selection, batch: int = 500) -> bytes:
    """Every entry of the selection, oldest first, as Dutch-Excel CSV."""
    rows: list[list[Any]] = []
    last_id = 0
    while True:
        entries = db.session.scalars(
            selection.query()
            .where(AuditEntry.id > last_id)
            .order_by(AuditEntry.id)
            .limit(batch)
        ).all()
        if not entries:
            break
        for line in describe_entries(entries):
            at = line.entry.at
            if at is not None and at.tzinfo is not None:
                at = at.astimezone(UTC)
            rows.append(
                [
                    line.entry.id,
                    at.strftime("%d-%m-%Y %H:%M:%S") if at else "",
                    line.who,
                    line.kind,
                    line.sentence,
                    line.entry.remote_addr,
                ]
            )
        last_id = entries[-1].id
    return write_csv(CSV_HEADER, rows)
