/** Entry point of the drawing page: wires the pad, the live predictor and the views together. */
import { DrawingPad } from "./draw.js";
import { predict, predictPicture, ApiError } from "./api.js";
import { PictureSource } from "./picture.js";
import { LivePredictor } from "./live.js";
import { ProbabilityBars } from "./probabilities.js";
import { SeenView } from "./saliency.js";
import { NetworkView } from "./network-view.js";
import { HoverCard } from "./hovercard.js";
import { Inspector } from "./inspector.js";
import { Shape } from "./shape.js";
import { pct } from "./dom.js";

/** @type {(id: string) => any} The page's elements by id (templates/index.html has each one). */
const $ = (id) => document.getElementById(id);
const shape = Shape.fromDataset($("app").dataset);

/** Module state: the last applied prediction and what the saliency should explain. */
const state = {
  prediction: null,
  /** @type {number|null} a digit the person picked ("why not 7?"), or null to explain the answer */
  target: null,
  /** whether the next answer should be read out (it follows a finished stroke or a picture) */
  announce: false,
  /** @type {File|null} the picture being read instead of the pad's drawing */
  picture: null,
};

const bars = new ProbabilityBars($("probabilities"), shape.classes, pickTarget);
const seen = new SeenView(
  {
    input: $("seen-input"),
    overlay: $("seen-saliency"),
    toggle: $("saliency-toggle"),
    caption: $("saliency-caption"),
    legend: $("saliency-legend"),
    targets: $("targets"),
  },
  shape,
  {
    onToggle: (on) => {
      // The map lies over the input image, which a short screen may show only in part: bring it in.
      if (on) $("seen-input").scrollIntoView({ block: "nearest", behavior: "smooth" });
      requestPrediction({ now: true });
    },
    onTarget: pickTarget,
  },
);
const hover = new HoverCard($("hovercard"), shape);
const network = new NetworkView($("network"), shape, {
  onHover: (ref, at) => hover.show(ref, at, state.prediction),
  onSelect: inspect,
});
const inspector = new Inspector($("inspector"), shape, {
  onSelect: inspect,
  onClose: () => network.select(null),
});

const live = new LivePredictor({
  send: (body, signal) => (body.picture ? predictPicture(body, signal) : predict(body, signal)),
  onResult: (result, body) => show(result, body),
  onError: showError,
});

const pad = new DrawingPad($("pad"), (kind) => {
  $("undo").disabled = pad.strokeCount === 0;
  if (pad.isEmpty) {
    if (!state.picture) reset();
    $("clear").disabled = !state.picture;
    return;
  }
  if (state.picture) showPicture(null); // drawing again returns to the pad
  $("clear").disabled = false;
  requestPrediction({ now: kind !== "progress", announce: kind === "stroke" });
});

const pictures = new PictureSource(
  {
    inputs: [$("picture-file"), $("picture-camera")],
    dropZone: $("pad").closest(".pad"),
    figure: $("picture"),
    thumb: $("picture-thumb"),
    caption: $("picture-caption"),
    name: $("picture-name"),
  },
  usePicture,
);

/** Whether there is anything to read: a drawing or a picture. */
function hasInput() {
  return !pad.isEmpty || state.picture !== null;
}

/** Read a picture instead of the drawing (uploaded, dropped, pasted or photographed). */
function usePicture(file) {
  live.cancel();
  pad.clear();
  showPicture(file);
  $("clear").disabled = false;
  requestPrediction({ now: true, announce: true });
}

/** Show `file` as the picture being read, or go back to the pad (null). */
function showPicture(file) {
  state.picture = file;
  pictures.show(file);
  $("pad").closest(".pad").classList.toggle("has-picture", file !== null);
}

/** Ask for a prediction of the current drawing or picture (no-op when there is neither). */
function requestPrediction({ now = false, announce = false } = {}) {
  if (!hasInput()) return;
  state.announce ||= announce;
  live.request(() => {
    // display: the compact answer (about 6 KB, not 40), unpacked by api.js into the usual shape.
    const body = state.picture ? { picture: state.picture, display: true } : { strokes: pad.strokes, display: true };
    if (seen.enabled) {
      body.explain = true;
      if (state.target !== null) body.target = state.target;
    }
    return body;
  }, { now });
}

/** "Why (not) d?": explain digit d (picking it again goes back to explaining the answer). */
function pickTarget(digit) {
  const winner = state.prediction?.digit;
  state.target = state.target === digit || digit === winner ? null : digit;
  if (!seen.enabled) seen.enabled = true;
  if (!hasInput()) {
    renderSaliency();
    return;
  }
  requestPrediction({ now: true });
}

function inspect(ref) {
  network.select(ref);
  inspector.open(ref, state.prediction);
}

/**
 * Set the answer's state (empty, confident, unsure, not-digit, error) in both places that show it: the
 * answer card, and the compact answer under the pad that narrow screens show beside the drawing.
 */
function setAnswer(kind, { digit = "", status, detail = "", brief = "" }) {
  for (const id of ["answer", "pad-answer"]) $(id).dataset.state = kind;
  $("prediction").textContent = digit;
  $("answer-status").textContent = status;
  $("answer-detail").textContent = detail;
  $("pad-answer-digit").textContent = digit;
  $("pad-answer-text").textContent = brief || status;
}

/** The compact answer's words: how sure, and the runners-up ("99.9% sure · then 1 0.0%, 3 0.0%"). */
function brief(result, first, second) {
  const p = result.probabilities;
  const others = Array.from(p.keys()).sort((i, j) => p[j] - p[i]).slice(1, 3);
  if (result.not_a_digit) return `Not a digit? Best guess ${first}, ${pct(p[first])}`;
  if (result.unsure) return `Unsure: ${first} ${pct(p[first])} or ${second} ${pct(p[second])}`;
  return `${pct(p[result.digit])} sure · then ${others.map((d) => `${d} ${pct(p[d])}`).join(", ")}`;
}

/** Apply an answer from /predict. */
function show(result, body) {
  if (!hasInput()) return;
  state.prediction = result;
  const [first, second] = result.top2 ?? [result.digit, null];
  const p = result.probabilities;
  let kind;
  let status;
  let detail = "";
  if (result.not_a_digit) {
    kind = "not-digit";
    status = "This doesn't look like a digit.";
    detail = `If forced to choose: ${first} (${pct(p[first])}). Try one clear digit.`;
  } else if (result.unsure) {
    kind = "unsure";
    status = `Unsure: ${first} or ${second}?`;
    detail = `${first}: ${pct(p[first])} · ${second}: ${pct(p[second])}`;
  } else {
    kind = "confident";
    status = `It's a ${result.digit}.`;
    detail = `${pct(p[result.digit])} sure`;
  }
  setAnswer(kind, { digit: String(result.digit), status, detail, brief: brief(result, first, second) });
  if (state.announce) {
    $("announcer").textContent = `${status} ${detail}`;
    state.announce = false;
  }
  bars.update(p, { winner: result.digit, target: body.explain ? (result.target ?? result.digit) : null });
  seen.showInput(result.input);
  renderSaliency();
  network.update(result);
  hover.refresh(result);
  inspector.refresh(result);
}

function renderSaliency() {
  const p = state.prediction;
  const target = p?.saliency ? (p.target ?? p.digit) : state.target;
  seen.showSaliency(p?.saliency ?? null, { target, winner: p?.digit ?? -1, picked: state.target !== null });
}

/**
 * Say why there is no answer. The views are emptied first: what they showed belonged to the previous
 * drawing or picture, not to the one that failed. The server's message is shown as it is, without its
 * status code.
 */
function showError(error) {
  const noInk = error instanceof ApiError && error.noInk;
  if (noInk && !state.picture) return;
  clearViews();
  const status = state.picture ? "The network could not read this picture." : "The network could not answer.";
  const detail = error instanceof ApiError ? error.message : "Is the server running?";
  setAnswer("error", { status, detail, brief: state.picture ? "Could not read this picture." : "No answer." });
  if (state.announce) {
    $("announcer").textContent = `${status} ${detail}`;
    state.announce = false;
  }
}

/** Empty every view of the answer: bars, input image, saliency, network, hover card, inspector. */
function clearViews() {
  state.prediction = null;
  bars.update(null);
  seen.showInput(null);
  renderSaliency();
  network.update(null);
  hover.refresh(null);
  inspector.refresh(null);
}

/** Back to the empty page. */
function reset() {
  live.cancel();
  showPicture(null);
  state.target = null;
  setAnswer("empty", { status: "Draw a digit to begin.", brief: "The answer appears here." });
  $("announcer").textContent = "Cleared.";
  clearViews();
}

$("undo").addEventListener("click", () => pad.undo());
$("clear").addEventListener("click", clearAll);

/** Clear the drawing or the picture: back to the empty pad. */
function clearAll() {
  if (pad.isEmpty) reset();
  else pad.clear();
  $("clear").disabled = true;
}
// The hover card is fixed to the viewport beside a neuron. When the page or the network's column scrolls
// (capture: an element's scroll does not bubble), the keyboard's card moves with its neuron; one that came
// from the mouse or a finger would point at nothing, so it goes.
document.addEventListener(
  "scroll",
  () => {
    if (!$("hovercard").hidden && !network.followScroll()) hover.show(null);
  },
  { capture: true, passive: true },
);
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z") {
    e.preventDefault();
    pad.undo();
  } else if (e.key === "Escape") {
    // Close what is open, one thing per press; only with nothing open does Escape clear the drawing.
    if (!$("hovercard").hidden) hover.show(null);
    else if (inspector.current) inspector.close();
    else clearAll();
  }
});
reset();
$("announcer").textContent = "";
