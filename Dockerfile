# Digit reader: the FastAPI app and the NumPy network, served by uvicorn.
#   docker build -t digit-reader .
#   docker run -p 8000:8000 digit-reader          (WEB_CONCURRENCY=4 for four workers)
# tests/shipping/test_dockerfile.py parses this file: it lints it with hadolint and runs the final
# stage's COPYs, ENV and CMD against a fresh venv built from requirements.lock.

# ---- builder: the locked runtime dependencies, in a virtual environment -------------------------
FROM python:3.11.14-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock

# ---- final: the venv plus only the files the server reads ---------------------------------------
FROM python:3.11.14-slim-bookworm

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DIGITS_HOST=0.0.0.0 \
    DIGITS_PORT=8000 \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

COPY --from=builder /opt/venv /opt/venv
COPY app/ app/
COPY model/__init__.py model/constants.py model/network.py model/preprocess.py model/weights.py \
     model/inference.py model/uncertainty.py model/
COPY model/weights/default.npz model/weights/default.npz.sha256 model/weights/
COPY static/ static/
COPY templates/ templates/

# Files stay owned by root: the server only reads them.
USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DIGITS_PORT', '8000') + '/healthz', timeout=4)"]

# `python -m app` runs uvicorn on DIGITS_HOST:DIGITS_PORT with WEB_CONCURRENCY worker processes, no
# Server header, and exits 0 after a graceful SIGTERM (docker stop) instead of dying of the signal.
CMD ["python", "-m", "app"]
