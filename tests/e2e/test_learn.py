"""/learn in Chromium against a real server: a network trains in front of the learner.

Start the default network at the default speed; the cost falls and the validation accuracy passes 90%; Pause stops
the updates; Step adds exactly m examples; Resume goes on; a digit drawn on the pad is answered by the network being
trained; with one job per worker a second visitor is queued and told its position; closing the page ends the job's
process; the settings live in the address; your digits survive a reload and go out and back in as JSON; axe-core
finds nothing at 390 and 1280 px. Screenshots go to artifacts/e2e/ (docs/learn-*.png are taken from them).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from model.serving.weights import load
from model.training.live.yielding import stat_fields
from tests.e2e.browser import ARTIFACTS, REPO, Browser, Page, draw_one, expect, open_page, pad_box, stroke
from tests.e2e.test_accessibility import assert_no_axe_violations
from tests.server import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JOB_MODULE = b"model.training.live"
"""The job runs as `python -m model.training.live`: how its process is told from the server's others."""


@pytest.fixture(scope="module")
def learn_server() -> Iterator[Server]:
    """The real app with one training job per worker (the default, set here so the queue test holds)."""
    with Server(env={"DIGITS_LEARN_JOBS_PER_WORKER": "1"}) as running:
        yield running


def job_processes(server: Server) -> set[int]:
    """Return the ids of the training-job processes below the server's process (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat_fields(int(stat.parent.name))[1])
        except OSError:
            continue  # the process has gone

    def below_server(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == server.pid:
                return True
        return False

    jobs = set()
    for pid in parents:
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
        except OSError:
            continue
        if JOB_MODULE in command and below_server(pid):
            jobs.add(pid)
    return jobs


def wait_for_processes_gone(server: Server, pids: set[int], timeout: float) -> float:
    """Return the seconds until none of `pids` is a job of the server any more; fail after `timeout`."""
    started = time.perf_counter()
    while pids & job_processes(server):
        assert time.perf_counter() - started < timeout, f"job processes {pids & job_processes(server)} still run"
        time.sleep(0.1)
    return time.perf_counter() - started


def number(page: Page, name: str) -> float:
    """Return the plain number held by the <output> whose accessible name is `name` (NaN while it is empty)."""
    text = page.get_by_role("status", name=name, exact=True).text_content() or ""
    return float(text) if text.strip() else float("nan")


RECORD_COSTS = """
window.__costs = [];
const cost = document.getElementById("cost");
new MutationObserver(() => cost.value && window.__costs.push(Number(cost.value))).observe(cost, { childList: true, characterData: true, subtree: true });
"""
"""Collects every value the Cost output shows (the first ones pass too quickly to be read one by one)."""


def wait_above(page: Page, name: str, threshold: float, timeout_s: float) -> None:
    """Wait until the <output> whose label is `name` holds a number above `threshold`."""
    page.wait_for_function(
        """([name, threshold]) => {
            const output = [...document.querySelectorAll("output")].find((o) => o.labels?.[0]?.textContent === name);
            return output !== undefined && output.value !== "" && Number(output.value) > threshold;
        }""",
        arg=[name, threshold],
        timeout=timeout_s * 1000,
    )


def test_train_pause_step_resume_ask_download_and_close(learn_server: Server, browser: Browser, tmp_path: Path) -> None:
    page, problems = open_page(browser, f"{learn_server.url}/learn")
    predict_requests: list[str] = []
    page.on("request", lambda request: predict_requests.append(request.url) if "/predict" in request.url else None)
    m = int(page.get_by_label("Mini-batch size").input_value())
    status = page.get_by_test_id("status")

    # Start the default network at the default speed, noting every cost the page shows.
    expect(page.get_by_test_id("architecture")).to_contain_text("784–30–10")
    page.evaluate(RECORD_COSTS)
    page.get_by_role("button", name="Start", exact=True).click()
    started = time.perf_counter()
    expect(status).to_have_attribute("data-state", "running", timeout=30_000)
    jobs = job_processes(learn_server)
    assert len(jobs) == 1, jobs

    # The cost falls and the validation accuracy passes 90% within 60 s.
    wait_above(page, "Validation accuracy", 90, timeout_s=60)
    print(f"validation accuracy > 90% {time.perf_counter() - started:.1f} s after Start")
    costs = page.evaluate("window.__costs")
    assert len(costs) >= 2 and costs[-1] < costs[0], costs
    assert number(page, "Examples seen") > 0
    assert int(page.get_by_test_id("cost-plot").get_attribute("data-points") or 0) > 4  # the curves grew
    expect(page.get_by_test_id("weights")).to_have_attribute("data-neurons", "30")
    expect(page.get_by_test_id("confusion").locator("tbody tr")).to_have_count(10)

    # Pause: no new updates for 2 s (once the updates already on their way have arrived).
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(status).to_have_attribute("data-state", "paused")
    page.wait_for_timeout(1000)
    seen = number(page, "Examples seen")
    points = page.get_by_test_id("cost-plot").get_attribute("data-points")
    weights = page.get_by_test_id("weights").evaluate("canvas => canvas.toDataURL()")
    page.wait_for_timeout(2000)
    assert number(page, "Examples seen") == seen
    assert page.get_by_test_id("cost-plot").get_attribute("data-points") == points
    assert page.get_by_test_id("weights").evaluate("canvas => canvas.toDataURL()") == weights

    # Step: exactly one mini-batch of m examples, written out for the default neuron.
    for _ in range(2):
        before = int(number(page, "Examples seen"))
        page.get_by_role("button", name="Step", exact=True).click()
        expect(page.get_by_role("status", name="Examples seen", exact=True)).to_have_text(str(before + m))
        panel = page.get_by_test_id("step-panel")
        expect(panel.locator("#step-body")).to_have_attribute("data-examples-seen", str(before + m))
        expect(panel.get_by_role("list", name=re.compile("mini-batch")).locator("li")).to_have_count(m)
        expect(panel.get_by_test_id("step-bias")).to_contain_text("→")
    page.wait_for_timeout(500)
    assert number(page, "Examples seen") == before + m  # and nothing more after it
    expect(page.locator("#announcer")).to_have_text(re.compile(rf"^One step of {m} examples; {before + m} seen\."))
    # Pick a first-layer neuron by clicking its tile: the next step shows its ∂C/∂w as an image.
    page.get_by_test_id("weights").click(position={"x": 5, "y": 5})
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.get_by_test_id("step-gradient")).to_be_visible()
    expect(page.get_by_test_id("step-panel")).to_contain_text("Hidden 1 #0")

    # A digit drawn on the pad is answered by the network being trained (over its socket, not /predict).
    draw_one(page)
    answer = page.get_by_test_id("ask-answer")
    expect(answer).to_have_text(re.compile(r"^\d$"))
    expect(page.get_by_test_id("ask-status")).to_contain_text("It reads")
    assert predict_requests == []

    # Resume: training goes on, and the drawing is read again after the epoch ends, without redrawing.
    asked_at = page.get_by_test_id("ask-status").text_content()
    paused_at = number(page, "Examples seen")
    page.get_by_role("button", name="Resume", exact=True).click()
    expect(status).to_have_attribute("data-state", "running")
    wait_above(page, "Examples seen", paused_at, timeout_s=15)
    expect(page.get_by_test_id("ask-status")).not_to_have_text(asked_at or "", timeout=60_000)
    expect(answer).to_have_text(re.compile(r"^\d$"))

    # Download the network being trained: a weights file the server can serve, with the line that serves it.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the network").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert load(saved).network.sizes == [784, 30, 10]
    expect(page.get_by_test_id("download-command")).to_have_text(f"DIGITS_WEIGHTS_PATH={saved.name} make run")

    page.screenshot(path=str(ARTIFACTS / "learn.png"), full_page=True)
    problems.check()

    # Closing the page ends the job's process.
    page.context.close()
    gone_after = wait_for_processes_gone(learn_server, jobs, timeout=10)
    print(f"the job's process ended {gone_after:.2f} s after the page closed")


def test_a_second_visitor_is_queued_and_shown_its_position(learn_server: Server, browser: Browser) -> None:
    first, first_problems = open_page(browser, f"{learn_server.url}/learn")
    first.get_by_role("button", name="Start", exact=True).click()
    expect(first.get_by_test_id("status")).to_have_attribute("data-state", "running", timeout=30_000)

    second, second_problems = open_page(browser, f"{learn_server.url}/learn")  # a second browser context
    second.get_by_role("button", name="Start", exact=True).click()
    status = second.get_by_test_id("status")
    expect(status).to_have_attribute("data-state", "queued")
    expect(status).to_have_attribute("data-position", "1")
    expect(status).to_contain_text("number 1 in the line")

    # The first visitor leaves: the second one's job starts.
    first_problems.check()
    first.context.close()
    expect(status).to_have_attribute("data-state", "running", timeout=30_000)
    jobs = job_processes(learn_server)
    second.get_by_role("button", name="Reset", exact=True).click()
    expect(status).to_have_attribute("data-state", "idle")
    wait_for_processes_gone(learn_server, jobs, timeout=10)  # Reset closes the socket, which ends the job
    second_problems.check()
    second.context.close()


def test_the_settings_live_in_the_address(learn_server: Server, browser: Browser) -> None:
    query = "?hidden=20,15&cost=cross-entropy&eta=0.5&m=20&n=5000&seed=3&mix=0&speed=3"
    page, problems = open_page(browser, f"{learn_server.url}/learn{query}")
    expect(page.get_by_label("2 layers")).to_be_checked()
    expect(page.get_by_label("Width of hidden layer 2")).to_have_value("15")
    expect(page.get_by_label("cross-entropy")).to_be_checked()
    expect(page.get_by_label("Mini-batch size")).to_have_value("20")
    expect(page.get_by_test_id("architecture")).to_contain_text("784–20–15–10")
    expect(page.get_by_test_id("speed-value")).to_have_text("10 mini-batches a second")

    # A change goes into the address at once, so the link reproduces the run.
    page.get_by_label("Seed").fill("7")
    page.get_by_label("1 layer", exact=True).check()
    expect(page).to_have_url(re.compile(r"[?&]seed=7(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]hidden=20(&|$)"))

    # The job trains what the form says, and a slow speed runs a few mini-batches a second.
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_test_id("status")).to_contain_text("784–20–10", timeout=30_000)
    wait_above(page, "Examples seen", 0, timeout_s=15)
    page.wait_for_timeout(1000)
    first = number(page, "Examples seen")
    page.wait_for_timeout(2000)
    per_second = (number(page, "Examples seen") - first) / 2 / 20
    assert 0 < per_second < 30, f"{per_second:.1f} mini-batches a second at a speed of 10"

    # Slow motion (the slider's first stop, from the keyboard): every mini-batch is written out without Step.
    page.get_by_label("Speed").focus()
    page.keyboard.press("Home")
    expect(page.get_by_test_id("speed-value")).to_have_text("1 mini-batch a second")
    expect(page).to_have_url(re.compile(r"[?&]speed=0(&|$)"))
    body = page.get_by_test_id("step-panel").locator("#step-body")
    expect(body).to_have_attribute("data-examples-seen", re.compile(r"^\d+$"))
    shown = int(body.get_attribute("data-examples-seen") or 0)
    expect(body).to_have_attribute("data-examples-seen", str(shown + 20), timeout=5000)  # the next one, m = 20

    # Out-of-range numbers in the address keep the defaults; a bad form value is refused before sending.
    page.get_by_role("button", name="Reset", exact=True).click()
    page.goto(f"{learn_server.url}/learn?hidden=5000&eta=abc")
    expect(page.get_by_label("Width of hidden layer 1")).to_have_value("30")
    page.get_by_label("Width of hidden layer 1").fill("5000")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Width of hidden layer 1")
    expect(page.get_by_test_id("status")).to_have_attribute("data-state", "idle")

    # Past the form's own check (its limit lifted here), the server refuses it and says why; Start works again.
    width = page.get_by_label("Width of hidden layer 1")
    width.evaluate("input => input.removeAttribute('max')")
    page.get_by_role("button", name="Start", exact=True).click()
    status = page.get_by_test_id("status")
    expect(status).to_have_attribute("data-state", "closed")
    expect(status).to_contain_text("The server refused to start")
    expect(page.get_by_role("alert")).not_to_be_empty()
    width.fill("30")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(status).to_have_attribute("data-state", "running", timeout=30_000)
    problems.check()
    page.context.close()


def test_your_digits_are_kept_exported_and_imported(learn_server: Server, browser: Browser, tmp_path: Path) -> None:
    page, problems = open_page(browser, f"{learn_server.url}/learn")
    own = page.get_by_test_id("own-list")
    expect(own.locator("li")).to_have_count(0)
    pad = page.get_by_test_id("own-canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(x, box["y"] + 0.8 * box["height"], steps=8)
    page.mouse.up()
    page.get_by_label("It is a").select_option("1")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(own.locator("li")).to_have_count(1)

    page.reload()  # kept in the browser
    expect(own.locator("li")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as JSON").click()
    exported = tmp_path / "your-digits.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert [d["label"] for d in data["digits"]] == [1]

    page.get_by_test_id("own-import").set_input_files(str(exported))
    expect(own.locator("li")).to_have_count(2)
    bad = tmp_path / "bad.json"
    bad.write_text('{"digits": 3}')
    page.get_by_test_id("own-import").set_input_files(str(bad))
    expect(page.get_by_text(re.compile("Could not import bad.json"))).to_be_visible()
    expect(own.locator("li")).to_have_count(2)

    # Mixed into training: the job reports the accuracy on them.
    mix = page.get_by_label(re.compile("Your digits in each mini-batch"))
    mix.evaluate("input => { input.value = '0.2'; input.dispatchEvent(new Event('input', { bubbles: true })); }")
    expect(page).to_have_url(re.compile(r"[?&]mix=0.2(&|$)"))
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_test_id("own-accuracy")).to_have_text(re.compile(r"^\d+(\.\d)?%$"), timeout=30_000)
    page.get_by_role("button", name=re.compile("Remove your 1")).first.click()
    expect(own.locator("li")).to_have_count(1)
    problems.check()
    page.context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_axe_finds_no_violation_on_learn(learn_server: Server, browser: Browser, width: int, height: int) -> None:
    page, problems = open_page(browser, f"{learn_server.url}/learn", width=width, height=height)
    assert_no_axe_violations(page, f"/learn at {width}x{height}, as loaded")
    # The controls are reachable on a phone: every button fits in the viewport's width.
    for name in ("Start", "Pause", "Resume", "Step", "Reset"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)

    # With the keyboard alone: Enter on Start, then the focus is on Pause, then on Step.
    page.get_by_role("button", name="Start", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("status")).to_have_attribute("data-state", "running", timeout=30_000)
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_focused()
    wait_above(page, "Validation accuracy", 0, timeout_s=30)
    page.wait_for_timeout(2000)  # a few epochs, for the screenshot
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("step-bias")).to_be_visible()
    draw_one(page)
    expect(page.get_by_test_id("ask-answer")).to_have_text(re.compile(r"^\d$"))
    assert_no_axe_violations(page, f"/learn at {width}x{height}, paused after a step, with an answer")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways

    # The keyboard picks the neuron: one tab stop for the group, arrows move along it, Space picks.
    chips = page.get_by_role("radiogroup", name="Neuron of output")
    chips.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(chips.get_by_role("radio", name="1", exact=True)).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("step-next")).to_contain_text("output #1")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.get_by_test_id("step-panel")).to_contain_text("Output #1")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"learn-{width}.png"))
    problems.check()
    page.context.close()


def test_the_pad_works_at_390_px(learn_server: Server, browser: Browser) -> None:
    """At 390 px on a touch screen, the pad takes a stroke, and touch-action: none keeps a finger from scrolling."""
    page, problems = open_page(browser, f"{learn_server.url}/learn", width=390, height=844, has_touch=True)
    canvas = page.get_by_test_id("canvas")
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "none"
    box = pad_box(page)
    scrolled = page.evaluate("window.scrollY")
    # A finger drawing upwards (Chromium's touch input, as a phone sends it): a stroke, and the page stays put.
    cdp = page.context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    ys = [box["y"] + box["height"] * (0.8 - 0.06 * i) for i in range(11)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": ys[0]}]})
    for y in ys[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(canvas).to_have_attribute("data-strokes", "1")
    assert page.evaluate("window.scrollY") == scrolled
    expect(page.get_by_test_id("ask-status")).to_have_text("Start training to ask it.")
    stroke(page, [(0.3, 0.5), (0.7, 0.5)])  # and a mouse, on the same pad
    expect(canvas).to_have_attribute("data-strokes", "2")
    problems.check()
    page.context.close()


def test_a_job_at_its_time_limit_keeps_its_network_for_download(browser: Browser, tmp_path: Path) -> None:
    with Server(env={"DIGITS_LEARN_MAX_JOB_S": "3"}) as server:
        page, problems = open_page(browser, f"{server.url}/learn")
        page.get_by_role("button", name="Start", exact=True).click()
        status = page.get_by_test_id("status")
        expect(status).to_have_attribute("data-state", "stopped", timeout=30_000)
        expect(status).to_contain_text("time limit")
        for name, enabled in [("Start", False), ("Pause", False), ("Step", False), ("Reset", True)]:
            expect(page.get_by_role("button", name=name, exact=True)).to_be_enabled(enabled=enabled)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the network").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert load(saved).network.sizes == [784, 30, 10]
        page.get_by_role("button", name="Reset", exact=True).click()
        expect(page.get_by_role("button", name="Start", exact=True)).to_be_enabled()
        problems.check()
        page.context.close()


def test_the_page_says_when_the_server_is_busy_and_training_slows(learn_server: Server, browser: Browser) -> None:
    """While its worker reads pictures, a job steps aside (DIGITS_LEARN_YIELD_SHARE) and the page says why."""
    page, problems = open_page(browser, f"{learn_server.url}/learn")
    busy = page.get_by_test_id("server-busy")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-state", "running", timeout=30_000)
    expect(busy).to_be_hidden()
    photo = (REPO / "docs" / "digit-photo.jpg").read_bytes()
    stop = threading.Event()

    def send_photos() -> None:
        # One client back to back: a photo costs the worker milliseconds and this client far less, so the worker
        # stays well above half a CPU however slowly this test's own process runs.
        with httpx.Client(base_url=learn_server.url) as client:
            while not stop.is_set():
                client.post("/predict/image", files={"image": ("digit.jpg", photo, "image/jpeg")})

    client = threading.Thread(target=send_photos)
    client.start()
    try:
        expect(busy).to_be_visible(timeout=10_000)
    finally:
        stop.set()
        client.join()
    expect(busy).to_be_hidden(timeout=10_000)  # the server is free again: training goes back to full speed
    page.get_by_role("button", name="Reset", exact=True).click()
    problems.check()
    page.context.close()


def test_your_digits_beyond_one_message_are_left_out_of_the_job(browser: Browser) -> None:
    with Server(env={"DIGITS_LEARN_MAX_MESSAGE_BYTES": "4096"}) as server:
        page, problems = open_page(browser, f"{server.url}/learn")
        key = page.get_by_role("main").get_attribute("data-storage-key")
        digit = {"label": 1, "strokes": [[[100 + i, 20 + 3 * i] for i in range(30)]]}  # about 400 bytes as JSON
        page.evaluate("([key, digits]) => localStorage.setItem(key, JSON.stringify(digits))", [key, [digit] * 30])
        page.reload()
        expect(page.get_by_test_id("own-list").locator("li")).to_have_count(30)
        page.get_by_role("button", name="Start", exact=True).click()
        expect(page.get_by_test_id("status")).to_have_attribute("data-state", "running", timeout=30_000)
        expect(page.get_by_text(re.compile(r"Only your first \d+ digits fit"))).to_be_visible()
        expect(page.get_by_test_id("own-accuracy")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
        problems.check()
        page.context.close()
