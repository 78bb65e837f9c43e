"""deploy/kubernetes.yaml: read as Kubernetes would, then played with `podman kube play` on the real image."""

from __future__ import annotations

import io
import json
import math
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from websockets.sync.client import connect

from app.limits import Limits
from model.reading.pictures.decode import FORMAT_MAX_PIXELS
from tests.server import free_port
from tests.shipping.conftest import REPO
from tests.shipping.engine import Podman
from tests.shipping.http import post_picture, request

MANIFEST = REPO / "deploy" / "kubernetes.yaml"
STROKES = [[[100.0, 20.0 + 4 * i] for i in range(40)]]

_QUANTITY = {"": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9}


def documents() -> dict[str, dict[str, Any]]:
    """Return the manifest's objects by kind."""
    return {doc["kind"]: doc for doc in yaml.safe_load_all(MANIFEST.read_text())}


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


def memory(quantity: str) -> int:
    """Return the bytes of a Kubernetes memory quantity ("256Mi")."""
    match = re.fullmatch(r"(\d+)([KMG]i?|k)?", quantity)
    assert match, quantity
    return int(match.group(1)) * _QUANTITY[match.group(2) or ""]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container.get("env", [])}


# ---- the manifest, read -------------------------------------------------------------------------------


def test_deployment_runs_two_locked_down_replicas_with_probes_and_resources() -> None:
    deployment = documents()["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    container = container_of(deployment)
    assert container["image"] == "digit-reader:latest"
    assert [port["containerPort"] for port in container["ports"]] == [8000]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": 8000}, probe
    assert pod["securityContext"]["runAsNonRoot"] is True
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    resources = container["resources"]
    for kind in ("cpu", "memory"):
        assert kind in resources["requests"] and kind in resources["limits"], kind
    assert memory(resources["requests"]["memory"]) <= memory(resources["limits"]["memory"])
    # One worker per core: as many uvicorn workers as the CPUs the pod may use.
    assert env_of(container)["WEB_CONCURRENCY"] == str(resources["limits"]["cpu"])


def test_service_and_autoscaler_point_at_the_deployment() -> None:
    objects = documents()
    deployment, service, autoscaler = objects["Deployment"], objects["Service"], objects["HorizontalPodAutoscaler"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    named = {port["name"]: port["containerPort"] for port in container_of(deployment)["ports"]}
    assert all(named.get(port["targetPort"], port["targetPort"]) == 8000 for port in service["spec"]["ports"])
    target = autoscaler["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert autoscaler["spec"]["minReplicas"] >= 2
    assert [metric["resource"]["name"] for metric in autoscaler["spec"]["metrics"]] == ["cpu"]


# ---- the manifest, played -----------------------------------------------------------------------------


def largest_picture(side: int) -> bytes:
    """Return a side x side RGB PNG with a dark bar: the most pixels a PNG upload may have."""
    picture = Image.new("RGB", (side, side), (250, 250, 245))
    picture.paste((20, 20, 30), (side * 9 // 20, side // 8, side * 11 // 20, side * 7 // 8))
    data = io.BytesIO()
    picture.save(data, format="PNG", compress_level=1)
    return data.getvalue()


def for_this_machine(image: str, port: int) -> list[dict[str, Any]]:
    """Return the manifest with what host networking on one machine needs, and nothing else, changed.

    The test's image tag, a free port and a name of its own (another test session may be playing it too);
    one replica, since on the host's network a second pod could not bind the same port; no `ports` list,
    which podman 4.3 refuses with host networking.
    """
    objects = list(yaml.safe_load_all(MANIFEST.read_text()))
    deployment = next(doc for doc in objects if doc["kind"] == "Deployment")
    deployment["metadata"]["name"] = f"digit-reader-test-{port}"
    deployment["spec"]["replicas"] = 1
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["image"] = image
    container["env"] = [*container.get("env", []), {"name": "DIGITS_PORT", "value": str(port)}]
    container.pop("ports")
    for probe in ("readinessProbe", "livenessProbe"):
        container[probe]["httpGet"]["port"] = port
    return objects


@pytest.mark.container
@pytest.mark.slow
@pytest.mark.timeout(900, func_only=True)  # the image is built in its setup; kube play has 300 s, kube down 120
def test_kube_play_serves_the_deployment(
    engine: Podman, image: str, tmp_path: Path, figure: Callable[[str], None]
) -> None:
    port = free_port()
    played = tmp_path / "kubernetes.yaml"
    played.write_text(yaml.safe_dump_all(for_this_machine(image, port)))
    container = container_of(documents()["Deployment"])
    begun = time.monotonic()
    try:
        output = engine("kube", "play", "--network", "host", str(played), timeout=300).stdout
        ids = re.findall(r"^Container:\s*\n([0-9a-f]{64})$", output, flags=re.M)
        assert len(ids) == 1, output
        base = f"http://127.0.0.1:{port}"
        engine.wait_healthy(ids[0], port)
        started = time.monotonic() - begun
        for _ in range(200):
            status, body = request(base + "/predict", {"strokes": STROKES})
            assert status == 200, body[:300]
        after_strokes = engine.memory_bytes(ids[0])
        side = math.isqrt(min(Limits().max_image_pixels, FORMAT_MAX_PIXELS["PNG"]))
        picture = largest_picture(side)
        # Meanwhile a /learn job trains the largest network the limits allow, in the same pod (its memory counts too).
        with connect(f"ws://127.0.0.1:{port}/api/learn/ws", max_size=None) as job:
            job.send(json.dumps({"type": "start", "config": {"hidden": [100, 100], "batch_size": 100}}))
            assert [json.loads(job.recv(timeout=60))["type"] for _ in range(2)] == ["started", "progress"]
            with ThreadPoolExecutor(3) as pool:  # more at once than the pod decodes at once
                statuses = [
                    r.status_code for r in pool.map(lambda _: post_picture(base + "/predict", picture), range(3))
                ]
            assert statuses == [200, 200, 200], "the pod did not survive three of the largest pictures at once"
            seen = [json.loads(job.recv(timeout=30)) for _ in range(4)]
            assert any(message["type"] == "progress" for message in seen), "the job did not survive the pictures"
            used, peak = engine.memory_bytes(ids[0]), engine.peak_memory_bytes(ids[0])
        inspect = "{{.HostConfig.Memory}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}"
        limit, read_only, user = engine("inspect", "--format", inspect, ids[0]).stdout.split()
        figure(
            f"kube play (1 worker, 1 CPU): /healthz 200 after {started:.1f} s; {after_strokes / 1e6:.0f} MB after 200 "
            f"predictions, {used / 1e6:.0f} MB after three {side}x{side} RGB pictures at once while a /learn job "
            f"trained 784-100-100-10, peak "
            f"{'unknown' if peak is None else f'{peak / 1e6:.0f} MB'} (request "
            f"{container['resources']['requests']['memory']}, limit {int(limit) / 2**20:.0f} Mi)"
        )
        assert int(limit) == memory(container["resources"]["limits"]["memory"])
        assert read_only == "true" and user.split(":")[0] == "10001"
    finally:
        down = engine("kube", "down", str(played), timeout=120, check=False)
    assert down.returncode == 0, down.stderr
