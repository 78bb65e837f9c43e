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
    check_focus,
    check_start,
    parse_message,
    render_drawing,
)
from app.learn.service import LearnService
from app.learn.start import job_start_line, own_pixels

logger = logging.getLogger("app")
WEIGHTS = b'{"type":"weights"'
STOPPED = b'{"type":"stopped"'
GRACE_S = 5.0
"""A job still running this long after its time limit is killed (it stops itself at the limit)."""


class Session:
    """The state of one socket; run() drives it to the end."""

    def __init__(self, websocket: WebSocket, service: LearnService) -> None:
        self.websocket, self.service = websocket, service
        self.inbox: asyncio.Queue[Message | None] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.job: JobProcess | None = None
        self.lease: Lease | None = None
        self.start: Start | None = None
        """The accepted start; while queued, pause, resume and speed change it (kept for the job)."""
        self.focus: Focus | None = None
        self.position = 0
        self.carried: list[Message | None] = []
        """What the inbox gave the queue as the slot came: the running job's first (in order)."""
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

    async def wait_start(self) -> dict[str, list[Any]] | None:
        """Keep the first acceptable start in self.start; return its own digits as pixels (None if the socket closes)."""
        while (message := await self.inbox.get()) is not None:
            if not isinstance(message, Start):
                await self.error("send start first")
                continue
            try:
                check_start(start=message, ranges=self.service.ranges)
                # Up to learn_max_own_digits drawings to render: off the event loop, as long drawings are for /predict.
                own = await anyio.to_thread.run_sync(partial(own_pixels, start=message, service=self.service))
            except MessageError as error:
                await self.error(str(error))
                continue
            self.start = message
            return own
        return None

    def queued_message(self) -> dict[str, Any]:
        """Return the "queued" message: the place in the line, and the controls the job will start with."""
        assert self.start is not None
        focus = self.focus
        return {
            "type": "queued",
            "position": self.position,
            "paused": self.start.paused,
            "speed": self.start.speed,
            "focus": None if focus is None else {"layer": focus.layer, "neuron": focus.neuron},
        }

    async def focus_exists(self, focus: Focus) -> bool:
        """Return True when the accepted start's network has the neuron; else answer an error and return False."""
        assert self.start is not None
        try:
            check_focus(focus=focus, hidden=self.start.config.hidden)
        except MessageError as error:
            await self.error(str(error))
            return False
        return True

    async def while_queued(self, message: Message) -> None:
        """Answer a message sent while waiting for a slot: a control is kept for the job (and the "queued" message
        sent again, showing it); what needs a network (step, ask, download) or a second start is refused."""
        assert self.start is not None
        if isinstance(message, Control) and message.type in ("pause", "resume"):
            self.start = self.start.model_copy(update={"paused": message.type == "pause"})
        elif isinstance(message, SetSpeed):
            self.start = self.start.model_copy(update={"speed": message.batches_per_second})
        elif isinstance(message, Focus):
            if not await self.focus_exists(message):
                return
            self.focus = message
        else:
            place = f"the job is queued (number {self.position} in line)"
            await self.error(
                {
                    "start": f"start: {place}; this socket has its job (to start again, open a new socket)",
                    "step": f"step: {place} and has no network yet; step works once it has started, paused",
                    "ask": f"ask: {place}, with no network yet to read the drawing; ask again once it has started",
                    "download": f"download: {place}, with no network yet to download",
                }[message.type]
            )
            return
        await self.send(self.queued_message())

    async def queue(self) -> Lease | None:
        """Return a slot, telling the page its place meanwhile and answering its messages (while_queued); None if
        the socket closes first or the queue is full."""

        async def place(position: int) -> None:
            self.position = position
            await self.send(self.queued_message())

        waiting = asyncio.ensure_future(self.service.slots.acquire(on_position=place))
        message = asyncio.ensure_future(self.inbox.get())
        lease: Lease | None = None
        try:
            while True:
                done, _ = await asyncio.wait({waiting, message}, return_when=asyncio.FIRST_COMPLETED)
                if waiting in done:
                    lease = waiting.result()
                    return lease
                if (received := message.result()) is None:
                    return None
                await self.while_queued(received)
                message = asyncio.ensure_future(self.inbox.get())
        except QueueFullError:
            await self.error("every job slot is taken and the queue is full: try again in a few minutes")
            return None
        finally:
            waiting.cancel()
            if message.done() and not message.cancelled() and lease is not None:
                # The slot came in the same moment as a message (or the close): the running job takes it first.
                self.carried.append(message.result())
            message.cancel()
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
        elif isinstance(message, Focus):
            if await self.focus_exists(message):
                await job.send(orjson.dumps(message.model_dump()))
        elif isinstance(message, Control | SetSpeed):
            await job.send(orjson.dumps(message.model_dump()))

    async def watchdog(self, job: JobProcess) -> None:
        """Kill a job that has not stopped itself shortly after its time limit."""
        await asyncio.sleep(self.service.limits.learn_max_job_s + GRACE_S)
        if not self.stopped:
            logger.warning("learn job %d overran its time limit; killed", job.pid)
            await job.stop()

    async def next_message(self) -> Message | None:
        """Return the next message of the page (None: the socket closed), those carried from the queue first."""
        return self.carried.pop(0) if self.carried else await self.inbox.get()

    async def run(self) -> None:
        """Serve the socket until it closes; the job process never outlives it."""
        receiver = asyncio.ensure_future(self.receive())
        tasks: list[asyncio.Future[None]] = [receiver]
        try:
            if self.service.limits.learn_jobs_per_worker == 0:
                await self.error("/learn is turned off on this server (DIGITS_LEARN_JOBS_PER_WORKER=0)")
                return
            if (own := await self.wait_start()) is None or self.start is None:
                return
            if (lease := await self.queue()) is None:
                return
            self.lease = lease
            self.job = job = await JobProcess.spawn(cwd=self.service.cwd, limits=self.service.limits)
            await job.send(job_start_line(start=self.start, own=own, focus=self.focus, service=self.service))
            tasks += [asyncio.ensure_future(self.relay(job)), asyncio.ensure_future(self.watchdog(job))]
            while (message := await self.next_message()) is not None:
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
