# Digit reader: the FastAPI app and the NumPy network, served by uvicorn.
#   docker build -t digit-reader .
#   docker run -p 8000:8000 digit-reader          (WEB_CONCURRENCY=4 for four workers)
# tests/shipping/test_dockerfile.py lints this file with hadolint and replays the final stage's COPYs, ENV
# and CMD without an engine; tests/shipping/test_container.py builds and runs the image itself (podman).

# The base of both stages. The default is the official image, pinned; another base (a mirror, or the
# tests' stand-in where no registry is reachable) is `--build-arg PYTHON_IMAGE=...`.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# ---- builder: the locked runtime dependencies, in a virtual environment -------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Only the lock file comes in before the install, so this layer is rebuilt when the lock changes and
# never for a change to the app. Then out goes what the server never reads (about 50 MB): pip and
# setuptools (it installs nothing); NumPy's test suites, test modules and build tools (f2py, distutils);
# Pillow's AVIF, font and colour-management modules and their libraries (it decodes PNG, JPEG, WebP, GIF
# and BMP and draws no text); Swagger UI's source maps and the bundles /docs does not load; type stubs
# and C sources. The compiled .pyc files stay: the root filesystem may be read-only.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock \
    && /opt/venv/bin/pip uninstall --yes pip setuptools \
    && site="$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
    && rm -rf "$site/numpy/f2py" "$site/numpy/distutils" /opt/venv/bin/f2py \
    && find "$site/numpy" -depth -type d -name tests -exec rm -rf {} + \
    && rm -f "$site"/numpy/_core/_*_tests.*.so "$site"/numpy/_core/_simd.*.so \
    && rm -f "$site"/PIL/_avif.*.so "$site"/PIL/_imagingft.*.so "$site"/PIL/_imagingcms.*.so "$site"/PIL/_imagingtk.*.so \
        "$site"/pillow.libs/libavif-* "$site"/pillow.libs/libfreetype-* "$site"/pillow.libs/libharfbuzz-* \
        "$site"/pillow.libs/libbrotli* "$site"/pillow.libs/liblcms2-* \
    && find "$site/swagger_ui_bundle" -type f \( -name '*.map' -o -name 'swagger-ui-es-bundle*.js' -o -name 'swagger-ui.js' \) -delete \
    && find "$site" -type f \( -name '*.pyi' -o -name '*.pyx' -o -name '*.pxd' -o -name '*.c' -o -name '*.h' \) -delete

# ---- final: the venv plus only the files the server reads ---------------------------------------
FROM ${PYTHON_IMAGE}

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DIGITS_HOST=0.0.0.0 \
    DIGITS_PORT=8000 \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Least often changed first, so an edit to the app rebuilds only the last, small layers.
COPY --from=builder /opt/venv /opt/venv
COPY model/weights/default.npz model/weights/default.npz.sha256 model/weights/
COPY static/ static/
COPY templates/ templates/
# The served packages, as folders (model/evaluation stays out: nothing in the image imports it). model/datasets/
# brings the /learn MNIST subset (learning.npz, 2.0 MB).
COPY model/__init__.py model/constants.py model/network.py model/
COPY model/serving/ model/serving/
COPY model/reading/ model/reading/
COPY model/datasets/ model/datasets/
COPY model/figures/ model/figures/
# Of model/training, only what the /learn job runs (python -m model.training.live, started by the worker):
# the trainer, its optimiser and the job; not `make train`'s command line, augmentation or averaging.
COPY model/training/__init__.py model/training/trainer.py model/training/optimizer.py model/training/
COPY model/training/live/ model/training/live/
COPY app/ app/

# Files stay owned by root: the server only reads them.
USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DIGITS_PORT', '8000') + '/healthz', timeout=4)"]

# `python -m app` runs uvicorn on DIGITS_HOST:DIGITS_PORT with WEB_CONCURRENCY worker processes, no
# Server header, and exits 0 after a graceful SIGTERM (docker stop) instead of dying of the signal.
CMD ["python", "-m", "app"]
