/**
 * Entry point of /learn: the settings (mirrored in the address), the controls, one training job on the
 * server over a WebSocket, and the views it feeds (curves, readouts, weights, confusion, step, the pads).
 */
import { SettingsForm } from "./settings.js";
import { SpeedControl } from "./speed.js";
import { TrainingJob } from "./job.js";
import { LinePlot } from "./plot.js";
import { WeightTiles } from "./weights.js";
import { showConfusion, showWrong } from "./confusion.js";
import { StepPanel } from "./step.js";
import { AskPad } from "./ask.js";
import { OwnDigits } from "./own-digits.js";
import { bytesOf } from "./images.js";
import { saveBlob } from "./files.js";

/** @type {(id: string) => any} The page's elements by id (templates/learn.html has each one). */
const $ = (id) => document.getElementById(id);
const root = $("learn");
const pixels = Number(root.dataset.pixels);
const classes = Number(root.dataset.classes);

/**
 * idle: no job · connecting: socket opening · queued: waiting for a place · running · paused ·
 * stopped: the job ended (time limit) but its network can still be downloaded · closed: the socket closed.
 */
const state = { phase: "idle", epoch: 0, seen: 0, config: null, sizes: null, error: null, stepAsked: false, focusToPause: false, busyUntil: 0 };

/** How long the "server is busy" line stays after the last progress message that said so. */
const BUSY_SHOWN_MS = 2000;

const settings = new SettingsForm($("settings"), {
  pixels,
  classes,
  architecture: $("architecture"),
  error: $("settings-error"),
  onChange: remember,
});
settings.read(location.search);

const speedRange = { minimum: Number($("speed").dataset.minimum), maximum: Number($("speed").dataset.maximum) };
const speed = new SpeedControl($("speed"), $("speed-value"), speedRange, (rate) => {
  job.send({ type: "speed", batches_per_second: rate });
  remember();
});
const initialSpeed = new URLSearchParams(location.search).get("speed");
if (initialSpeed !== null) speed.position = Number(initialSpeed);

const costPlot = new LinePlot($("cost-plot"), {
  series: [
    { key: "train", colour: "--series-train" },
    { key: "validation", colour: "--series-validation", dash: [5, 3] },
  ],
  format: (v) => String(+v.toPrecision(2)),
  range: (values) => (values.length ? [Math.min(...values) / 1.25, Math.max(...values) * 1.25] : [0.01, 1]),
  log: true,
});
const accuracyPlot = new LinePlot($("accuracy-plot"), {
  series: [
    { key: "validation", colour: "--series-accuracy" },
    { key: "own", colour: "--series-own", dash: [4, 3] },
  ],
  format: (v) => `${Math.round(v)}%`,
  range: (values) => [values.length ? Math.max(0, Math.floor((Math.min(...values) - 5) / 10) * 10) : 0, 100],
});

const weights = new WeightTiles($("weights"), (index) => {
  step.pick(1, index);
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  $("step-panel").scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
});
const step = new StepPanel({ body: $("step-body"), picker: $("neuron-picker") }, JSON.parse(root.dataset.layerNames), (ref) => {
  job.send({ type: "focus", layer: ref.layer, neuron: ref.index });
  weights.select(ref.layer === 1 ? ref.index : -1);
});
const ask = new AskPad(
  { canvas: $("ask-pad"), digit: $("ask-digit"), status: $("ask-status"), bars: $("ask-probabilities"), clear: $("ask-clear") },
  (strokes) => job.send({ type: "ask", strokes }),
);
const own = new OwnDigits(
  {
    list: $("own-list"), count: $("own-count"), accuracy: $("own-accuracy"), pad: $("own-pad"), label: $("own-label"),
    add: $("own-add"), clear: $("own-clear"), exportButton: $("own-export"), importInput: $("own-import"),
  },
  { key: root.dataset.storageKey, classes, max: Number(root.dataset.maxOwn) },
);

const narrow = matchMedia("(max-width: 720px)");
const job = new TrainingJob(root.dataset.socket, { onMessage: receive, onClose: closed });

/** Put the settings and the speed in the address, so a link reproduces the run. */
function remember() {
  history.replaceState(null, "", settings.query({ speed: speed.position }));
}

/** Enable the controls that make sense in `phase`, and say where things stand. */
function enter(phase, text) {
  state.phase = phase;
  const live = phase === "running" || phase === "paused";
  $("start").disabled = !(phase === "idle" || phase === "closed");
  $("pause").disabled = phase !== "running";
  $("resume").disabled = phase !== "paused";
  $("step").disabled = phase !== "paused";
  $("reset").disabled = phase === "idle";
  $("download").disabled = !(live || phase === "stopped");
  const editable = phase === "idle" || phase === "closed";
  settings.disabled = !editable;
  $("settings-summary").textContent = settings.summary;
  // On a phone the settings fold away while a job runs, so that the curves follow the controls.
  if (editable) $("settings-details").open = true;
  else if (narrow.matches && phase === "connecting") $("settings-details").open = false;
  ask.ready = live;
  if (!live) $("server-busy").hidden = true;
  const status = $("status");
  status.dataset.state = phase;
  if (text !== undefined) status.textContent = text;
}

/** After a button disables itself, give the focus to the one that takes over. */
function focusNext(id) {
  const active = /** @type {any} */ (document.activeElement);
  if (active === document.body || active?.disabled) $(id).focus();
}

function start() {
  const problem = settings.problem();
  if (problem) {
    settings.showProblem(problem);
    return;
  }
  clearViews();
  state.error = null;
  state.config = settings.config;
  remember();
  // Your digits always go with the job: it reports the accuracy on them, and trains on them only as own_mix says.
  const options = { speed: speed.rate, paused: false };
  const digits = own.fitting({ type: "start", config: state.config, ...options }, Number(root.dataset.maxMessageBytes));
  job.start(state.config, digits, options);
  // Start disables itself: the focus waits on Reset, and goes on to Pause once the job runs.
  state.focusToPause = document.activeElement === $("start");
  enter("connecting", "Connecting…");
  focusNext("reset");
}

/** Dispatch a message from the job. */
function receive(message) {
  switch (message.type) {
    case "queued":
      $("status").dataset.position = String(message.position);
      enter("queued", `Queued: you are number ${message.position} in the line. Training starts when a place frees up.`);
      break;
    case "started":
      state.sizes = message.sizes;
      state.config = message.config ?? state.config;
      step.setup(message.sizes);
      delete $("status").dataset.position;
      // A job starts paused when it was asked to (a pause sent while queued is kept for the start).
      if (message.paused) enter("paused", `Paused at the start: ${message.sizes.join("–")}. Step runs one mini-batch; Resume goes on.`);
      else enter("running", `Training ${message.sizes.join("–")}.`);
      if (state.focusToPause && document.activeElement === $("reset")) $(message.paused ? "step" : "pause").focus();
      else focusNext(message.paused ? "step" : "pause");
      state.focusToPause = false;
      break;
    case "progress":
      progress(message);
      break;
    case "snapshot":
      if (message.first_layer) weights.update(message.first_layer);
      if (message.confusion) showConfusion($("confusion"), message.confusion);
      if (message.wrong) showWrong($("wrong"), message.wrong);
      break;
    case "step":
      step.show(message);
      ask.again();
      // A step the learner asked for is read out; those of slow motion would be too many to hear.
      if (state.stepAsked) $("announcer").textContent = step.sentence(message);
      state.stepAsked = false;
      break;
    case "answer":
      ask.answer(message, state.seen);
      break;
    case "weights":
      save(message.filename, message.data, message.serve);
      break;
    case "stopped":
      enter("stopped", {
        "time-limit": "Stopped at the time limit. The network is kept: download it below.",
        finished: "Finished. Download the network below.",
      }[message.reason] ?? `Stopped: ${message.detail ?? message.reason}.`);
      $("announcer").textContent = $("status").textContent;
      break;
    case "error":
      state.error = message.detail;
      if (state.phase === "connecting") {
        // The start was refused (the socket stays open for another try): close it, and let the settings change.
        job.close();
        settings.showProblem(message.detail);
        enter("closed", `The server refused to start: ${message.detail}`);
        focusNext("start");
      } else {
        $("status").textContent = `The server says: ${message.detail}`;
      }
      break;
    default:
      break;
  }
}

/** Show a "progress" message: the readouts, the curves, whether the server has slowed training, and a new epoch's news. */
function progress(p) {
  state.seen = p.examples_seen;
  // Shown for a while after the job last stepped aside, so that a server busy off and on does not make it flicker.
  if (p.server_busy) state.busyUntil = performance.now() + BUSY_SHOWN_MS;
  $("server-busy").hidden = !(performance.now() < state.busyUntil);
  $("examples-seen").value = String(p.examples_seen);
  $("epoch").textContent = String(p.epoch);
  if (Number.isFinite(p.cost)) $("cost").value = p.cost.toFixed(4);
  if (Number.isFinite(p.validation_accuracy)) $("accuracy").value = (100 * p.validation_accuracy).toFixed(2);
  costPlot.add("train", p.examples_seen, p.cost);
  costPlot.add("validation", p.examples_seen, p.validation_cost);
  accuracyPlot.add("validation", p.examples_seen, Number.isFinite(p.validation_accuracy) ? 100 * p.validation_accuracy : null);
  accuracyPlot.add("own", p.examples_seen, Number.isFinite(p.own_accuracy) ? 100 * p.own_accuracy : null);
  // A job that steps aside for a busy server scores its validation digits less often: null figures mean "not scored
  // this time", and the last ones shown stand.
  if (Number.isFinite(p.validation_accuracy)) own.showAccuracy(p.own_accuracy);
  $("cost-plot").setAttribute("aria-label", `Cost against examples seen: ${p.cost?.toFixed(3) ?? "—"} after ${p.examples_seen} examples`);
  $("accuracy-plot").setAttribute(
    "aria-label",
    `Validation accuracy against examples seen: ${$("accuracy").value || "—"}% after ${p.examples_seen} examples`,
  );
  if (p.epoch !== state.epoch) {
    // Epochs count from 1, the one in progress: a new number means the one before has ended.
    if (state.epoch > 0) {
      $("announcer").textContent = `Epoch ${state.epoch} done: validation accuracy ${$("accuracy").value}%.`;
      ask.again();
    }
    state.epoch = p.epoch;
  }
}

/** The socket closed: by Reset, by the server, or a lost connection. */
function closed(event) {
  if (state.phase === "idle") return;
  const why = state.error ?? event.reason;
  enter("closed", `The training job has ended${why ? ` (${why})` : ""}. Start a new one, or change the settings first.`);
  focusNext("start");
}

/** Save the downloaded weights (base64 npz) as a file, and show the line that serves it. */
function save(filename, data, serve) {
  const name = filename || "learned.npz";
  saveBlob(new Blob([bytesOf(data)], { type: "application/octet-stream" }), name);
  $("download-command").textContent = serve ?? `DIGITS_WEIGHTS_PATH=${name} make run`;
}

function clearViews() {
  state.epoch = 0;
  state.seen = 0;
  state.busyUntil = 0;
  $("server-busy").hidden = true;
  costPlot.clear();
  accuracyPlot.clear();
  weights.clear();
  step.clear();
  $("examples-seen").value = "0";
  $("epoch").textContent = "0";
  $("cost").value = "";
  $("accuracy").value = "";
  $("confusion").replaceChildren();
  $("wrong").replaceChildren();
  own.showAccuracy(null);
}

$("start").addEventListener("click", start);
$("pause").addEventListener("click", () => {
  job.send({ type: "pause" });
  enter("paused", "Paused. Step runs one mini-batch; Resume goes on.");
  focusNext("step");
});
$("resume").addEventListener("click", () => {
  job.send({ type: "resume" });
  enter("running", "Training.");
  focusNext("pause");
});
$("step").addEventListener("click", () => {
  state.stepAsked = true;
  job.send({ type: "step" });
});
$("reset").addEventListener("click", () => {
  job.close();
  clearViews();
  enter("idle", "Choose the settings, then Start.");
  focusNext("start");
});
$("download").addEventListener("click", () => job.send({ type: "download" }));

document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z") {
    if (document.activeElement === $("ask-pad")) ask.undo();
    else if (document.activeElement === $("own-pad")) own.undo();
    else return;
    e.preventDefault();
  }
});

enter("idle");
remember();
