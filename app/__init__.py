"""The web layer: settings, routes, request and response models, security and limits."""

import os

# One BLAS thread per server process (why: app/blas.py). Set here, before NumPy is first imported,
# it also keeps OpenBLAS from starting a thread per core; a launcher that imported NumPy before
# the app is covered by the lifespan (app.blas.limit_blas_threads). A value set in the environment wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
