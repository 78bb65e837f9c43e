"""`python -m app`: serve app.main:app with uvicorn on DIGITS_HOST:DIGITS_PORT, without a Server header.

DIGITS_WORKERS (or WEB_CONCURRENCY) worker processes; 1 by default. Connections are handled by
app.protocol.GuardedProtocol: deadlines for slow and silent clients and a cap on open connections
(DIGITS_HEADER_TIMEOUT_S, DIGITS_BODY_TIMEOUT_S, DIGITS_MAX_CONNECTIONS).

Otherwise the same server as `uvicorn app.main:app --no-server-header --http app.protocol:GuardedProtocol`,
except for the exit status after a SIGTERM: uvicorn finishes the requests in flight, then re-raises
the signal so the process dies of it (status 143 in a shell). A stop request is no failure, so here
the process exits 0 instead.
"""

from __future__ import annotations

import logging
import resource
import signal
from types import FrameType

import uvicorn

from app.protocol import GuardedProtocol
from app.settings import Settings, load_settings

FILES_PER_PROCESS = 64
"""File descriptors a worker needs besides its connections: listening socket, logs, weights, pipes."""


def _exit(signum: int, frame: FrameType | None) -> None:
    """Exit 0 for SIGTERM and 128 + signal otherwise; uvicorn calls this only after its graceful shutdown."""
    raise SystemExit(0 if signum == signal.SIGTERM else 128 + signum)


def raise_open_files_limit(settings: Settings) -> int:
    """Return the soft limit on open files after raising it, up to the hard limit, to fit the connection cap.

    Workers inherit the limit. A worker that runs out of file descriptors cannot accept a new
    connection at all, not even GET /healthz, so the cap, not the limit, must be what is reached.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = settings.workers * (settings.max_connections + FILES_PER_PROCESS)
    if soft != resource.RLIM_INFINITY and soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < needed:
        logging.getLogger("app").warning(
            "open files limit %d is below the %d that DIGITS_MAX_CONNECTIONS=%d needs; lower it or raise the limit",
            soft,
            needed,
            settings.max_connections,
        )
    return soft


def main() -> None:
    """Run the server until it is stopped; exits non-zero when the weights cannot be loaded."""
    settings = load_settings()
    # uvicorn puts back the handlers it found, then raises the signal it caught: these handlers.
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    raise_open_files_limit(settings)
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        server_header=False,
        workers=settings.workers,
        http=GuardedProtocol,
    )


if __name__ == "__main__":
    main()
