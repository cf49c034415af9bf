"""SQLAlchemy models (2.0 typed style), one module per area."""

from .api_token import ApiToken
from .audit import AuditEntry
from .mail import OutgoingMail
from .organisation import Cluster, Competence, Partner, Role, RoleRequirement, TaskField
from .people import Employee, EmployeeCompetence, UsedToken, User
from .planning import (
    Assignment,
    Job,
    JobStatus,
    Pin,
    PinKind,
    PlanningRound,
    Preference,
    Proposal,
    ProposalStatus,
    WorkPlan,
    WorkPlanStatus,
)
from .scenarios import Scenario, ScenarioStatus

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditEntry",
    "Cluster",
    "Competence",
    "Employee",
    "EmployeeCompetence",
    "Job",
    "OutgoingMail",
    "JobStatus",
    "Partner",
    "Pin",
    "PinKind",
    "PlanningRound",
    "Preference",
    "Proposal",
    "ProposalStatus",
    "Role",
    "RoleRequirement",
    "Scenario",
    "ScenarioStatus",
    "TaskField",
    "UsedToken",
    "User",
    "WorkPlan",
    "WorkPlanStatus",
]
