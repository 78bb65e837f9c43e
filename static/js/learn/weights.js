/**
 * Every first-layer neuron's incoming weights as a side × side tile, all tiles in one canvas (one pixel per
 * weight; CSS enlarges it). Each tile has its own colour scale (its largest |w| is full colour), so the
 * shape a neuron looks for shows from the first steps. A click on a tile picks that neuron.
 */
import { putDivergingTile, sideOf, valuesOf } from "./images.js";
import { maxAbs } from "../colors.js";

const GAP = 1;
const PAPER = [246, 245, 241];
const HIGHLIGHT = [245, 158, 11];

export class WeightTiles {
  #canvas;
  #weights = null; // Float32Array, neurons × pixels
  #neurons = 0;
  #side = 0;
  #columns = 1;
  #selected = -1;

  /**
   * @param {HTMLCanvasElement} canvas
   * @param {(index: number) => void} onPick  a tile was clicked
   */
  constructor(canvas, onPick) {
    this.#canvas = canvas;
    canvas.addEventListener("click", (event) => {
      const index = this.#tileAt(event);
      if (index >= 0) onPick(index);
    });
  }

  /** Show the snapshot's first layer: {shape: [neurons, pixels], min, max, data}. */
  update(firstLayer) {
    const [neurons, pixels] = firstLayer.shape;
    this.#weights = valuesOf(firstLayer.data, firstLayer.min, firstLayer.max);
    this.#neurons = neurons;
    this.#side = sideOf(pixels);
    this.#columns = Math.ceil(Math.sqrt(neurons * 1.25));
    this.#draw();
    this.#canvas.setAttribute(
      "aria-label",
      `First-layer weights of ${neurons} hidden neurons, each as a ${this.#side} by ${this.#side} image`,
    );
    this.#canvas.dataset.neurons = String(neurons);
  }

  /** Outline the tile of neuron `index` (−1: none). */
  select(index) {
    this.#selected = index;
    if (this.#weights) this.#draw();
  }

  /** Forget the weights (a new run). */
  clear() {
    this.#weights = null;
    const ctx = this.#canvas.getContext("2d");
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    this.#canvas.setAttribute("aria-label", "First-layer weights: no training yet");
  }

  #tileAt(event) {
    if (!this.#weights) return -1;
    const rect = this.#canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * this.#canvas.width;
    const y = ((event.clientY - rect.top) / rect.height) * this.#canvas.height;
    const pitch = this.#side + GAP;
    const column = Math.floor((x - GAP) / pitch);
    const row = Math.floor((y - GAP) / pitch);
    const index = row * this.#columns + column;
    return column >= 0 && column < this.#columns && index >= 0 && index < this.#neurons ? index : -1;
  }

  #draw() {
    const side = this.#side;
    const pitch = side + GAP;
    const rows = Math.ceil(this.#neurons / this.#columns);
    const width = this.#columns * pitch + GAP;
    const height = rows * pitch + GAP;
    const canvas = this.#canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) image.data.set([...PAPER, 255], i * 4);
    const pixels = side * side;
    for (let n = 0; n < this.#neurons; n++) {
      const x0 = GAP + (n % this.#columns) * pitch;
      const y0 = GAP + Math.floor(n / this.#columns) * pitch;
      const tile = this.#weights.subarray(n * pixels, (n + 1) * pixels);
      putDivergingTile(image, tile, 0, side, x0, y0, maxAbs(tile));
      if (n === this.#selected) outline(image, x0 - GAP, y0 - GAP, side + 2 * GAP);
    }
    ctx.putImageData(image, 0, 0);
  }
}

/** Colour the square border of a tile (its gap pixels) in the highlight colour. */
function outline(image, x0, y0, size) {
  for (let i = 0; i < size; i++) {
    for (const [x, y] of [[x0 + i, y0], [x0 + i, y0 + size - 1], [x0, y0 + i], [x0 + size - 1, y0 + i]]) {
      image.data.set([...HIGHLIGHT, 255], (y * image.width + x) * 4);
    }
  }
}
