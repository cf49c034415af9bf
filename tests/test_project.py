"""The project on its own: `make test` gets the Debian packages it needs on a
fresh machine (or says exactly how), and the documentation points only at files
in this repository."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "system-packages.sh"
PACKAGES = [
    line.split("#")[0].strip()
    for line in (ROOT / ".ci" / "apt-packages.txt").read_text().splitlines()
    if line.split("#")[0].strip()
]


# --- system packages ------------------------------------------------------------


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def run_script(
    tmp_path: Path, *, missing: list[str], uid: int, apt: bool = True
) -> subprocess.CompletedProcess[str]:
    """The script with dpkg-query, id and apt-get replaced by stubs: the packages
    in ``missing`` are not installed, and apt-get writes down what it is asked."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    not_installed = " ".join(missing)
    stub(
        bin_dir,
        "dpkg-query",
        "for last; do :; done\n"  # the package is the last argument
        f"for p in {not_installed or '-'}; do\n"
        '  [ "$p" = "$last" ] && { echo "no packages found" >&2; exit 1; }\n'
        "done\n"
        'printf "install ok installed"\n',
    )
    stub(bin_dir, "id", f"echo {uid}\n")
    if apt:
        stub(bin_dir, "apt-get", f'echo "$@" >> "{log}"\n')
    # Only the stubs and the shell's basic tools, so the real apt-get is not found.
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("dirname", "cat"):
        found = shutil.which(tool)
        assert found is not None
        (tools / tool).symlink_to(found)
    env = {"PATH": f"{bin_dir}:{tools}", "HOME": str(tmp_path)}
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_harfbuzz_subset_is_in_the_package_list() -> None:
    """Without it WeasyPrint warns, and warnings are errors in the tests."""
    assert "libharfbuzz-subset0" in PACKAGES
    assert {"libpango-1.0-0", "fonts-dejavu-core", "chromium"} <= set(PACKAGES)


def test_nothing_happens_when_every_package_is_installed(tmp_path: Path) -> None:
    result = run_script(tmp_path, missing=[], uid=1000)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_root_the_missing_packages_are_installed_with_apt_get(
    tmp_path: Path,
) -> None:
    result = run_script(tmp_path, missing=["libharfbuzz-subset0", "chromium"], uid=0)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].split() == [
        "install",
        "-y",
        "-qq",
        "chromium",
        "libharfbuzz-subset0",
    ]


def test_without_root_it_stops_with_the_exact_command(tmp_path: Path) -> None:
    result = run_script(tmp_path, missing=["libharfbuzz-subset0"], uid=1000)
    assert result.returncode == 1
    assert "sudo apt-get install -y libharfbuzz-subset0\n" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_root_without_apt_get_it_stops_with_the_command(tmp_path: Path) -> None:
    result = run_script(tmp_path, missing=["fonts-dejavu-core"], uid=0, apt=False)
    assert result.returncode == 1
    assert "apt-get install -y fonts-dejavu-core" in result.stderr


def test_make_test_and_ci_use_the_same_script() -> None:
    if shutil.which("make") is None:
        pytest.skip("make niet beschikbaar")
    env = {**os.environ, "OMMEN_SKIP_SYSTEM_PACKAGES": "1"}
    dry = subprocess.run(
        ["make", "-n", "test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    script = lines.index("bash .ci/system-packages.sh")
    assert script < next(i for i, line in enumerate(lines) if "-m pytest" in line)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash .ci/system-packages.sh" in ci
    assert "apt-get" not in ci  # installing lives in the one script


# --- documentation ------------------------------------------------------------------

OUTSIDE = re.compile(r"\.\./" + "shared" + r"|(?<![\w.])/" + "shared/")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def project_files(*suffixes: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [ROOT / name for name in listed if name.endswith(suffixes)]


def test_nothing_in_the_repository_points_outside_it() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in project_files(".md", ".py", ".txt", ".toml", ".cfg", ".html")
        if path.is_file()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offending == []


def test_every_relative_link_in_the_documentation_resolves() -> None:
    broken = []
    for path in project_files(".md"):
        for target in LINK.findall(path.read_text()):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_readme_links_the_architecture() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "](docs/architecture.md)" in readme
    text = (ROOT / "docs" / "architecture.md").read_text()
    for topic in ("solver", "RQ", "PostgreSQL", "SQLite", "akkoord", "spil"):
        assert topic in text, topic


# --- public code: licence, publiccode.yml, contributing guide --------------------


def test_the_licence_is_the_eupl_1_2_everywhere() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for clause in (
        "1. Definitions",
        "5. Obligations of the Licensee",
        "15. Applicable Law",
        "Appendix",
        "Compatible Licences",
    ):
        assert clause in licence, clause  # fmt: skip
    assert "MIT" not in licence
    import configparser

    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    assert setup["metadata"]["license"] == "EUPL-1.2"
    assert "LICENSE" in setup["metadata"]["license_files"]


def test_publiccode_yml_has_what_the_standard_requires() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert data["publiccodeYmlVersion"] == "0.4"
    for key in (
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert data.get(key), key  # fmt: skip
    assert data["legal"]["license"] == "EUPL-1.2"
    assert data["developmentStatus"] in (
        "concept", "development", "beta", "stable", "obsolete"
    )  # fmt: skip
    standalone = [f"standalone/{k}" for k in ("mobile", "iot", "desktop", "web")]
    assert data["softwareType"] in (
        *standalone, "standalone/backend", "standalone/other", "addon", "library",
        "configurationFiles",
    )  # fmt: skip
    assert data["maintenance"]["type"] in ("internal", "contract", "community", "none")
    dutch = data["description"]["nl"]
    assert len(dutch["shortDescription"]) <= 150
    assert 150 <= len(dutch["longDescription"]) <= 10000
    assert dutch["features"]
    assert data["localisation"]["availableLanguages"] == ["nl"]
    assert isinstance(data["localisation"]["localisationReady"], bool)


def test_there_is_a_contributing_guide() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "EUPL-1.2" in guide and "docs/architecture.md" in guide
