"""Write requirements.lock and environment.yml from a virtualenv that installed the project.

Usage: ``python scripts/lock.py VENV`` (``make lock`` runs it). Both files list the same pins,
so pip users and conda users get one environment; ``tests/test_environment.py`` checks that.
"""

import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
HEADER = "# Every package, transitive ones too, pinned. Regenerate with `make lock`; never edit by hand.\n"


def freeze(venv: Path) -> list[str]:
    """Return ``name==version`` pins of everything installed in ``venv`` except the project."""
    output = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "freeze", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = []
    for line in output.splitlines():
        if "==" not in line or line.lower().startswith("analysis=="):
            continue
        # A local build tag (torch 2.13.0+cpu) is not on PyPI; ==2.13.0 still selects it here.
        pins.append(re.sub(r"\+\w+$", "", line))
    return sorted(pins, key=str.lower)


def render_environment(pins: list[str]) -> str:
    """Return environment.yml text: conda-forge Python 3.11, then the same pins through pip."""
    lines = [
        "# The same environment as requirements.lock, for conda users. Regenerate with `make lock`.",
        "name: news-coverage",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *(f"      - {pin}" for pin in pins),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Freeze the given venv into the two environment files."""
    pins = freeze(Path(sys.argv[1]))
    (PROJECT_DIR / "requirements.lock").write_text(HEADER + "\n".join(pins) + "\n", encoding="utf-8")
    (PROJECT_DIR / "environment.yml").write_text(render_environment(pins), encoding="utf-8")


if __name__ == "__main__":
    main()
