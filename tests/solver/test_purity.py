"""The solver stays pure: importing it pulls in neither Flask nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "ommen_rollen"
REPORT = (
    "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy',"
    " 'flask_sqlalchemy')];"
    "print(','.join(bad))"
)


def loaded_web_modules(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code + REPORT],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_solver_modules_import_neither_flask_nor_sqlalchemy() -> None:
    # an empty parent package, so only what the solver itself imports is loaded
    code = (
        "import sys, types;"
        "pkg = types.ModuleType('ommen_rollen');"
        f"pkg.__path__ = [{str(PACKAGE)!r}];"
        "sys.modules['ommen_rollen'] = pkg;"
        "import ommen_rollen.solver, ommen_rollen.solver.cli;"
        "import ommen_rollen.solver.checker;"
    )
    assert loaded_web_modules(code) == ""


def test_importing_ommen_rollen_solver_leaves_flask_and_sqlalchemy_unloaded() -> None:
    code = "import sys, ommen_rollen.solver, ommen_rollen.solver.cli;"
    assert loaded_web_modules(code) == ""
