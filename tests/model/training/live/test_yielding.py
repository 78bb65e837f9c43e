"""WorkerLoad: whether the job's worker has been busy, from its CPU time, so that the job steps aside."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from model.training.live.yielding import WorkerLoad, cpu_seconds, running, serving
from tests.conftest import skip_or_fail


class Fake:
    """A clock and a CPU-time reader the test moves by hand."""

    def __init__(self) -> None:
        self.now, self.spent, self.reads, self.others = 0.0, 0.0, 0, 0.0

    def clock(self) -> float:
        return self.now

    def cpu(self, pid: int) -> float:
        self.reads += 1
        if self.spent < 0:
            raise FileNotFoundError(f"/proc/{pid}/stat")
        return self.spent if pid == 123 else self.others


def load(fake: Fake, share: float = 0.5) -> WorkerLoad:
    return WorkerLoad([123], share=share, window_s=0.125, clock=fake.clock, cpu=fake.cpu)


def test_busy_is_more_than_the_share_of_a_cpu_over_the_last_window() -> None:
    fake = Fake()
    worker = load(fake)
    assert not worker.busy()  # no whole window yet
    fake.now, fake.spent = 0.125, 0.075  # 60% of a CPU
    assert worker.busy()
    fake.now = 0.1875  # within the next window: the last one's answer stands, without reading again
    reads = fake.reads
    assert worker.busy() and fake.reads == reads
    fake.now, fake.spent = 0.25, 0.125  # 40% over the second window
    assert not worker.busy()
    fake.now, fake.spent = 0.375, 0.25  # a whole CPU
    assert worker.busy()


def test_a_share_of_zero_never_reads_and_never_yields() -> None:
    fake = Fake()
    worker = load(fake, share=0.0)
    fake.now, fake.spent = 1.0, 1.0
    assert not worker.busy() and fake.reads == 0


def test_a_worker_whose_cpu_time_cannot_be_read_is_never_busy() -> None:
    fake = Fake()
    fake.spent = -1  # not Linux, or the process is gone
    assert not load(fake).busy()
    fake = Fake()
    worker = load(fake)
    fake.now, fake.spent = 0.125, 0.125
    assert worker.busy()
    fake.now, fake.spent = 0.25, -1
    assert not worker.busy() and not worker.busy()


def test_it_reads_a_real_process_cpu_time() -> None:
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        skip_or_fail("no /proc: the CPU time of another process is read from Linux's /proc")
    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:  # burn a tenth of a second of CPU
        pass
    assert cpu_seconds(os.getpid()) - before == pytest.approx(0.1, abs=0.05)
    worker = WorkerLoad([os.getpid()], share=0.5, window_s=0.05)
    deadline = time.monotonic() + 0.1
    while time.monotonic() < deadline:
        pass
    assert worker.busy()  # this process used a whole CPU


def test_a_busy_sibling_is_enough() -> None:
    fake = Fake()
    worker = WorkerLoad([123, 456], share=0.5, window_s=0.125, clock=fake.clock, cpu=fake.cpu)
    fake.now, fake.spent, fake.others = 0.125, 0.0, 0.125  # the job's own worker idle, its sibling busy
    assert worker.busy()
    fake.now, fake.spent, fake.others = 0.25, 0.0625, 0.1875  # both at half a CPU: not more than the share
    assert not worker.busy()


def test_the_only_worker_is_served_alone_and_spawned_workers_with_their_siblings() -> None:
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        skip_or_fail("no /proc: a worker's siblings are found in Linux's /proc")
    assert serving(os.getpid()) == [os.getpid()]  # pytest was not spawned by multiprocessing: a server alone
    spawn = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    workers = [spawn.Process(target=time.sleep, args=(30,)) for _ in range(2)]
    for process in workers:
        process.start()
    try:
        first, second = (process.pid for process in workers)
        assert first is not None and second is not None
        deadline = time.monotonic() + 10  # until both have their spawned command lines
        while time.monotonic() < deadline and not {first, second} <= set(serving(first)):
            time.sleep(0.05)
        assert serving(first)[0] == first and {first, second} <= set(serving(first))  # (and any other spawned)
    finally:
        for process in workers:
            process.kill()
            process.join()


def test_running_is_false_once_a_process_has_ended() -> None:
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        skip_or_fail("no /proc: whether a process runs is read from Linux's /proc")
    assert running(os.getpid())
    process = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,))
    process.start()
    assert process.pid is not None and running(process.pid)
    process.kill()
    process.join()  # reaped: no /proc entry left
    assert not running(process.pid)
