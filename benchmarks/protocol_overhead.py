"""What app/protocol.py's deadlines cost per request: uvicorn's httptools protocol against GuardedProtocol.

No sockets: each protocol is fed the same kept-alive requests on one event loop and answers them with
a do-nothing ASGI app, so the difference is the protocol layer alone; with --app, with the real app
(app.main, the shipped weights) instead. The two are timed in turns, in CPU time of this process (best
of --rounds), which keeps a busy machine's noise out of the comparison better than two wrk runs can.

    python benchmarks/protocol_overhead.py [--requests 20000] [--rounds 5] [--app]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawings import drawing  # benchmarks/ is a folder of scripts, not a package

from app.main import create_app
from app.protocol import GuardedProtocol

STROKES = json.dumps({"strokes": drawing(4)}, separators=(",", ":")).encode()
REQUESTS = {
    "GET /healthz": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n",
    "POST /predict (the typical drawing)": (
        b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(STROKES), STROKES)
    ),
}


class Transport(asyncio.Transport):
    """A transport that keeps nothing: the protocol's answers are dropped."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def write(self, data: Any) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def answer(scope: Any, receive: Any, send: Any) -> None:
    """Read the body, answer 200 with an empty body."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def time_requests(protocol_class: type[HttpToolsProtocol], request: bytes, count: int, app: Any) -> float:
    """Return the CPU seconds `count` requests take through one connection of `protocol_class` to `app`."""
    answered = asyncio.Event()

    async def answering(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)
        answered.set()

    config = Config(app=answering, lifespan="off", log_level="warning", access_log=False)
    state = ServerState()
    protocol = protocol_class(config=config, server_state=state, app_state={})
    protocol.connection_made(Transport())
    started = time.process_time()
    for _ in range(count):
        protocol.data_received(request)
        await answered.wait()  # no busy waiting: the app may hand work to a thread
        answered.clear()
    elapsed = time.process_time() - started
    protocol.connection_lost(None)
    if state.total_requests != count:
        raise RuntimeError(f"{protocol_class.__name__} answered {state.total_requests} of {count} requests")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests per timing (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="timings per protocol, the best counts (default 5)")
    parser.add_argument("--app", action="store_true", help="answer with the real app instead of a do-nothing one")
    args = parser.parse_args(argv)
    asyncio.run(compare(args.requests, args.rounds, create_app() if args.app else answer))
    return 0


async def compare(count: int, rounds: int, app: Any) -> None:
    """Print the CPU time per request of each request with each protocol (best of `rounds`)."""
    lifespan = app.router.lifespan_context(app) if app is not answer else contextlib.nullcontext()
    async with lifespan:
        for name, request in REQUESTS.items():
            best = {HttpToolsProtocol: float("inf"), GuardedProtocol: float("inf")}
            for _ in range(rounds):
                for protocol_class in best:
                    elapsed = await time_requests(protocol_class, request, count, app)
                    best[protocol_class] = min(best[protocol_class], elapsed)
            report(name, count, best)


def report(name: str, count: int, best: dict[type[HttpToolsProtocol], float]) -> None:
    """Print one request's figures."""
    plain, guarded = (1e6 * best[cls] / count for cls in (HttpToolsProtocol, GuardedProtocol))
    print(
        f"{name}: uvicorn's protocol {plain:.1f} us per request, GuardedProtocol {guarded:.1f} us "
        f"(+{guarded - plain:.1f} us, {100 * (guarded - plain) / plain:+.0f}%)"
    )


if __name__ == "__main__":
    sys.exit(main())
