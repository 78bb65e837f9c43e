"""The README: its quick start, its links and the code it names stay true to the repository."""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
PENDING: set[str] = set()
"""Files the README may name before they are added."""


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


def readme_example() -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the README's example answer (the … cut out) and the real answer to the README's own curl example."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    block = re.search(r"<!-- docs-assets: response -->\n```json\n(.*?)```", section("The API"), re.S)
    assert block, "README's Response has no example between the docs-assets markers: run `make docs-assets`"
    example = json.loads(re.sub(r",\s*…|…", "", block.group(1)))
    body = re.search(r"-d '(\{\"strokes\".*?\})'", section("The API"))
    assert body, "README has no curl example with strokes"
    with TestClient(create_app(Settings())) as client:  # the shipped weights
        response = client.post("/predict", json=json.loads(body.group(1)))
    assert response.status_code == 200, response.text
    return example, response.json()


def assert_prefix(shown: list[Any], real: list[Any], where: str) -> None:
    """Assert that the values shown begin the real array (as rounded for the README), nested lists too."""
    assert len(shown) <= len(real), where
    for i, (a, b) in enumerate(zip(shown, real, strict=False)):
        if isinstance(a, list):
            assert isinstance(b, list), f"{where}[{i}]"
            assert_prefix(a, b, f"{where}[{i}]")
        else:
            assert a == pytest.approx(b, abs=0.0051), f"{where}[{i}]: README {a}, answer {b}: run `make docs-assets`"


def test_the_response_example_is_a_real_answer_to_the_readme_curl() -> None:
    """Same fields in the same order, the same layers, and the values shown are the answer's: `make docs-assets`."""
    example, real = readme_example()
    assert list(example) == list(real), f"README fields {list(example)}, real {list(real)}: run `make docs-assets`"
    layer_keys = [list(layer) for layer in real["layers"]]
    assert [list(layer) for layer in example["layers"]] == layer_keys, "run `make docs-assets`"
    for shown, layer in zip(example["layers"], real["layers"], strict=True):
        for key, value in layer.items():
            if isinstance(value, list):
                assert_prefix(shown[key], value, f"layers[{layer['name']}].{key}")
            else:
                assert shown[key] == value, f"layers[{layer['name']}].{key}: run `make docs-assets`"
    for key, value in real.items():
        if key == "layers":
            continue
        if isinstance(value, list):
            assert_prefix(example[key], value, key)
        else:
            assert example[key] == value, f"{key}: README {example[key]!r}, answer {value!r}: run `make docs-assets`"
