"""The real image, built from the working tree and run with podman: what a `docker run` user gets.

Every container uses the host's network and a free port, so all requests stay on 127.0.0.1. The
figures (size, cold start, memory, stop time) are printed in the "container figures" summary.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from model.reading.pictures.decode import ACCEPTED_FORMATS
from tests.server import free_port
from tests.shipping.conftest import BUILT_IN_SETUP, REPO
from tests.shipping.dockerfile import dockerignore
from tests.shipping.engine import STANDIN_BASE, Podman
from tests.shipping.http import post_picture, request

pytestmark = [pytest.mark.container, pytest.mark.slow, BUILT_IN_SETUP]

MAX_ADDED_MB = 120
STROKES = [[[100.0, 20.0 + 4 * i] for i in range(40)]]
"""One vertical pen stroke: a 1."""


@dataclass(frozen=True)
class Running:
    """A container serving on the host's network: its name and base URL."""

    name: str
    base: str


def logs(engine: Podman, name: str) -> str:
    """Return what the container wrote so far (uvicorn logs to stderr)."""
    result = engine("logs", name, check=False)
    return result.stdout + result.stderr


def worker_pids(engine: Podman, name: str) -> set[str]:
    """Return the PIDs, inside the container, of uvicorn's worker processes, from their start-up lines."""
    return set(re.findall(r"Started server process \[(\d+)\]", logs(engine, name)))


@contextmanager
def running_image(
    engine: Podman, image: str, figure: Callable[[str], None], *options: str, label: str
) -> Iterator[Running]:
    """Run the image with extra `podman run` options; yield once /healthz answers, remove it afterwards."""
    port = free_port()
    name = f"digit-reader-test-{port}"
    begun = time.monotonic()
    engine("run", "--detach", "--name", name, "--network", "host", "--env", f"DIGITS_PORT={port}", *options, image)
    try:
        running = Running(name, f"http://127.0.0.1:{port}")
        engine.wait_healthy(name, port)
        figure(f"cold start ({label}): /healthz answered 200 {time.monotonic() - begun:.1f} s after `podman run`")
        yield running
    finally:
        engine("rm", "--force", "--time", "0", name, check=False)


@pytest.fixture(scope="module")
def served(engine: Podman, image: str, figure: Callable[[str], None]) -> Iterator[Running]:
    """The image as `docker run` starts it (its default two workers), for the module's checks."""
    with running_image(engine, image, figure, label="defaults") as running:
        yield running


def assert_reads_strokes(base: str) -> None:
    status, body = request(base + "/predict", {"strokes": STROKES})
    assert status == 200, body[:500]
    answer = json.loads(body)
    assert answer["digit"] in range(10) and len(answer["probabilities"]) == 10


# ---- the image itself ---------------------------------------------------------------------------------


def test_image_adds_at_most_120_mb_over_its_base(engine: Podman, image: str, figure: Callable[[str], None]) -> None:
    base, built = (
        int(engine("image", "inspect", "--format", "{{.Size}}", tag).stdout) for tag in (STANDIN_BASE, image)
    )
    added = (built - base) / 1e6
    figure(f"image size: {built / 1e6:.1f} MB, of which {added:.1f} MB over its base ({base / 1e6:.1f} MB)")
    assert added <= MAX_ADDED_MB, f"the image adds {added:.1f} MB over its base; at most {MAX_ADDED_MB} MB"


def test_venv_holds_no_pip_or_setuptools(engine: Podman, image: str) -> None:
    probe = "import importlib.util as u; print([m for m in ('pip', 'setuptools', 'numpy') if u.find_spec(m)])"
    result = engine("run", "--rm", "--network", "none", image, "python", "-c", probe)
    assert result.stdout.strip() == "['numpy']"


@pytest.mark.timeout(1200, func_only=True)  # its build may take the 900 s podman build is given
def test_an_app_edit_rebuilds_only_the_last_layers(engine: Podman, image: str, tmp_path: Path) -> None:
    """A copy of the build context with app/ edited reuses every cached layer up to COPY app/."""
    context = tmp_path / "context"
    context.mkdir()
    ignore = dockerignore(REPO / ".dockerignore")
    for entry in REPO.iterdir():
        if entry.name in ("Dockerfile", ".dockerignore"):
            shutil.copy2(entry, context / entry.name)
        elif entry.is_dir() and not ignore.matches(entry.name):
            shutil.copytree(entry, context / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif not ignore.matches(entry.name):
            shutil.copy2(entry, context / entry.name)
    with (context / "app" / "__init__.py").open("a") as edited:
        edited.write("# an edit\n")
    tag = image + "-edited"
    result = engine("build", *engine.build_options(), "--tag", tag, str(context), timeout=900)
    engine("rmi", tag, check=False)
    steps = re.split(r"^\[\d+/\d+\] STEP \d+/\d+: ", result.stdout + result.stderr, flags=re.M)[1:]
    cached = [(step.splitlines()[0], "--> Using cache" in step) for step in steps]
    first_app = next(i for i, (line, _) in enumerate(cached) if line.startswith("COPY app/"))
    rebuilt = [line for line, hit in cached[:first_app] if not hit and not line.startswith("FROM")]
    assert not rebuilt, f"an edit to app/ rebuilt these earlier steps: {rebuilt}"
    assert not cached[first_app][1], "COPY app/ came from the cache: the edit was not seen"
    assert any(line.startswith("RUN python -m venv") for line, _ in cached[:first_app])


# ---- the image running as `docker run` starts it ------------------------------------------------------


def test_serves_health_predictions_and_pages(served: Running) -> None:
    status, body = request(served.base + "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert_reads_strokes(served.base)
    for path in ("/", "/model", "/api/model"):
        status, body = request(served.base + path)
        assert status == 200, f"{path}: {status} {body[:300]!r}"
    for page in ("/", "/docs"):
        status, body = request(served.base + page)
        assert status == 200, f"{page}: {status}"
        for asset in sorted(set(re.findall(r"""(?:src|href)=["'](/(?:static|docs)/[^"'?#]+)""", body.decode()))):
            assert request(served.base + asset)[0] == 200, f"{asset}, linked from {page}, is missing from the image"


def test_pillow_in_the_image_opens_every_accepted_format(engine: Podman, image: str, tmp_path: Path) -> None:
    """The image's Pillow, trimmed of what the server does not use, still decodes every format it accepts."""
    for name in ACCEPTED_FORMATS:
        picture = Image.new("RGB", (40, 30), "white")
        picture.paste((0, 0, 0), (18, 4, 22, 26))
        picture.save(tmp_path / f"one.{name.lower()}", format=name)
        (tmp_path / f"one.{name.lower()}").chmod(0o644)
    tmp_path.chmod(0o755)  # the container's user, uid 10001, reads them
    script = (
        "import pathlib; from PIL import Image\n"
        "for path in sorted(pathlib.Path('/pictures').iterdir()):\n"
        "    with Image.open(path, formats=[path.suffix[1:].upper()]) as picture:\n"
        "        print(picture.format, picture.convert('L').getextrema())\n"
    )
    mount = f"{tmp_path}:/pictures:ro"
    result = engine("run", "--rm", "--network", "none", "--volume", mount, image, "python", "-c", script)
    assert sorted(result.stdout.split("\n")[:-1]) == sorted(f"{name} (0, 255)" for name in ACCEPTED_FORMATS)


def test_reads_an_uploaded_picture(served: Running) -> None:
    """POST /predict with a PNG in the multipart field `image`: Pillow and the picture modules are in the image."""
    picture = Image.new("L", (64, 64), 255)
    picture.paste(0, (29, 8, 35, 56))  # a dark vertical bar on white paper: a 1
    png = io.BytesIO()
    picture.save(png, format="PNG")
    response = post_picture(served.base + "/predict", png.getvalue(), filename="one.png")
    assert response.status_code == 200, response.text[:500]
    answer = response.json()
    assert answer["digit"] in range(10) and len(answer["probabilities"]) == 10


def test_every_process_runs_as_the_unprivileged_user(engine: Podman, served: Running) -> None:
    status = engine("exec", served.name, "cat", "/proc/1/status").stdout
    uids = re.search(r"^Uid:\s+(.*)$", status, flags=re.M)
    assert uids is not None and set(uids.group(1).split()) == {"10001"}, status
    users = engine("top", served.name, "user").stdout.split()[1:]
    assert users and set(users) == {"app"}, users


def test_podman_healthcheck_passes(engine: Podman, served: Running) -> None:
    result = engine("healthcheck", "run", served.name, check=False)
    assert result.returncode == 0, f"healthcheck: {result.returncode} {result.stdout}{result.stderr[-2000:]}"


def test_memory_after_200_predictions(engine: Podman, served: Running, figure: Callable[[str], None]) -> None:
    before = engine.memory_bytes(served.name)
    for _ in range(200):
        assert_reads_strokes(served.base)
    after = engine.memory_bytes(served.name)
    workers = len(worker_pids(engine, served.name))
    figure(f"memory ({workers} workers): {before / 1e6:.0f} MB before and {after / 1e6:.0f} MB after 200 predictions")
    assert workers == 2


def test_stop_answers_the_request_in_flight_and_exits_0(
    engine: Podman, served: Running, figure: Callable[[str], None]
) -> None:
    """`podman stop --time 5` kills what is still running after 5 s (exit 137): status 0 means a clean stop."""
    workers = len(worker_pids(engine, served.name))
    body = json.dumps({"strokes": STROKES}).encode()
    head = b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    port = int(served.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body[:8])
        time.sleep(0.2)  # the server has the headers: this request is in flight
        begun = time.monotonic()
        stop = engine.popen("stop", "--time", "5", served.name)
        while logs(engine, served.name).count("Shutting down") < workers:
            assert time.monotonic() - begun < 10, "no worker logged its shutdown after podman stop"
            time.sleep(0.05)
        client.sendall(body[8:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    stop.wait(timeout=30)
    stopped = time.monotonic() - begun
    exit_code = engine("inspect", "--format", "{{.State.ExitCode}}", served.name).stdout.strip()
    figure(f"stop: `podman stop` returned after {stopped:.1f} s, exit status {exit_code}")
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert stop.returncode == 0 and exit_code == "0", (stop.returncode, exit_code, logs(engine, served.name)[-2000:])


# ---- other ways to run it -------------------------------------------------------------------------------


def test_three_workers_on_a_read_only_root(engine: Podman, image: str, figure: Callable[[str], None]) -> None:
    """WEB_CONCURRENCY=3 starts three worker processes, with the root filesystem read-only and no tmpfs."""
    options = ("--read-only", "--read-only-tmpfs=false", "--env", "WEB_CONCURRENCY=3")
    with running_image(engine, image, figure, *options, label="3 workers, read-only") as running:
        deadline = time.monotonic() + 60
        while logs(engine, running.name).count("Application startup complete") < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        processes = engine("top", running.name, "pid", "ppid", "args").stdout.splitlines()[1:]
        workers = [line for line in processes if "spawn_main" in line and line.split()[1] == "1"]
        assert len(workers) == 3 and len(worker_pids(engine, running.name)) == 3, processes
        for _ in range(30):  # every worker serves some of these, on a root it cannot write to
            assert_reads_strokes(running.base)
        memory = engine.memory_bytes(running.name)
        figure(f"memory (3 workers, read-only): {memory / 1e6:.0f} MB after 30 predictions")
