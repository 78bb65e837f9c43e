"""The lock files: exact pins with hashes, in step with pyproject.toml, free of this machine's paths."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "requirements.lock"
DEV = REPO / "requirements-dev.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def pins(lock: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(lock.read_text())}


def project() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=lambda p: p.name)
def test_every_requirement_is_pinned_with_hashes(lock: Path) -> None:
    text = lock.read_text()
    entries = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert entries, f"{lock.name} is empty"
    for line in entries:
        assert PIN.match(line), f"{lock.name}: not an exact pin: {line}"
    assert len(re.findall(r"--hash=sha256:[0-9a-f]{64}", text)) >= len(entries)


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=lambda p: p.name)
def test_no_machine_paths_or_indexes(lock: Path) -> None:
    text = lock.read_text()
    for needle in ("file:", "/opt/", "/work/", "/tmp/", "/home/", "/root/", "--index-url", "--extra-index-url",
                   "--find-links", "-f ", "-e "):  # fmt: skip
        assert needle not in text, f"{lock.name} mentions {needle!r}"


def check(requirements: list[str], lock: Path) -> None:
    locked = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is in pyproject.toml but not in {lock.name}: run `make lock`"
        assert requirement.specifier.contains(Version(locked[name]), prereleases=True), (
            f"{lock.name} pins {name}=={locked[name]}, pyproject.toml asks {requirement}: run `make lock`"
        )


def test_runtime_lock_matches_pyproject() -> None:
    check(list(project()["dependencies"]), RUNTIME)  # type: ignore[call-overload]


def test_dev_lock_matches_pyproject_with_dev_and_train_extras() -> None:
    extras: dict[str, list[str]] = project()["optional-dependencies"]  # type: ignore[assignment]
    check([*project()["dependencies"], *extras["dev"], *extras["train"]], DEV)  # type: ignore[misc]


def test_dev_lock_pins_the_runtime_packages_at_the_same_versions() -> None:
    runtime, dev = pins(RUNTIME), pins(DEV)
    different = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert not different, f"runtime and dev locks disagree (run `make lock`): {different}"
