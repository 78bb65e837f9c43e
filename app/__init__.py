"""The web layer: settings, routes, request and response models, security and limits."""

import os

# One BLAS thread per server process. A request multiplies a single 784-vector, too little work to
# share, and on a busy machine BLAS threads waiting for each other made /predict 3-7x slower
# (benchmarks/serve.py). Scale out with worker processes instead. This must run before NumPy is
# first imported, which is why it sits here; a value set in the environment wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
