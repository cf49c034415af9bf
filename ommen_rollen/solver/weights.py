"""The soft terms of the objective: names, default weights, labels, priority order.

The plan is optimised lexicographically, in this order (earlier levels always win):

1. coverage of critical roles (uncovered fte units of critical roles),
2. coverage of all other roles (uncovered fte units),
3. missing backups of critical roles, then
4. of other roles,
5. the weighted soft terms below (want ... fragments, continuity of holders and
   backups) in one joint model of holders, learners and backups,
6. backup_spread (and backup continuity again) with the holders fixed.

Levels 1-4 are the shortfall: solve.py first asks for a plan with each at its proven
lower bound as a hard constraint, and only when that fails minimises them one by one,
each then bounded on its own (no weighted sum that could trade one for another, and
no giant weights that would overflow the 53 bits CP-SAT's objective keeps exact).
backup_spread is linear only once the shares are known, hence level 6.

A weight of 0 switches a term off. Weights are integers per unit named below. The
three disruption terms (disruption.py) are off by default; a re-plan from an
approved plan (replan.py) turns them on.
"""

from __future__ import annotations

DEFAULT_WEIGHTS: dict[str, int] = {
    "want": 10,
    "avoid": 10,
    "score": 1,
    "learn": 3,
    "continuity": 2,
    "fairness": 5,
    "fragments": 1,
    "backup_spread": 1,
    "disruption_fte": 0,
    "disruption_people": 0,
    "takeover": 0,
}
"""Default weight per unit of each soft term."""

TERM_NAMES: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)

TERM_LABELS: dict[str, str] = {
    "want": "gewenste rol (graag) niet gekregen, per wens",
    "avoid": "rol gekregen die liever niet was, per rol",
    "score": "voorkeursscore: min de score van elke gekregen rol",
    "learn": "ontwikkelwens (wil ik leren) niet als ontwikkelrol gekregen, per wens",
    "continuity": "toewijzing uit de vorige periode (rolhouder of vervanger) vervallen",
    "fairness": "ontevredenste medewerker: hoogste aantal niet vervulde wensen",
    "fragments": "aantal rolhouderschappen (weinig versnippering)",
    "backup_spread": "grootste vervangingslast van een collega voor een persoon, "
    "per begonnen 0,1 fte",
    "disruption_fte": "gewijzigde rolhouder-fte ten opzichte van het vertrekplan, "
    "per 0,0001 fte",
    "disruption_people": "medewerkers van wie de rollen of delen veranderen",
    "takeover": "rol overgenomen door iemand die er geen vervanger van was",
}
"""Dutch label of every term, for explanations and the review screens."""
