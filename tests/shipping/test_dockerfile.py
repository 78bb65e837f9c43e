"""The Dockerfile, checked without a Docker engine: hadolint, then a container-like smoke test.

The smoke test replays the final stage: a fresh venv from requirements.lock stands in for the
builder's /opt/venv, the final stage's COPYs fill an empty folder that stands in for WORKDIR, and the
CMD runs from there, as written, with the Dockerfile's ENV. A COPY or a locked dependency that the
server needs and the image lacks makes it fail.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2b_dockerfile_utils import PatternMatcher

from tests.server import Server
from tests.shipping.conftest import BUILT_IN_SETUP
from tests.shipping.dockerfile import Stage, apply_env, copy_of, dockerignore, exec_form, healthcheck_command, parse
from tests.shipping.engine import STANDIN_BASE
from tests.shipping.http import request

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
RUNTIME_LOCK = REPO / "requirements.lock"
VENV_CACHE = REPO / ".cache" / "smoke-venv"
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""PATH in the official python images, before the Dockerfile's ENV."""
STARTUP_SECONDS = 90

pytestmark = BUILT_IN_SETUP  # the container fixture builds a venv from the runtime lock (pip: up to 900 s)


def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text())


def final_stage() -> Stage:
    return stages()[-1]


def hadolint() -> str:
    beside = Path(sys.executable).parent / "hadolint"
    found = str(beside) if beside.exists() else shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: it comes with the dev extra (`make install`)", pytrace=False)
    return found


# ---- static checks ---------------------------------------------------------------------------------


def test_hadolint_passes() -> None:
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


def test_base_images_are_pinned_official_slim_python() -> None:
    for stage in stages():
        assert re.fullmatch(r"python:3\.\d+\.\d+-slim(-\w+)?", stage.image), stage.image


def test_both_stages_take_their_base_from_the_python_image_argument() -> None:
    assert [stage.written for stage in stages()] == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]
    other = parse(DOCKERFILE.read_text(), {"PYTHON_IMAGE": STANDIN_BASE})
    assert {stage.image for stage in other} == {STANDIN_BASE}


def test_builder_installs_only_the_locked_runtime_requirements() -> None:
    *builders, _ = stages()
    assert builders, "the Dockerfile should be multi-stage"
    text = " ".join(word for stage in builders for i in stage.all("RUN") for word in i.args)
    assert re.search(r"pip install .*--require-hashes -r \S*requirements\.lock\b", text), text
    assert "requirements-dev.lock" not in DOCKERFILE.read_text()


def test_final_stage_runs_as_non_root_with_healthcheck_and_exec_form_cmd() -> None:
    stage = final_stage()
    user = stage.last("USER")
    assert user is not None and user.args[0].split(":")[0] not in {"root", "0"}
    assert "8000" in " ".join(port for i in stage.all("EXPOSE") for port in i.args)
    health = stage.last("HEALTHCHECK")
    assert health is not None and "/healthz" in " ".join(healthcheck_command(health))
    cmd = stage.last("CMD")
    assert cmd is not None and exec_form(cmd) is not None, "CMD must be in exec (JSON) form"
    # `python -m app` runs uvicorn without a Server header (the smoke test checks the header itself).
    assert exec_form(cmd) in (["python", "-m", "app"], ["uvicorn", "app.main:app", "--no-server-header"])
    assert all("pip install" not in word for i in stage.all("RUN") for word in i.args)


def test_dockerignore_keeps_every_copied_path() -> None:
    ignore = dockerignore(REPO / ".dockerignore")
    for stage in stages():
        for instruction in stage.all("COPY"):
            copy = copy_of(instruction, stage)
            if copy.from_stage is None:
                for source in copy.sources:
                    assert not ignore.matches(source), (
                        f".dockerignore leaves out {source}, which line {instruction.start_line} COPYs"
                    )
    assert ignore.matches(".venv/bin/python") and ignore.matches("app/__pycache__/main.cpython-311.pyc")
    assert ignore.matches("model/__pycache__") and not ignore.matches("model/weights/default.npz")


def test_dockerignore_matcher() -> None:
    ignore = PatternMatcher(["*", "!app", "**/__pycache__", "!keep/**/*.txt"])
    assert ignore.matches("README.md") and ignore.matches("data/x")
    assert not ignore.matches("app/main.py") and ignore.matches("app/x/__pycache__/y.pyc")
    assert not ignore.matches("keep/a/b.txt") and ignore.matches("keep/a/b.md")


def test_parser_reads_env_copy_and_continuations() -> None:
    stage = parse(
        "FROM python:3.11.1-slim AS b\nRUN x\n"
        'FROM python:3.11.1-slim\nENV A=1 \\\n    B="$A:2" C=${A}3 Q=\'$A\' S="x y"\nENV D plain words\n'
        "# comment\nCOPY --chown=1:1 a b \\\n  # inner comment\n  dest/\nCOPY --from=b /x /y\n"
    )
    assert [s.name for s in stage] == ["b", None]
    env: dict[str, str] = {"A": "0"}
    for instruction in stage[1].all("ENV"):
        apply_env(instruction, stage[1], env)
    assert env == {"A": "1", "B": "0:2", "C": "03", "Q": "$A", "S": "x y", "D": "plain words"}
    copies = [copy_of(i, stage[1]) for i in stage[1].all("COPY")]
    assert (copies[0].sources, copies[0].dest, copies[0].from_stage) == (["a", "b"], "dest/", None)
    assert (copies[1].sources, copies[1].dest, copies[1].from_stage) == (["/x"], "/y", "b")


# ---- the container-like smoke test ----------------------------------------------------------------


def fresh_runtime_venv() -> Path:
    """Return a venv with exactly the locked runtime requirements, built once per lock-file hash."""
    key = hashlib.sha256(RUNTIME_LOCK.read_bytes() + sys.version.encode()).hexdigest()[:16]
    venv = VENV_CACHE / key
    if (venv / ".complete").exists():
        return venv
    if VENV_CACHE.exists():
        shutil.rmtree(VENV_CACHE)  # venvs for older lock files
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--require-hashes", "-r", str(RUNTIME_LOCK)],
        check=True,
        timeout=900,
    )  # fmt: skip
    (venv / ".complete").write_text(RUNTIME_LOCK.name + "\n")
    return venv


def copy_context_path(source: str, dest: Path, ignore: PatternMatcher) -> None:
    """COPY one build-context path as Docker does: a folder's contents go into dest, .dockerignore applies."""
    origin = REPO / source
    if not origin.exists():
        pytest.fail(f"COPY {source}: not found in the build context (docker build would fail)", pytrace=False)
    if ignore.matches(source):
        pytest.fail(f"COPY {source}: .dockerignore leaves it out (docker build would fail)", pytrace=False)
    if origin.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, dest)
        return
    for path in sorted(origin.rglob("*")):
        relative = path.relative_to(REPO).as_posix()
        if path.is_file() and not ignore.matches(relative):
            target = dest / path.relative_to(origin)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def replay_final_stage(root: Path, venv: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """Fill `root` as the final stage would fill its WORKDIR; return the CMD, HEALTHCHECK and environment."""
    stage = final_stage()
    ignore = dockerignore(REPO / ".dockerignore")
    workdir = "/"
    mapping: dict[str, Path] = {}
    env: dict[str, str] = {"PATH": IMAGE_PATH, "LANG": "C.UTF-8", "HOME": str(root)}

    def local(path: str) -> Path:
        absolute = path if path.startswith("/") else workdir.rstrip("/") + "/" + path
        for prefix, target in sorted(mapping.items(), key=lambda item: -len(item[0])):
            if absolute == prefix or absolute.startswith(prefix.rstrip("/") + "/"):
                return target / absolute[len(prefix) :].lstrip("/")
        pytest.fail(f"the smoke test cannot place {absolute}: only the venv and WORKDIR are mapped", pytrace=False)

    for instruction in stage.instructions:
        if instruction.name == "WORKDIR":
            path = stage.expand(instruction.args[0], env)
            workdir = path if path.startswith("/") else workdir + "/" + path
            mapping[workdir] = root
        elif instruction.name == "COPY":
            copy = copy_of(instruction, stage, env)
            if copy.from_stage is not None:
                assert copy.sources == [copy.dest], "the builder's venv should be copied to the same path"
                mapping[copy.dest] = venv
                continue
            many = len(copy.sources) > 1
            assert not many or copy.dest.endswith("/"), f"line {instruction.start_line}: several sources need a dest/"
            for source in copy.sources:
                target = local(copy.dest)
                if copy.dest.endswith("/") and (REPO / source).is_file():
                    target = target / Path(source).name
                copy_context_path(source.rstrip("/"), target, ignore)
        elif instruction.name == "ENV":
            apply_env(instruction, stage, env)
    for prefix, target in mapping.items():  # /opt/venv/bin in PATH -> the fresh venv
        for key, value in env.items():
            env[key] = re.sub(rf"(?<![\w/]){re.escape(prefix.rstrip('/'))}(?=/|:|$)", str(target), value)
    cmd = exec_form(stage.last("CMD"))  # type: ignore[arg-type]
    health = healthcheck_command(stage.last("HEALTHCHECK"))  # type: ignore[arg-type]
    assert cmd is not None
    return cmd, health, env


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], dict[str, str], Path]]:
    """Start the Dockerfile's CMD from a folder holding only what the image would hold."""
    root = tmp_path_factory.mktemp("image-app")
    venv = fresh_runtime_venv()
    cmd, health, env = replay_final_stage(root, venv)
    # As `docker run -e DIGITS_PORT=...`: the test must not need port 8000; the runner sets DIGITS_PORT.
    server = Server(cmd, env=env, cwd=root, inherit_env=False)
    argv = [
        str(server.port) if previous == "--port" else word for previous, word in zip(["", *cmd[:-1]], cmd, strict=True)
    ]
    server.command = argv
    executable = shutil.which(argv[0], path=env["PATH"])
    assert executable is not None and executable.startswith(str(venv)), f"{argv[0]} should come from the venv"
    server.start()
    try:
        server.wait_ready(STARTUP_SECONDS)
        assert "Traceback (most recent call last)" not in server.log(), server.log()[-4000:]
        yield server.url, health, {**env, "DIGITS_PORT": str(server.port)}, root
    finally:
        server.__exit__()


def digit_one_pixels() -> list[list[float]]:
    image = [[0.0] * 28 for _ in range(28)]
    for row in range(4, 24):
        for col in (13, 14):
            image[row][col] = 1.0
    return image


@pytest.mark.slow
def test_image_serves_healthz_and_predict(container: tuple[str, list[str], dict[str, str], Path]) -> None:
    base, _, _, _ = container
    assert request(base + "/healthz")[0] == 200
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        assert response.headers.get("Server") is None, "the server must not advertise itself"
    status, body = request(base + "/predict", {"pixels": digit_one_pixels()})
    assert status == 200, body[:500]
    assert json.loads(body)["digit"] in range(10)
    strokes = [[[100.0, 20.0 + 4 * i] for i in range(40)]]
    status, body = request(base + "/predict", {"strokes": strokes})
    assert status == 200, body[:500]
    assert json.loads(body)["digit"] in range(10)


@pytest.mark.slow
def test_image_serves_the_page_and_its_static_files(container: tuple[str, list[str], dict[str, str], Path]) -> None:
    base, _, _, _ = container
    status, body = request(base + "/")
    assert status == 200, body[:500]
    for asset in sorted(set(re.findall(r"""(?:src|href)=["'](/static/[^"'?#]+)""", body.decode()))):
        assert request(base + asset)[0] == 200, f"{asset}, linked from /, is missing from the image"
    if (REPO / "static" / "report" / "evaluation.json").exists():
        assert request(base + "/static/report/evaluation.json")[0] == 200


@pytest.mark.slow
def test_image_healthcheck_command_succeeds(container: tuple[str, list[str], dict[str, str], Path]) -> None:
    _, health, env, root = container
    result = subprocess.run(health, cwd=root, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_image_holds_no_evaluation_and_only_the_live_trainer(
    container: tuple[str, list[str], dict[str, str], Path],
) -> None:
    """The /learn job's code and data are in the image; evaluation and make train's command line are not."""
    _, _, _, root = container
    copied = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert not any(path.startswith("model/evaluation/") for path in copied)
    training = {path for path in copied if path.startswith("model/training/")}
    assert "model/training/trainer.py" in training and "model/training/live/job.py" in training
    assert not training & {"model/training/train.py", "model/training/config.py", "model/training/augment.py"}
    assert "model/datasets/learning.npz" in copied
    assert "model/serving/inference.py" in copied and "model/reading/pictures/pipeline.py" in copied
    assert not any("__pycache__" in path or path.startswith("tests/") for path in copied)


@pytest.mark.slow
def test_image_trains_a_learn_job(container: tuple[str, list[str], dict[str, str], Path]) -> None:
    """/learn works in the image with no download: the job starts from the shipped subset, with the runtime's packages."""
    import json

    from websockets.sync.client import connect

    base, _, _, _ = container
    with connect(base.replace("http://", "ws://") + "/api/learn/ws", open_timeout=30) as ws:
        ws.send(json.dumps({"type": "start", "config": {"train_size": 2000}}))
        kinds = [json.loads(ws.recv(timeout=60))["type"] for _ in range(3)]
    assert kinds[0] == "started" and "progress" in kinds, kinds
