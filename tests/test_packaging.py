"""The wheel carries the schemas and templates, so an installed incidentops works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from incidentops.base.kinds import KINDS

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_schemas_and_templates_and_uses_them(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("incidentops-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in KINDS:
        assert f"incidentops/schemas/{kind}.schema.json" in names
    assert "incidentops/incident/templates/postmortem.md.j2" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the unpacked wheel first on the path, run from a folder that is not this repository
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from incidentops.validate.schemas import schema_dir; print(schema_dir())",
            str(unpacked),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=elsewhere,
        timeout=60,
    ).stdout.strip()
    assert Path(found) == unpacked / "incidentops" / "schemas"
