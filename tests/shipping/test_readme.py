"""The README: its quick start, its links and the code it names stay true to the repository."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
PENDING = {"docs/screenshot.png"}
"""Files the README may name before they are added (the screenshot is taken from the finished app)."""


def section(title: str) -> str:
    text = README.read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_quick_start_is_make_run_and_make_test() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", section("Quick start"), re.S)
    assert [b.strip() for b in blocks] == ["make run", "make test"]


def test_relative_links_point_at_files() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README.read_text()):
        if re.match(r"[a-z]+:", target) or target in PENDING:
            continue
        assert (REPO / target).exists(), f"README links to {target}, which does not exist"


def test_maths_links_name_code_that_exists() -> None:
    tree = ast.parse((REPO / "model" / "network.py").read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)}
    linked = re.findall(r"\[`([\w.]+)`\]\(model/network\.py\)", README.read_text())
    assert linked
    for name in linked:
        assert name in names, f"README links `{name}` to model/network.py, which has no such function or class"


@pytest.mark.parametrize("target", ["install", "run", "test", "test-all", "lint", "train", "bench", "lock", "docker"])
def test_make_targets_named_in_the_readme_exist(target: str) -> None:
    assert f"`make {target}" in README.read_text()
    result = subprocess.run(["make", "-n", "-C", str(REPO), target], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
