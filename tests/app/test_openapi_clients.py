"""Clients generated from the served OpenAPI document work: Python (openapi-python-client) and TypeScript
(openapi-typescript with openapi-fetch).

Each client is generated into a temporary folder and type-checked strictly together with a program written
against it (tests/app/clients/usage.py and usage.ts); the program then reads a drawing, pixels and a
picture from a live server (tests/server.py) and prints what it read.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import TINY_SIZES
from tests.conftest import REPO, import_or_skip, skip_or_fail
from tests.server import Server, uvicorn_command

pytestmark = pytest.mark.slow

CLIENTS = Path(__file__).parent / "clients"
PICTURE = REPO / "docs" / "digit-photo.jpg"
COMMAND_S = 300.0
"""How long one command of these tests may run (the generator, mypy, npm ci, tsc, node): each takes seconds to a
minute on a loaded machine; one that still runs after five minutes has hung."""
MYPY_CONFIG = """[mypy]
strict = True
# client.py is the generator's fixed template, the same for every API (not made from this document); under
# mypy --strict its *args forwarding to httpx's __exit__ is an error whatever the document says.
[mypy-digit_reader_client.client]
ignore_errors = True
"""


def run(command: Sequence[str | Path], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> str:
    """Return the stdout of `command`; fail the test with its output when it exits non-zero (subprocess.TimeoutExpired
    when it runs past COMMAND_S)."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_S
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


@pytest.fixture(scope="module")
def live(weights_file: Path) -> Iterator[Server]:
    """Return a live server of the tiny network."""
    with Server(uvicorn_command(quiet=True), env={"DIGITS_WEIGHTS_PATH": str(weights_file)}) as server:
        yield server


@pytest.fixture(scope="module")
def document(live: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the path of the OpenAPI document the live server serves."""
    with urllib.request.urlopen(f"{live.url}/openapi.json", timeout=10) as response:
        path: Path = tmp_path_factory.mktemp("openapi") / "openapi.json"
        path.write_bytes(response.read())
    return path


def check_answers(read: dict[str, Any]) -> None:
    """Check what a client's program read: a drawing, pixels (explained), a picture, a refusal, the model, a neuron."""
    assert 0 <= read["drawing"]["digit"] <= 9 and read["drawing"]["probabilities"] == 10
    assert read["pixels"]["target"] == 3 and read["pixels"]["saliency"] == 28
    assert 0 <= read["picture"]["digit"] <= 9 and read["picture"]["input"] == 28
    assert read["refused"]["detail"] == "no ink: the drawing has no points"
    assert read["model"]["sizes"] == TINY_SIZES and read["neuron"]["weights"] == TINY_SIZES[0]


def test_a_generated_python_client_type_checks_and_reads(document: Path, live: Server, tmp_path: Path) -> None:
    import_or_skip("openapi_python_client")
    # The generator formats its output with ruff, which it looks for on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    package = tmp_path / "digit_reader_client"
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document), "--meta", "none"]
    output = run([*command, "--output-path", package], env=env)
    assert "warning" not in output.lower(), output  # a part it cannot generate is a warning, not an error
    shutil.copy(CLIENTS / "usage.py", tmp_path)
    (tmp_path / "mypy.ini").write_text(MYPY_CONFIG)
    run([sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "digit_reader_client", "usage.py"], cwd=tmp_path)
    check_answers(json.loads(run([sys.executable, "usage.py", live.url, PICTURE], cwd=tmp_path)))


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """Return the repository's node_modules (typescript, openapi-typescript, openapi-fetch), after `npm ci` if needed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        skip_or_fail("node and npm not found: `apt-get install nodejs npm`")
    folder = REPO / "node_modules"
    installed = folder / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (REPO / "package-lock.json").stat().st_mtime:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, capture_output=True, text=True, timeout=COMMAND_S
        )
        if done.returncode != 0:
            skip_or_fail(f"npm ci failed (no access to the npm registry?):\n{done.stderr[-2000:]}")
    return folder


def test_a_generated_typescript_client_type_checks_and_reads(
    document: Path, live: Server, node_modules: Path, tmp_path: Path
) -> None:
    run(["node", REPO / "clients" / "typescript" / "generate-types.mjs", document, tmp_path / "digit-reader.ts"])
    for name in ("usage.ts", "tsconfig.json"):
        shutil.copy(CLIENTS / name, tmp_path)
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "node_modules").symlink_to(node_modules)
    # --strict, and each @ts-expect-error line (a body the types must refuse) is an error if it type-checks.
    run([node_modules / ".bin" / "tsc", "-p", tmp_path])
    picture = "data:image/jpeg;base64," + base64.b64encode(PICTURE.read_bytes()).decode()
    read = json.loads(run(["node", tmp_path / "out" / "usage.js", live.url, picture], cwd=tmp_path))
    check_answers(read)
    assert read["refused"]["status"] == 422 and read["model"]["etag"].startswith('W/"')
