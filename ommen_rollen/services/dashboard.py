"""The secretaris's start page: where the current planning round stands and what
to do next, gathered from the rounds, approval and hard-rule services."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import RoundStatus
from ..models import Employee, PlanningRound, WorkPlan, WorkPlanStatus
from ..naming import name_key
from . import approval, rounds
from .review import round_proposals


@dataclass(frozen=True)
class NextStep:
    """The one thing to do now: a button label, the endpoint it opens and its
    arguments (always a page, never a change: the page confirms)."""

    label: str
    endpoint: str
    args: dict[str, int] = field(default_factory=dict)
    why: str = ""


@dataclass
class RoundDashboard:
    round: PlanningRound | None
    missing: list[Employee] = field(default_factory=list)
    given: int = 0
    agreed: list[WorkPlan] = field(default_factory=list)
    not_agreed: list[WorkPlan] = field(default_factory=list)
    approved: int = 0
    comments: list[WorkPlan] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    proposals: int = 0
    next_step: NextStep | None = None

    @property
    def plans(self) -> int:
        return len(self.agreed) + len(self.not_agreed) + self.approved


def _next_step(d: RoundDashboard) -> NextStep:
    round_ = d.round
    if round_ is None or round_.status in (RoundStatus.APPROVED, RoundStatus.ARCHIVED):
        why = (
            f"Planronde {round_.label} is goedgekeurd."
            if round_
            else "Er is nog geen planronde."
        )
        return NextStep("Nieuwe planronde openen", "planning.open_round", why=why)
    args = {"round_id": round_.id}
    if round_.status == RoundStatus.OPEN:
        return NextStep(
            "Ronde sluiten voor voorkeuren",
            "planning.close_round",
            args,
            (
                "1 medewerker heeft"
                if len(d.missing) == 1
                else f"{len(d.missing)} medewerkers hebben"
            )
            + " nog geen voorkeuren gegeven."
            if d.missing
            else "Iedereen heeft voorkeuren gegeven.",
        )
    if round_.status == RoundStatus.CLOSED:
        if d.proposals == 0:
            return NextStep(
                "Optimaliseren",
                "planning.round_detail",
                args,
                "De ronde is gesloten; er is nog geen voorstel.",
            )
        return NextStep(
            "Voorstellen beoordelen en voorleggen",
            "planning.round_detail",
            args,
            f"Er {'is' if d.proposals == 1 else 'zijn'} {d.proposals} "
            f"voorstel{'' if d.proposals == 1 else 'len'}; leg er één voor aan de "
            "medewerkers.",
        )
    return NextStep(
        "Werkplannen goedkeuren",
        "planning.approve_all",
        args,
        f"{len(d.agreed)} van {d.plans} werkplannen hebben akkoord." if d.plans else "",
    )


def round_dashboard() -> RoundDashboard:
    """The current round (the newest one medewerkers work in) at a glance."""
    round_ = rounds.open_round_now()
    d = RoundDashboard(round=round_)
    if round_ is not None:
        progress = rounds.preference_progress(round_.id)
        d.missing = sorted(progress.missing, key=lambda e: name_key(e.name))
        d.given = len(progress.given)
        d.proposals = len(round_proposals(round_.id))
        if round_.status == RoundStatus.PROPOSED:
            overview = approval.approval_overview(round_.id)
            d.approved = overview.approved
            consents = overview.ready + overview.to_choose
            for c in sorted(consents, key=lambda c: name_key(c.name)):
                plan = c.plan
                agreed = plan.status == WorkPlanStatus.AGREED
                (d.agreed if agreed else d.not_agreed).append(plan)
                if approval.OPEN_COMMENT in c.concerns:
                    d.comments.append(plan)
            d.blockers = list(overview.violations)
            if d.not_agreed:
                d.blockers.append(
                    f"{len(d.not_agreed)} werkplannen zonder akkoord: goedkeuren "
                    "kan alleen per medewerker, met een reden."
                )
            if d.comments:
                d.blockers.append(
                    f"{len(d.comments)} open opmerkingen van medewerkers."
                )
    d.next_step = _next_step(d)
    return d
