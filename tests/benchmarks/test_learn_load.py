"""benchmarks/learn_load.py measures what it says: /predict while a job trains, and the RSS of worker and job."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import learn_load  # benchmarks/ is a folder of scripts, not a package


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_a_short_run_reports_latency_with_a_job_and_the_memory(wrk: str, tmp_path: Path, workers: int) -> None:
    out = tmp_path / "learn.json"
    arguments = ["--duration", "1", "--jobs", "0,1", "--connections", "1", "--workers", str(workers)]
    assert learn_load.main([*arguments, "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert [(run["jobs"], run["connections"]) for run in results["runs"]] == [(0, 1), (1, 1)]
    assert all(run["requests"] > 0 and run["failed"] == 0 for run in results["runs"])
    assert [(len(run["cpu_s"]["workers"]), len(run["cpu_s"]["jobs"])) for run in results["runs"]] == [
        (workers, 0),
        (workers, 1),
    ]
    memory = results["memory"]
    assert memory["worker_idle_mib"] > 20 and memory["largest_job_mib"] > 20
    assert memory["examples_seen_in_5_s"] > 0


def test_median() -> None:
    assert learn_load.median([3.0, 1.0, 2.0]) == 2.0 and learn_load.median([4.0, 1.0]) == 2.5
