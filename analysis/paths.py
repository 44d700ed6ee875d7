"""Every project path, computed from this file so nothing depends on the working directory."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
DATA_DIR = PROJECT_DIR / "data"
RAW_DIR = DATA_DIR / "raw"
CACHE_DIR = DATA_DIR / "cache"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = PROJECT_DIR / "reports"
DEFAULT_DUMP_DIR = RAW_DIR / "kabul-2023"


def report_dir(dump_dir: Path | str) -> Path:
    """Return the folder a report on ``dump_dir`` is written to: ``reports/<folder name>``."""
    return REPORTS_DIR / Path(dump_dir).resolve().name
