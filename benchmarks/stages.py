"""Where a strokes request's time goes inside a busy server, stage by stage.

Serves a copy of the app with staged copies of POST /predict added (to this copy only, never to the
product). Stage k does the first k steps of the real route, then returns a stored answer of the real
answer's size, so every stage pays the same framework cost for the body and the answer:

    framework   read the body, return the stored answer
    parse       + check the JSON (app.parsing)
    render      + strokes to 28x28 (model.reading.strokes)
    forward     + the forward pass (model.serving.inference.predict)
    answer      + the uncertainty flags and the JSON encoding: the whole of /predict's work

Each stage is driven like benchmarks/serve.py drives /predict (one uvicorn worker, wrk, keep-alive
connections); the difference between consecutive stages' microseconds per request is what that
step costs in the server, cache misses included. Timing the steps alone in a loop says less: there
the same weights and code stay in cache from one call to the next.

    python benchmarks/stages.py [--duration 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
from drawings import drawing

from app.answering import answer_drawing
from app.dependencies import get_runtime
from app.errors import JSON
from app.main import create_app
from app.parsing import parse_predict_body
from model.reading.strokes import render
from model.serving.inference import predict

STAGES = ("framework", "parse", "render", "forward", "answer")

app = create_app()


def stage_route(depth: int) -> Callable[[Request], Awaitable[Response]]:
    """Return an endpoint doing the first `depth` steps of /predict's work, then answering the stored bytes."""

    async def staged(request: Request) -> Response:
        runtime = await get_runtime(request)
        body = await request.body()
        stored: bytes | None = getattr(request.app.state, "stored_answer", None)
        if stored is None or depth == len(STAGES) - 1:
            reply = answer_drawing(runtime=runtime, drawing=parse_predict_body(body, runtime.limits))
            request.app.state.stored_answer = reply
            return Response(reply, media_type=JSON)
        if depth >= 1:
            strokes = parse_predict_body(body, runtime.limits).strokes
        if depth >= 2:
            assert strokes is not None
            image = render(strokes)
        if depth >= 3:
            predict(network=runtime.reader, image=image)
        return Response(stored, media_type=JSON)

    return staged


for number, name in enumerate(STAGES):
    app.add_api_route(f"/stage/{name}", stage_route(number), methods=["POST"], include_in_schema=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="measured seconds per stage (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections (default 32)")
    args = parser.parse_args(argv)
    body = json.dumps({"strokes": drawing(4)}, separators=(",", ":")).encode()
    requests = [("GET /healthz", driver.http_request("healthz", "GET", "/healthz"))]
    requests += [(name, driver.http_request(name, "POST", f"/stage/{name}", body)) for name in STAGES]
    requests.append(("POST /predict", driver.http_request("predict", "POST", "/predict", body)))

    print(f"stages benchmark: {driver.machine_note()}")
    print(f"the serving benchmark's typical drawing; {args.connections} connections, {args.duration:g} s per stage")
    print(f"{'stage':<16}{'req/s':>9}{'us/request':>12}{'this step':>11}")
    with driver.quiet_server(app="benchmarks.stages:app") as server:
        requests[1][1].fetch(server.port)  # stores the answer
        previous = None
        for name, request in requests:
            result = driver.run_wrk(server.port, [request], connections=args.connections, duration_s=args.duration)
            if result.failed:
                print(f"FAILED: {name}: {result.failed} requests were not answered 200", file=sys.stderr)
                return 1
            micros = 1e6 / result.rps
            step = f"{micros - previous:>+11.0f}" if previous is not None and name in STAGES[1:] else ""
            print(f"{name:<16}{result.rps:>9.0f}{micros:>12.0f}{step}")
            previous = micros if name in STAGES else previous
    return 0


if __name__ == "__main__":
    sys.exit(main())
