"""`python -m app`: serve app.main:app with uvicorn on DIGITS_HOST:DIGITS_PORT, without a Server header.

DIGITS_WORKERS (or WEB_CONCURRENCY) worker processes; 1 by default.

The same server as `uvicorn app.main:app --no-server-header`, except for the exit status after a
SIGTERM: uvicorn finishes the requests in flight, then re-raises the signal so the process dies of
it (status 143 in a shell). A stop request is no failure, so here the process exits 0 instead.
"""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn

from app.settings import Settings


def _exit(signum: int, frame: FrameType | None) -> None:
    """Exit 0 for SIGTERM and 128 + signal otherwise; uvicorn calls this only after its graceful shutdown."""
    raise SystemExit(0 if signum == signal.SIGTERM else 128 + signum)


def main() -> None:
    """Run the server until it is stopped; exits non-zero when the weights cannot be loaded."""
    settings = Settings()
    # uvicorn puts back the handlers it found, then raises the signal it caught: these handlers.
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    uvicorn.run("app.main:app", host=settings.host, port=settings.port, server_header=False, workers=settings.workers)


if __name__ == "__main__":
    main()
