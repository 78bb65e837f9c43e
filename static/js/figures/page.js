/**
 * Entry point of the figure pages (/figures/pixels, /figures/neuron, /figures/sigmoid): a small
 * drawing pad, the live predictor and one figure. The server passes everything as data attributes
 * of #figure: which figure, the image side, the neuron, the z range, the sample drawing and, with
 * ?mnist=INDEX, the MNIST test image's values. Every number drawn comes from POST /predict (and, for
 * the neuron, GET /api/neurons), so the figure shows what the API answers.
 */
import { DrawingPad } from "../draw.js";
import { predict, fetchNeuron, ApiError } from "../api.js";
import { LivePredictor } from "../live.js";
import { PixelFigure } from "./pixels.js";
import { NeuronFigure } from "./neuron.js";
import { SigmoidFigure } from "./sigmoid.js";

const $ = (id) => document.getElementById(id);
const root = $("figure");
const data = root.dataset;
const side = Number(data.imageSide);
const layer = Number(data.layer);
const index = Number(data.index);
const status = $("figure-status");
const sample = data.sample ? JSON.parse(data.sample) : null;
const mnist = data.pixels
  ? { pixels: rowsOf(data.pixels.split(",").map((v) => Number(v) / 255)), name: `MNIST test image ${data.mnistIndex} (a ${data.mnistLabel})` }
  : null;

/** Split a flat array into rows of `side`. */
function rowsOf(values) {
  return Array.from({ length: side }, (_, r) => values.slice(r * side, (r + 1) * side));
}

/** The figure: show(prediction, source) draws it for one answer of /predict. */
async function makeFigure() {
  const art = $("figure-art");
  if (data.figure === "pixels") {
    const figure = new PixelFigure(art, $("figure-panel"), side);
    return { show: (p, source) => figure.update(p.input, source) };
  }
  if (data.figure === "neuron") {
    const figure = new NeuronFigure(art, { layer, index, shown: Number(data.shown) });
    const neuron = await fetchNeuron(layer, index);
    return { show: (p, source) => figure.update(neuron, p, source) };
  }
  const figure = new SigmoidFigure(art, { zRange: data.zRange.split(",").map(Number), neuron: `neuron ${index} of layer ${layer}` });
  return { show: (p) => figure.update({ z: p.layers[layer - 1].z[index], a: p.layers[layer - 1].a[index] }) };
}

let figure = null;
let updates = 0;
let source = "";

const live = new LivePredictor({
  send: (body, signal) => predict(body, signal),
  onResult: (result, body) => {
    const shown = body.pixels ? source : "the drawing on the pad";
    figure.show(result, shown);
    root.dataset.updates = String(++updates);
    root.dataset.state = "shown";
    status.textContent = `${shown[0].toUpperCase()}${shown.slice(1)}: the network reads a ${result.digit}.`;
  },
  onError: (error) => {
    if (error instanceof ApiError && error.noInk) return;
    status.textContent = error instanceof ApiError ? `The network could not answer: ${error.message}` : "The server did not answer.";
  },
});

/** Ask for the figure of the pad's drawing, or of the MNIST image when the pad is empty and there is one. */
function request({ now = true } = {}) {
  if (!pad.isEmpty) {
    live.request(() => ({ strokes: pad.strokes }), { now });
  } else if (mnist) {
    source = mnist.name;
    live.request(() => ({ pixels: mnist.pixels }), { now });
  } else {
    // Nothing to read (the API answers a blank image with 422 "no ink"): the figure waits, faded.
    live.cancel();
    root.dataset.state = "empty";
    status.textContent = "Draw a digit on the pad: the figure follows.";
  }
}

const pad = new DrawingPad($("pad"), (kind) => {
  $("undo").disabled = pad.strokeCount === 0;
  $("clear").disabled = pad.isEmpty;
  if (pad.isEmpty) live.cancel();
  request({ now: kind !== "progress" });
});
$("undo").addEventListener("click", () => pad.undo());
$("clear").addEventListener("click", () => pad.clear());

try {
  figure = await makeFigure();
  if (!mnist && sample) pad.load(sample.strokes, sample.frame);
  $("undo").disabled = pad.strokeCount === 0;
  $("clear").disabled = pad.isEmpty;
  request();
} catch (error) {
  status.textContent = `The figure could not be drawn: ${error.message}`;
}
