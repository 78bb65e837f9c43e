"""One BLAS thread per server process, however the server was started.

A request multiplies a single 784-vector (or a small batch), too little work to share, and on a busy
machine BLAS threads waiting for each other made /predict 3-7x slower (benchmarks/serve.py). Scale
out with worker processes instead. app/__init__ sets OPENBLAS_NUM_THREADS=1 before NumPy is
imported, but a launcher that imports NumPy first (a custom script, a process manager, a test
runner) has already started one BLAS thread per core by then: a picture request then burned 69 ms
of CPU instead of 27. So the lifespan also sets the limit at startup through threadpoolctl, which
changes it in the loaded BLAS library itself.
"""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits

THREADS_VARIABLE = "OPENBLAS_NUM_THREADS"
"""The one source of the setting: 1 unless set in the environment (app/__init__ sets the default)."""


def blas_threads() -> int:
    """Return the number of BLAS threads to use: OPENBLAS_NUM_THREADS if it is a positive integer, else 1."""
    value = os.environ.get(THREADS_VARIABLE, "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def limit_blas_threads() -> int:
    """Limit the BLAS and OpenMP thread pools of this process to blas_threads(); return that number.

    The limit holds for the life of the process (threadpool_limits is used as a call, not as a context).
    """
    threads = blas_threads()
    threadpool_limits(limits=threads)
    return threads
