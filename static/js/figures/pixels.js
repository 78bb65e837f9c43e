/**
 * Figure 1: the digit as the grid of its values 0–255, each cell shaded by its value. The numbers
 * are in the cells; where they are too small to read (a narrow frame), pointing at a cell, or moving
 * through the grid with the arrow keys, shows it and its neighbours large beside the pad.
 */
import { h } from "../dom.js";
import { s, figureSvg, describe, num, MUTED } from "./svg.js";

const CELL = 20;
const MARGIN = 4;
const LENS = 2; // the lens shows the cell and LENS cells on each side

/** round(255 x), halves up: the value 0–255 a pixel of the network's input x ∈ [0, 1] stands for. */
export const intensity = (x) => Math.min(255, Math.max(0, Math.round(255 * x)));

const shade = (v) => `rgb(${255 - v} ${255 - v} ${255 - v})`;
/** Black or white, whichever stands out more from the shade of `v` (WCAG contrast); 0 in a muted grey. */
function textColour(v) {
  if (v === 0) return MUTED;
  const c = (255 - v) / 255;
  const luminance = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  return 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 ? "#ffffff" : "#000000";
}

export class PixelFigure {
  #side;
  #svg;
  #cells = [];
  #labels = [];
  #cursor;
  #values;
  #at = null;
  #readout;
  #lens;

  /**
   * @param {HTMLElement} art  where the figure goes
   * @param {HTMLElement} panel  where the readout and the lens go
   * @param {number} side  pixels per row (from the server)
   */
  constructor(art, panel, side) {
    this.#side = side;
    this.#values = new Array(side * side).fill(0);
    const size = side * CELL + 2 * MARGIN;
    this.#svg = figureSvg("pixels", size, size, "A handwritten digit as the numbers a network reads");
    this.#svg.setAttribute("tabindex", "0");
    const grid = s("g", { "font-size": 7, "text-anchor": "middle", "data-testid": "pixel-grid" });
    for (let i = 0; i < side * side; i++) {
      const x = MARGIN + (i % side) * CELL;
      const y = MARGIN + Math.floor(i / side) * CELL;
      const cell = s("rect", { x, y, width: CELL, height: CELL, fill: shade(0) });
      const label = s("text", { x: x + CELL / 2, y: y + CELL / 2 + 2.5, fill: textColour(0) }, "0");
      this.#cells.push(cell);
      this.#labels.push(label);
      grid.append(cell, label);
    }
    const inner = side * CELL;
    this.#cursor = s("rect", { width: CELL, height: CELL, fill: "none", stroke: "#4f46e5", "stroke-width": 2.5, visibility: "hidden" });
    this.#svg.append(grid, s("rect", { x: MARGIN, y: MARGIN, width: inner, height: inner, fill: "none", stroke: MUTED }), this.#cursor);
    art.replaceChildren(this.#svg);

    this.#readout = h("p", { class: "pixel-readout", "aria-live": "polite", "data-testid": "pixel-readout" });
    this.#lens = h("table", { class: "pixel-lens", "aria-hidden": "true" });
    panel.append(this.#readout, this.#lens);

    this.#svg.addEventListener("pointermove", (e) => this.#point(e));
    this.#svg.addEventListener("pointerdown", (e) => this.#point(e));
    this.#svg.addEventListener("keydown", (e) => this.#key(e));
    this.#svg.addEventListener("focus", () => this.#show(this.#at ?? this.#brightest()));
  }

  /** Show the network's input x (rows of values in [0, 1]) as the values 0–255. */
  update(input, source) {
    const values = input.flat().map(intensity);
    this.#values = values;
    values.forEach((v, i) => {
      this.#cells[i].setAttribute("fill", shade(v));
      this.#labels[i].setAttribute("fill", textColour(v));
      this.#labels[i].textContent = String(v);
    });
    const inked = values.filter((v) => v > 0).length;
    describe(this.#svg, `${source[0].toUpperCase()}${source.slice(1)}, as a ${this.#side} by ${this.#side} grid of ${values.length} pixel values from 0 (white) ` +
      `to 255 (black), each cell shaded by its value; ${inked} cells are not 0, and the brightest holds ${Math.max(...values)}. ` +
      "Point at a cell, or focus the grid and use the arrow keys, to read one cell and its neighbours.");
    // Start the lens on the brightest cell, so that the numbers can be read at once in a narrow frame.
    this.#show(this.#at ?? this.#brightest());
  }

  #brightest() {
    return this.#values.indexOf(Math.max(...this.#values));
  }

  #point(event) {
    const matrix = this.#svg.getScreenCTM();
    if (!matrix) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const column = Math.floor((p.x - MARGIN) / CELL);
    const row = Math.floor((p.y - MARGIN) / CELL);
    if (row >= 0 && row < this.#side && column >= 0 && column < this.#side) this.#show(row * this.#side + column);
  }

  #key(event) {
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const at = this.#at ?? this.#brightest();
    const row = Math.min(this.#side - 1, Math.max(0, Math.floor(at / this.#side) + move[0]));
    const column = Math.min(this.#side - 1, Math.max(0, (at % this.#side) + move[1]));
    this.#show(row * this.#side + column);
  }

  #show(at) {
    this.#at = at;
    const side = this.#side;
    const row = Math.floor(at / side);
    const column = at % side;
    this.#cursor.setAttribute("x", num(MARGIN + column * CELL));
    this.#cursor.setAttribute("y", num(MARGIN + row * CELL));
    this.#cursor.setAttribute("visibility", "visible");
    this.#readout.textContent = `Row ${row}, column ${column}: ${this.#values[at]}`;
    const rows = [];
    for (let r = row - LENS; r <= row + LENS; r++) {
      const cells = [];
      for (let c = column - LENS; c <= column + LENS; c++) {
        const inside = r >= 0 && r < side && c >= 0 && c < side;
        const v = inside ? this.#values[r * side + c] : null;
        const td = h("td", { class: r === row && c === column ? "is-current" : null }, v ?? "");
        if (v !== null) {
          td.style.backgroundColor = shade(v);
          td.style.color = textColour(v);
        }
        cells.push(td);
      }
      rows.push(h("tr", {}, cells));
    }
    this.#lens.replaceChildren(h("tbody", {}, rows));
  }
}
