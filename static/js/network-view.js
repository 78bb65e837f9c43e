/**
 * The network view: every neuron of every layer as a cell coloured by its activation a.
 * The input layer and hidden layers are canvas grids (compact even at 800 neurons); the output
 * layer is one labelled button per class. Hover/tap reports a neuron, click selects it; the hidden
 * grids are sliders over their neurons for keyboard and screen-reader users (arrow keys move, the
 * value says which neuron and its a, Enter selects it).
 */
import { h, digest, pct } from "./dom.js";
import { activationRGB, css, isDark, flat } from "./colors.js";

/** A neuron reference: layer 0 is the input, 1..L the layers after it. */
/** @typedef {{layer: number, index: number}} NeuronRef */

/** Grid shape for a layer of n neurons: columns (about twice as many as rows; the image's side for the input) and cell size bounds. */
function gridShape(n, inputSide) {
  if (inputSide) return { cols: inputSide, minCell: 3, maxCell: 4, gap: 0 };
  const cols = n <= 12 ? n : Math.ceil(Math.sqrt(n * 2));
  return { cols, minCell: 4, maxCell: n > 300 ? 12 : 18, gap: 1 };
}

/**
 * One layer drawn as a canvas grid of cells. The input grid is a picture (role img); a hidden
 * layer's grid is operable, so it is a slider whose value is the neuron under the keyboard cursor.
 */
class LayerGrid {
  constructor(layer, n, label, inputSide, { onHover, onSelect }) {
    this.layer = layer;
    this.n = n;
    const grid = gridShape(n, layer === 0 ? inputSide : 0);
    this.cols = grid.cols;
    this.minCell = grid.minCell;
    this.maxCell = grid.maxCell;
    this.gap = grid.gap;
    this.rows = Math.ceil(n / this.cols);
    this.values = new Float32Array(n);
    this.selected = -1;
    this.cursor = -1;
    const operable = layer > 0;
    this.canvas = h("canvas", {
      class: "grid",
      tabindex: operable ? 0 : null,
      role: operable ? "slider" : "img",
      "aria-label": label,
      "aria-valuemin": operable ? 0 : null,
      "aria-valuemax": operable ? n - 1 : null,
      "aria-keyshortcuts": operable ? "Enter" : null,
      "data-testid": `layer-${layer}`,
      "data-layer": layer,
    });
    this.cell = this.maxCell;
    this.label = label;
    this.onHover = onHover;
    this.onSelect = onSelect;
    this.#listen();
    if (operable) this.#describe(0);
    this.draw();
  }

  /** Say which neuron the slider is on, and its activation. */
  #describe(i) {
    this.canvas.setAttribute("aria-valuenow", String(i));
    this.canvas.setAttribute("aria-valuetext", `Neuron ${i}: a = ${this.values[i].toFixed(3)}. Enter opens the inspector.`);
  }

  /** Fit the cells to `width` CSS pixels. */
  fit(width) {
    const cell = Math.max(this.minCell, Math.min(this.maxCell, Math.floor(width / this.cols)));
    if (cell !== this.cell) {
      this.cell = cell;
      this.draw();
    }
  }

  #listen() {
    const c = this.canvas;
    // A pointer press focuses the grid too; that focus is no keyboard visit, so it must not move the
    // keyboard cursor (to neuron 0, with its hover card and outline, when nothing was selected yet).
    let pressed = false;
    c.addEventListener("pointerdown", () => {
      pressed = true;
    });
    c.addEventListener("pointermove", (e) => {
      const i = this.hit(e.clientX, e.clientY);
      this.onHover(i < 0 ? null : { layer: this.layer, index: i }, { x: e.clientX, y: e.clientY });
    });
    c.addEventListener("pointerleave", () => this.onHover(null));
    c.addEventListener("click", (e) => {
      const i = this.hit(e.clientX, e.clientY);
      if (i >= 0 && this.layer > 0) {
        this.#describe(i); // the slider's value follows the clicked neuron; a later arrow key starts there
        this.onSelect({ layer: this.layer, index: i });
      }
    });
    if (this.layer === 0) return;
    c.addEventListener("focus", () => {
      const byPointer = pressed;
      pressed = false;
      if (byPointer) return;
      this.#moveCursor(this.cursor >= 0 ? this.cursor : Math.max(0, this.selected));
    });
    c.addEventListener("blur", () => {
      pressed = false;
      this.cursor = -1;
      this.draw();
      this.onHover(null);
    });
    c.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: this.cols, ArrowUp: -this.cols, Home: -this.n, End: this.n }[e.key];
      if (step !== undefined) {
        e.preventDefault();
        const from = this.cursor >= 0 ? this.cursor : Math.max(0, this.selected);
        this.#moveCursor(Math.min(this.n - 1, Math.max(0, from + step)));
      } else if ((e.key === "Enter" || e.key === " ") && (this.cursor >= 0 || this.selected >= 0)) {
        e.preventDefault();
        this.onSelect({ layer: this.layer, index: this.cursor >= 0 ? this.cursor : this.selected });
      }
    });
  }

  /** Report the keyboard cursor's neuron again where it now is (after a scroll); return whether there is one. */
  followCursor() {
    if (this.cursor < 0) return false;
    this.#moveCursor(this.cursor);
    return true;
  }

  #moveCursor(i) {
    this.cursor = i;
    this.draw();
    const rect = this.canvas.getBoundingClientRect();
    const k = rect.width / (this.cols * this.cell);
    const x = rect.left + ((i % this.cols) + 1) * this.cell * k;
    const y = rect.top + (Math.floor(i / this.cols) + 1) * this.cell * k;
    this.#describe(i);
    this.onHover({ layer: this.layer, index: i }, { x, y });
  }

  /** Index of the neuron under a client point, or −1. */
  hit(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    const k = (this.cols * this.cell) / rect.width;
    const col = Math.floor(((clientX - rect.left) * k) / this.cell);
    const row = Math.floor(((clientY - rect.top) * k) / this.cell);
    const i = row * this.cols + col;
    return col >= 0 && col < this.cols && row >= 0 && i < this.n ? i : -1;
  }

  setValues(values) {
    if (values) this.values.set(values);
    else this.values.fill(0);
    if (this.layer > 0) this.#describe(this.cursor >= 0 ? this.cursor : Math.max(0, this.selected));
    this.draw();
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.cols * this.cell;
    const hgt = this.rows * this.cell;
    const bw = Math.round(w * dpr);
    const bh = Math.round(hgt * dpr);
    if (this.canvas.width !== bw || this.canvas.height !== bh) {
      this.canvas.width = bw;
      this.canvas.height = bh;
    }
    this.canvas.style.width = `${w}px`;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const size = this.cell - this.gap;
    for (let i = 0; i < this.n; i++) {
      ctx.fillStyle = css(activationRGB(this.values[i]));
      ctx.fillRect((i % this.cols) * this.cell, Math.floor(i / this.cols) * this.cell, size, size);
    }
    this.#outline(ctx, this.selected, "#f59e0b", 2);
    this.#outline(ctx, this.cursor, "#111827", 1.5);
  }

  #outline(ctx, i, colour, width) {
    if (i < 0) return;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    const size = this.cell - this.gap;
    ctx.strokeRect((i % this.cols) * this.cell + width / 2 - 0.5, Math.floor(i / this.cols) * this.cell + width / 2 - 0.5,
      size - width + 1, size - width + 1);
  }
}

/** The output layer: one labelled button per class. */
class OutputCells {
  constructor(layer, classes, { onHover, onSelect }) {
    this.layer = layer;
    this.onHover = onHover;
    this.root = h("div", { class: "out-cells", "data-testid": `layer-${layer}` });
    this.cells = Array.from({ length: classes }, (_, d) => {
      const cell = h("button", { type: "button", class: "out-cell", "data-index": d, "aria-label": `Output neuron ${d}` }, d);
      const ref = { layer, index: d };
      cell.addEventListener("pointerenter", (e) => onHover(ref, { x: e.clientX, y: e.clientY }));
      cell.addEventListener("pointerleave", () => onHover(null));
      cell.addEventListener("focus", () => this.#report(cell, ref));
      cell.addEventListener("blur", () => onHover(null));
      cell.addEventListener("click", () => onSelect(ref));
      this.root.append(cell);
      return cell;
    });
  }

  #report(cell, ref) {
    const r = cell.getBoundingClientRect();
    this.onHover(ref, { x: r.right, y: r.bottom });
  }

  /** Report the keyboard-focused cell again where it now is (after a scroll); return whether there is one. */
  followCursor() {
    const d = this.cells.findIndex((cell) => cell.matches(":focus-visible"));
    if (d < 0) return false;
    this.#report(this.cells[d], { layer: this.layer, index: d });
    return true;
  }

  setValues(values, selected) {
    this.cells.forEach((cell, d) => {
      const a = values ? values[d] : 0;
      const rgb = activationRGB(a);
      cell.style.backgroundColor = css(rgb);
      cell.classList.toggle("on-dark", isDark(rgb));
      cell.classList.toggle("is-selected", d === selected);
      cell.setAttribute("aria-label", values ? `Output neuron ${d}: a = ${pct(a)}` : `Output neuron ${d}`);
    });
  }
}

export class NetworkView {
  #root;
  #grids = []; // index = layer (0 = input); the last entry is the OutputCells
  #last = null;
  #selected = null;

  /**
   * @param {HTMLElement} root
   * @param {import("./shape.js").Shape} shape  sizes, activations and names of the layers
   * @param {{onHover: (ref: NeuronRef|null, at?: {x:number,y:number}) => void,
   *          onSelect: (ref: NeuronRef) => void}} handlers
   */
  constructor(root, shape, handlers) {
    this.#root = root;
    const L = shape.last;
    shape.sizes.forEach((n, layer) => {
      const isOut = layer === L;
      const name = shape.title(layer);
      const fn = layer === 0 ? "pixels" : shape.activations[layer - 1] === "softmax" ? "softmax" : "σ";
      const label = `${name} · ${n} ${layer === 0 ? "pixels" : `neurons, ${fn}`}`;
      const view = isOut ? new OutputCells(layer, shape.classes, handlers) : new LayerGrid(layer, n, label, shape.side, handlers);
      this.#grids.push(view);
      const caption = h("figcaption", {}, h("strong", {}, name), h("span", { class: "layer-meta" }, `${n} · ${fn}`));
      const figure = h("figure", { class: `layer ${layer === 0 ? "layer-input" : isOut ? "layer-output" : "layer-hidden"}` },
        caption, view instanceof OutputCells ? view.root : view.canvas);
      if (layer > 0) root.append(h("span", { class: "layer-arrow", "aria-hidden": "true" }));
      root.append(figure);
      if (view instanceof LayerGrid && layer > 0) {
        new ResizeObserver(([entry]) => view.fit(entry.contentRect.width)).observe(figure);
      }
    });
    this.update(null);
  }

  /** Show a prediction's activations (or blank cells). */
  update(prediction) {
    this.#last = prediction;
    this.#grids.forEach((view, layer) => {
      const values = !prediction ? null : layer === 0 ? flat(prediction.input) : prediction.layers[layer - 1].a;
      if (view instanceof OutputCells) view.setValues(values, this.#selected?.layer === layer ? this.#selected.index : -1);
      else view.setValues(values);
    });
    this.#root.dataset.hash = prediction ? digest(prediction.layers.flatMap((l) => l.a)) : "";
  }

  /**
   * After a scroll: put the keyboard cursor's hover card back beside its neuron. Returns whether the
   * keyboard has a cursor; a card that follows the mouse or a finger should then be hidden instead.
   */
  followScroll() {
    return this.#grids.some((view) => view.followCursor());
  }

  /** Mark a neuron as the inspected one (null for none). */
  select(ref) {
    this.#selected = ref;
    this.#grids.forEach((view, layer) => {
      if (view instanceof LayerGrid) {
        view.selected = ref?.layer === layer ? ref.index : -1;
        view.draw();
      }
    });
    this.update(this.#last);
  }
}
