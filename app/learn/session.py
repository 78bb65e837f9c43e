"""One /learn WebSocket: wait for a start, queue for a slot, run the job process, relay both ways, end it.

The socket's lifetime is the job's: whatever ends the socket (a closed tab, a lost connection, an error)
kills the process in `finally`. A bad message is answered with an error and the socket stays open; no
exception leaves this module, so neither a page nor a job can take the worker down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from functools import partial
from typing import Any

import anyio
import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.learn.jobs import JobProcess, Lease, QueueFullError
from app.learn.messages import (
    Ask,
    Control,
    Focus,
    Message,
    MessageError,
    SetSpeed,
    Start,
    check_start,
    parse_message,
    render_drawing,
)
from app.learn.service import LearnService

logger = logging.getLogger("app")
WEIGHTS = b'{"type":"weights"'
STOPPED = b'{"type":"stopped"'
GRACE_S = 5.0
"""A job still running this long after its time limit is killed (it stops itself at the limit)."""


def job_start_line(*, start: Start, service: LearnService) -> bytes:
    """Return the job's first line: the checked config, the own digits as pixels, the data and the limits.

    Raises MessageError when an own digit cannot be drawn.
    """
    pixels, labels = [], []
    for number, digit in enumerate(start.own_digits, start=1):
        try:
            pixels.append(render_drawing(strokes=digit.strokes, limits=service.drawing_limits))
        except MessageError as error:
            raise MessageError(f"own digit {number}: {error}") from None
        labels.append(digit.label)
    return orjson.dumps(
        {
            "type": "start",
            "config": start.config.model_dump(),
            "own": {"pixels": pixels, "labels": labels},
            "data_dir": service.data_dir,
            "max_s": service.limits.learn_max_job_s,
            "updates_per_second": service.limits.learn_updates_per_second,
            "speed": start.speed,
            "paused": start.paused,
            "limits": service.limits.model_dump(),
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )


class Session:
    """The state of one socket; run() drives it to the end."""

    def __init__(self, websocket: WebSocket, service: LearnService) -> None:
        self.websocket, self.service = websocket, service
        self.inbox: asyncio.Queue[Message | None] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.job: JobProcess | None = None
        self.lease: Lease | None = None
        self.stopped = False
        self.weights: bytes | None = None
        self.downloads = 0
        rate = service.limits.learn_max_messages_per_second
        self.tokens, self.refilled = rate, time.monotonic()

    async def send(self, message: dict[str, Any] | bytes) -> None:
        """Send one text frame (a dict is encoded)."""
        text = message if isinstance(message, bytes) else orjson.dumps(message)
        async with self.send_lock:
            await self.websocket.send_text(text.decode())

    async def error(self, detail: str) -> None:
        """Send an error message."""
        await self.send({"type": "error", "detail": detail})

    def allowed_now(self) -> bool:
        """Return True when the page is within its messages per second (a token bucket)."""
        rate = self.service.limits.learn_max_messages_per_second
        now = time.monotonic()
        self.tokens = min(rate, self.tokens + (now - self.refilled) * rate)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def receive(self) -> None:
        """Parse every frame into the inbox (errors answered here); None in the inbox when the socket closes."""
        limits = self.service.limits
        try:
            while True:
                frame = await self.websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    return
                text = frame.get("text")
                if not self.allowed_now():
                    await self.error(f"too many messages: at most {limits.learn_max_messages_per_second:g} a second")
                elif text is None:
                    await self.error("send JSON text frames, not binary ones")
                else:
                    try:
                        self.inbox.put_nowait(parse_message(text=text, max_bytes=limits.learn_max_message_bytes))
                    except MessageError as error:
                        await self.error(str(error))
        except (WebSocketDisconnect, RuntimeError):  # RuntimeError: the socket closed while sending
            return
        finally:
            self.inbox.put_nowait(None)

    async def wait_start(self) -> bytes | None:
        """Return the job's first line, from the first acceptable start; None if the socket closes first."""
        while (message := await self.inbox.get()) is not None:
            if not isinstance(message, Start):
                await self.error("send start first")
                continue
            try:
                check_start(start=message, ranges=self.service.ranges)
                # Up to learn_max_own_digits drawings to render: off the event loop, as long drawings are for /predict.
                return await anyio.to_thread.run_sync(partial(job_start_line, start=message, service=self.service))
            except MessageError as error:
                await self.error(str(error))
        return None

    async def queue(self) -> Lease | None:
        """Return a slot, telling the page its place meanwhile; None if the socket closes first or the queue is full."""

        async def place(position: int) -> None:
            await self.send({"type": "queued", "position": position})

        waiting = asyncio.ensure_future(self.service.slots.acquire(on_position=place))
        closed = asyncio.ensure_future(self.inbox.get())  # while queued, messages other than a close are dropped
        lease: Lease | None = None
        try:
            while True:
                done, _ = await asyncio.wait({waiting, closed}, return_when=asyncio.FIRST_COMPLETED)
                if waiting in done:
                    lease = waiting.result()
                    return lease
                if closed.result() is None:
                    return None
                closed = asyncio.ensure_future(self.inbox.get())
        except QueueFullError:
            await self.error("every job slot is taken and the queue is full: try again in a few minutes")
            return None
        finally:
            closed.cancel()
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError, QueueFullError):
                granted = await waiting
                if lease is None:  # granted in the same moment as the socket closed
                    granted.release()

    async def relay(self, job: JobProcess) -> None:
        """Send the job's lines to the page; keep the final weights; free the slot when it stops."""
        async for line in job.lines():
            if line.startswith(WEIGHTS):
                self.weights = line
                if self.downloads:
                    self.downloads -= 1
                    await self.send(line)
                continue
            if line.startswith(STOPPED):
                self.end_training()
            await self.send(line)
        if not self.stopped:
            self.end_training()
            await self.send({"type": "stopped", "reason": "error", "detail": "the training process ended"})

    def end_training(self) -> None:
        """Mark the training as over and give the slot to the next in the queue."""
        self.stopped = True
        if self.lease is not None:
            self.lease.release()

    async def command(self, job: JobProcess, message: Message) -> None:
        """Carry out one message of a running (or stopped) job."""
        if isinstance(message, Start):
            await self.error("this socket has started its job: to start again, open a new socket")
        elif isinstance(message, Control) and message.type == "download":
            if self.stopped and self.weights is not None:
                await self.send(self.weights)
            elif not self.stopped:
                self.downloads += 1
                await job.send(b'{"type":"download"}')
            else:
                await self.error("no network to download: the training ended without one")
        elif self.stopped:
            await self.error(f"{message.type}: the training has stopped (download the network, or start again)")
        elif isinstance(message, Ask):
            try:
                pixels = render_drawing(strokes=message.strokes, limits=self.service.drawing_limits)
            except MessageError as error:
                await self.error(f"ask: {error}")
                return
            await job.send(orjson.dumps({"type": "ask", "pixels": pixels}, option=orjson.OPT_SERIALIZE_NUMPY))
        elif isinstance(message, Control | SetSpeed | Focus):
            await job.send(orjson.dumps(message.model_dump()))

    async def watchdog(self, job: JobProcess) -> None:
        """Kill a job that has not stopped itself shortly after its time limit."""
        await asyncio.sleep(self.service.limits.learn_max_job_s + GRACE_S)
        if not self.stopped:
            logger.warning("learn job %d overran its time limit; killed", job.pid)
            await job.stop()

    async def run(self) -> None:
        """Serve the socket until it closes; the job process never outlives it."""
        receiver = asyncio.ensure_future(self.receive())
        tasks: list[asyncio.Future[None]] = [receiver]
        try:
            if self.service.limits.learn_jobs_per_worker == 0:
                await self.error("/learn is turned off on this server (DIGITS_LEARN_JOBS_PER_WORKER=0)")
                return
            if (first_line := await self.wait_start()) is None:
                return
            if (lease := await self.queue()) is None:
                return
            self.lease = lease
            limits = self.service.limits
            self.job = job = await JobProcess.spawn(
                cwd=self.service.cwd, niceness=limits.learn_niceness, idle=limits.learn_idle_policy
            )
            await job.send(first_line)
            tasks += [asyncio.ensure_future(self.relay(job)), asyncio.ensure_future(self.watchdog(job))]
            while (message := await self.inbox.get()) is not None:
                await self.command(job, message)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            pass  # the page went away mid-send
        except Exception:  # never a dead worker: log it, end this socket's job
            logger.exception("learn session failed")
        finally:
            if self.lease is not None:
                self.lease.release()
            for task in tasks:
                task.cancel()
            with anyio.CancelScope(shield=True):  # cancelled or not, the job ends here, and is reaped
                if self.job is not None:
                    await self.job.stop()
                await asyncio.gather(*tasks, return_exceptions=True)
