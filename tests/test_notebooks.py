"""The committed notebooks: one clean run's outputs, parameters for papermill, nothing volatile."""

import hashlib
import json
import re

import pytest

from analysis import paths
from analysis.report import list_notebooks

NOTEBOOKS = list_notebooks()
MACHINE_TEXT = re.compile(r"/(?:root|home|Users|tmp|work)/|0x[0-9a-fA-F]{6,}")


def _code_cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_the_four_notebooks_exist():
    assert [path.stem for path in NOTEBOOKS] == [
        "00-inspect-corpus",
        "01-model-topics",
        "02-count-actors",
        "03-compare-framing",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_outputs_come_from_one_clean_run(path):
    cells = _code_cells(path)
    assert [cell["execution_count"] for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", cell["source"]
            assert output.get("name") != "stderr", f"warning or progress bar stored: {output}"
            data = output.get("data", {})
            text = {key: value for key, value in data.items() if not key.startswith("image/")}
            text = json.dumps([text, output.get("text", "")])
            assert not MACHINE_TEXT.search(text), f"machine path or address in {cell['source']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_parameters_cell_defaults_to_the_shipped_dump(path):
    cells = _code_cells(path)
    parameters = [cell for cell in cells if "parameters" in cell["metadata"].get("tags", [])]
    assert len(parameters) == 1
    namespace: dict = {}
    exec("".join(parameters[0]["source"]), namespace)
    assert namespace["dump_dir"] == str(paths.DEFAULT_DUMP_DIR)
    assert isinstance(namespace["seed"], int)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_ignored_outputs_are_rare_and_explained(path):
    ignored = [c for c in _code_cells(path) if "nbval-ignore-output" in c["metadata"].get("tags", [])]
    assert len(ignored) <= 1
    for cell in ignored:
        assert "".join(cell["source"]).lstrip().startswith("# nbval-ignore-output:"), cell["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebooks_define_no_functions(path):
    for cell in _code_cells(path):
        assert not re.search(r"^\s*(def|class) ", "".join(cell["source"]), re.MULTILINE)


# SHA-256 prefixes of the five seed files as received: the shipped dump stays byte-for-byte raw.
SEED_DIGESTS = {
    "000_babb654cdabfd089.txt": "74097c2a377468af",
    "001_59fd035a8de6f620.txt": "4f051fa7208960ee",
    "002_5f7e29d4badce7c8.txt": "c7554d633e1cb937",
    "003_fc7e1f14d72009a2.txt": "c9c570280308c5be",
    "004_902b9772195b7b91.txt": "7fa4b8c19569c73a",
}


def test_shipped_dump_is_the_five_seed_files_unchanged():
    digests = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(paths.DEFAULT_DUMP_DIR.glob("*.txt"))
    }
    assert digests == SEED_DIGESTS
