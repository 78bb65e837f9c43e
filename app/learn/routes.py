"""GET /api/learn (the limits, defaults and data of /learn) and the WebSocket /api/learn/ws: thin routes."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection

from app.learn.limits import LearnLimits
from app.learn.messages import COSTS, StartConfig
from app.learn.origin import origin_allowed
from app.learn.ranges import EPOCHS, ETA, OWN_MIX, SEED, SMALLEST, SPEED, LearnRanges
from app.learn.service import LearnService
from app.learn.session import Session

WS_PATH = "/api/learn/ws"

router = APIRouter()


def get_learn(connection: HTTPConnection) -> LearnService:
    """Return the worker's /learn service, built with the app (for HTTP requests and WebSockets alike)."""
    service: LearnService = connection.app.state.learn
    return service


LearnDep = Annotated[LearnService, Depends(get_learn)]


class LearnData(BaseModel):
    """Where a job's digits come from."""

    source: str = Field(description='"subset": the shipped 10,000 + 2,000 MNIST digits; "mnist": MNIST_DIR\'s files.')
    train_available: int = Field(description="Most training digits a job can use (config.train_size).")
    validation_size: int = Field(description="Validation digits each job is scored on.")


class LearnInfo(BaseModel):
    """What a /learn page needs before it starts a job."""

    ws_path: str = Field(description="The WebSocket that runs one job for as long as it is open (docs/learn.md).")
    limits: LearnLimits
    defaults: StartConfig = Field(description="The config a start without one gets.")
    ranges: LearnRanges = Field(
        description="The values each setting of a start may take here; a start outside them is refused, saying which."
    )
    costs: list[str] = Field(description="The costs a job trains with (config.cost).")
    data: LearnData


def learn_info(*, service: LearnService) -> dict[str, Any]:
    """Return the body of GET /api/learn."""
    return LearnInfo(
        ws_path=WS_PATH,
        limits=service.limits,
        defaults=StartConfig(),
        ranges=service.ranges,
        costs=list(COSTS),
        data=LearnData(
            source=service.data_source,
            train_available=service.train_available,
            validation_size=service.validation_size,
        ),
    ).model_dump()


DESCRIPTION = (
    "Training a network live happens on the WebSocket `" + WS_PATH + "` (one job per socket; its messages "
    "are in docs/learn.md). Limits per worker: $learn_jobs_per_worker job(s) at once, $learn_queue_length "
    "waiting; a job stops after $learn_max_job_s s and keeps its network for download; "
    "$learn_updates_per_second updates a second; a page may send $learn_max_messages_per_second messages a "
    "second, each at most $learn_max_message_bytes bytes. The settings of a start (`ranges` in the answer, "
    f"with the data in force): {SMALLEST} to $learn_max_hidden_layers hidden layers of "
    "$learn_min_layer_size-$learn_max_layer_size neurons; the cost one of `costs`; the learning rate η "
    f"{ETA}; the mini-batch size m from {SMALLEST} to $learn_max_batch_size and at most train_size; train_size "
    f"from {SMALLEST} to the training digits there are (`data.train_available`); the seed {SEED}; own_mix "
    f"{OWN_MIX}, with at most $learn_max_own_digits own digits; epochs {EPOCHS}, or null (to the time limit); "
    f"the speed {SPEED} mini-batches a second, or null (full speed). A page from another origin is refused "
    "unless DIGITS_LEARN_ORIGINS allows it."
)


@router.get(
    "/api/learn",
    response_model=LearnInfo,
    operation_id="getLearn",
    tags=["learn"],
    summary="The limits, defaults and data of /learn",
    description=DESCRIPTION,
)
async def learn_api(service: LearnDep) -> dict[str, Any]:
    """Return the limits, the default config and the data a job trains on."""
    return learn_info(service=service)


@router.websocket(WS_PATH)
async def learn_socket(websocket: WebSocket, service: LearnDep) -> None:
    """Run one training job for as long as the socket is open (refused at the handshake from a foreign origin)."""
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin=origin, host=websocket.headers.get("host"), allowed=service.origins):
        await websocket.close(code=1008)  # before accept: the handshake is answered 403
        return
    await websocket.accept()
    await Session(websocket, service).run()
    with contextlib.suppress(RuntimeError):
        await websocket.close()
