"""The container engine the tests drive: podman, with the settings that machines like CI's need.

A user with Docker needs none of this: `docker build -t digit-reader .` and `docker run -p 8000:8000
digit-reader` work as they are. Debian's podman runs the same Dockerfile and the same build, run, stop
and healthcheck commands, but CI's machines (containers themselves, with no registry in reach) need:

- runc and cgroupfs: the default runtime, crun, fails there ("cgroups in hybrid mode not supported");
- fixed ulimits: podman raises the open-file and process limits by default, which the sandbox forbids
  ("setrlimit ... Operation not permitted");
- a stand-in base image: `python:3.11-slim` cannot be pulled, so a Debian bookworm with its own Python
  3.11, made with debootstrap, is passed as PYTHON_IMAGE (the Dockerfile's default stays the official image);
- the host's CA bundle during the build: pip's traffic to the package index passes a TLS-intercepting
  proxy that the host trusts and a fresh image does not. The bundle and a pip.conf naming it are mounted
  into the build's RUN steps only; nothing of them lands in the image;
- `--format docker`: the default OCI format drops HEALTHCHECK.

The settings live in a file that CONTAINERS_CONF points at, for the tests' own commands only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import skip_or_fail
from tests.server import get_status

STANDIN_BASE = "localhost/python-standin:3.11-bookworm"
"""Debian bookworm's Python 3.11 in place of the official python:3.11-slim-bookworm."""
STANDIN_PACKAGES = "python3,python3-venv,python-is-python3,ca-certificates"
STANDIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")

CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
"""


class Podman:
    """podman with this machine's settings; every command runs with them and nothing else changes."""

    def __init__(self, executable: str, folder: Path) -> None:
        self.executable = executable
        self.folder = folder
        conf = folder / "containers.conf"
        conf.write_text(CONTAINERS_CONF)
        (folder / "pip.conf").write_text(f"[global]\ncert = {CA_BUNDLE}\n")
        self.env = {**os.environ, "CONTAINERS_CONF": str(conf)}

    def __call__(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `podman ARGS`; return its result, or fail the test with its output when `check` and it fails."""
        result = subprocess.run(
            [self.executable, *args],
            env=self.env,
            cwd=self.folder,  # conmon leaves a file named oom in its working directory when a container is OOM-killed
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"podman {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start `podman ARGS` without waiting; its output is captured."""
        return subprocess.Popen(
            [self.executable, *args],
            env=self.env,
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def build_options(self) -> list[str]:
        """Return the options `podman build` needs here besides the Dockerfile's own build arguments."""
        options = ["--pull=never", "--format", "docker", "--build-arg", f"PYTHON_IMAGE={STANDIN_BASE}"]
        if CA_BUNDLE.exists():
            options += [
                "--volume",
                f"{CA_BUNDLE}:{CA_BUNDLE}:ro",
                "--volume",
                f"{self.folder / 'pip.conf'}:/etc/pip.conf:ro",
            ]
        return options

    def ensure_standin_base(self) -> None:
        """Make the stand-in base image unless the podman store already holds it (about 50 s the first time)."""
        if self("image", "exists", STANDIN_BASE, check=False).returncode == 0:
            return
        debootstrap = shutil.which("debootstrap")
        if debootstrap is None:
            skip_or_fail("debootstrap not found: `apt-get install debootstrap` (it makes the stand-in base image)")
            assert debootstrap is not None
        with tempfile.TemporaryDirectory(prefix="standin-") as root:
            subprocess.run(
                [debootstrap, "--variant=minbase", f"--include={STANDIN_PACKAGES}", "bookworm", root],
                check=True, capture_output=True, timeout=900,
            )  # fmt: skip
            tar = subprocess.Popen(["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE)
            subprocess.run(
                [self.executable, "import", "--change", f"ENV PATH={STANDIN_PATH}", "-", STANDIN_BASE],
                stdin=tar.stdout, env=self.env, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            assert tar.wait(timeout=60) == 0

    def memory_bytes(self, container: str) -> int:
        """Return the container's memory use as `podman stats` (and `docker stats`) report it, in bytes."""
        stats = json.loads(self("stats", "--no-stream", "--format", "json", container).stdout)
        return human_bytes(stats[0]["mem_usage"].split("/")[0])

    def peak_memory_bytes(self, container: str) -> int | None:
        """Return the most memory the container has used so far (its cgroup's peak), or None where unknown."""
        path = self("inspect", "--format", "{{.State.CgroupPath}}", container).stdout.strip()
        for peak in (f"/sys/fs/cgroup/memory{path}/memory.max_usage_in_bytes", f"/sys/fs/cgroup{path}/memory.peak"):
            if path and Path(peak).is_file():
                return int(Path(peak).read_text())
        return None

    def wait_healthy(self, container: str, port: int, timeout: float = 90) -> float:
        """Return the seconds until GET /healthz on `port` answered 200; fail with the logs if it exits or times out."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if get_status(port, timeout=2) == 200:
                return time.monotonic() - start
            running = self("container", "inspect", "--format", "{{.State.Running}}", container, check=False)
            if running.stdout.strip() == "false":
                break
            time.sleep(0.1)
        logs = self("logs", container, check=False)
        raise AssertionError(f"{container} never answered /healthz:\n{(logs.stdout + logs.stderr)[-4000:]}")


_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def human_bytes(text: str) -> int:
    """Return the bytes in a size as podman writes it ("54.56MB", "1.2GiB")."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([kmg]i?b|b)\s*", text.lower())
    assert match, f"not a size: {text!r}"
    return round(float(match.group(1)) * _UNITS[match.group(2)])


def podman(folder: Path) -> Podman:
    """Return podman set up for this machine, or skip (fail under REQUIRE_ALL=1) where it or runc is missing."""
    executable = shutil.which("podman")
    if executable is None or shutil.which("runc") is None:
        skip_or_fail("podman and runc not found: `apt-get install podman runc debootstrap catatonit`")
    assert executable is not None
    return Podman(executable, folder)
