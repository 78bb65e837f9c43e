/**
 * Entry point of the figure pages (/figures/pixels, /figures/neuron, /figures/sigmoid): a small
 * drawing pad, the live requests and one figure. The figure is drawn by the server, by the renderer
 * `make figures` uses (model/figures): this page posts the pad's drawing to /figures/NAME.svg, or asks
 * for MNIST test image ?mnist=INDEX, and puts the SVG it gets in the page. The server passes what the
 * page needs as data attributes of #figure: which figure, the image side, the neuron, the sample
 * drawing and, with ?mnist=INDEX, the test image's index and label.
 */
import { DrawingPad } from "../draw.js";
import { ApiError } from "../api.js";
import { LivePredictor } from "../live.js";
import { PixelLens } from "./pixels.js";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const root = $("figure");
const data = root.dataset;
const figureName = data.figure ?? "";
const status = $("figure-status");
const art = $("figure-art");
const sample = data.sample ? JSON.parse(data.sample) : null;
const mnist = data.mnistIndex ? { index: Number(data.mnistIndex), name: `MNIST test image ${data.mnistIndex} (a ${data.mnistLabel})` } : null;
const query = figureName === "pixels" ? new URLSearchParams() : new URLSearchParams({ layer: data.layer ?? "1", index: data.index ?? "0" });
const lens = figureName === "pixels" ? new PixelLens($("figure-panel"), Number(data.imageSide)) : null;

/**
 * The figure's SVG from the server: of a drawing (a POST /predict body), or of MNIST test image `mnist`.
 * @param {{strokes?: number[][][], pixels?: number[][], mnist?: number}} body
 * @param {AbortSignal} signal
 * @returns {Promise<SVGSVGElement>}
 */
async function fetchFigure(body, signal) {
  const url = `/figures/${figureName}.svg`;
  let response;
  if (body.mnist !== undefined) {
    const params = new URLSearchParams(query);
    params.set("mnist", String(body.mnist));
    response = await fetch(`${url}?${params}`, { headers: { Accept: "image/svg+xml" }, signal });
  } else {
    response = await fetch(`${url}?${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "image/svg+xml" },
      body: JSON.stringify(body),
      signal,
    });
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      /* not JSON: keep the status text */
    }
    throw new ApiError(response.status, detail);
  }
  const parsed = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
  const svg = document.importNode(parsed.documentElement, true);
  if (!(svg instanceof SVGSVGElement)) throw new Error("the server's figure is not SVG");
  return svg;
}

let updates = 0;
let source = "";

const live = new LivePredictor({
  send: fetchFigure,
  onResult: (result, body) => {
    const svg = /** @type {SVGSVGElement} */ (result);
    svg.classList.add("figure-svg");
    svg.dataset.testid = "figure-svg";
    const focused = art.contains(document.activeElement); // a keyboard user reading the grid keeps their place
    art.replaceChildren(svg);
    lens?.attach(svg);
    if (focused) svg.focus();
    const shown = "mnist" in body ? source : "the drawing on the pad";
    root.dataset.updates = String(++updates);
    root.dataset.state = "shown";
    status.textContent = `${shown[0].toUpperCase()}${shown.slice(1)}: the network reads a ${svg.dataset.digit}.`;
  },
  onError: (error) => {
    if (error instanceof ApiError && error.noInk) return;
    status.textContent = error instanceof ApiError ? `The figure could not be drawn: ${error.message}` : "The server did not answer.";
  },
});

/** Ask for the figure of the pad's drawing, or of the MNIST image when the pad is empty and there is one. */
function request({ now = true } = {}) {
  if (!pad.isEmpty) {
    live.request(() => ({ strokes: pad.strokes }), { now });
  } else if (mnist) {
    source = mnist.name;
    live.request(() => ({ mnist: mnist.index }), { now });
  } else {
    // Nothing to read (a blank image has no ink): the figure waits, faded.
    live.cancel();
    root.dataset.state = "empty";
    status.textContent = "Draw a digit on the pad: the figure follows.";
  }
}

const pad = new DrawingPad(/** @type {HTMLCanvasElement} */ ($("pad")), (kind) => {
  /** @type {HTMLButtonElement} */ ($("undo")).disabled = pad.strokeCount === 0;
  /** @type {HTMLButtonElement} */ ($("clear")).disabled = pad.isEmpty;
  if (pad.isEmpty) live.cancel();
  request({ now: kind !== "progress" });
});
$("undo").addEventListener("click", () => pad.undo());
$("clear").addEventListener("click", () => pad.clear());

if (!mnist && sample) pad.load(sample.strokes, sample.frame);
/** @type {HTMLButtonElement} */ ($("undo")).disabled = pad.strokeCount === 0;
/** @type {HTMLButtonElement} */ ($("clear")).disabled = pad.isEmpty;
request();
