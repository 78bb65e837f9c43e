/**
 * The pixel figure's interaction; the figure itself is the server's SVG (model/figures/pixels.py). Its
 * numbers are too small to read in a narrow frame, so there they are hidden, and pointing at a cell, or
 * moving through the grid with the arrow keys, shows the cell and its neighbours large beside the pad.
 */
import { h } from "../dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const LENS = 2; // the lens shows the cell and LENS cells on each side
const SMALLEST = 11; // CSS pixels: cell numbers drawn smaller than this are hidden

/**
 * Where the cursor moves from cell `at` of a side × side grid for an arrow key; null for another key.
 * @param {number} at  the cell, row by row from 0
 * @param {string} key  KeyboardEvent.key
 * @param {number} side  cells per row
 * @returns {number | null}
 */
export function moveCell(at, key, side) {
  /** @type {Record<string, [number, number]>} */
  const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  const move = moves[key];
  if (!move) return null;
  const row = Math.min(side - 1, Math.max(0, Math.floor(at / side) + move[0]));
  const column = Math.min(side - 1, Math.max(0, (at % side) + move[1]));
  return row * side + column;
}

export class PixelLens {
  #side;
  #readout;
  #lens;
  /** @type {SVGSVGElement | null} */
  #svg = null;
  /** @type {SVGRectElement[]} */
  #cells = [];
  /** @type {SVGTextElement[]} */
  #labels = [];
  /** @type {SVGRectElement | null} */
  #cursor = null;
  /** @type {number | null} */
  #at = null;
  #resize = new ResizeObserver(() => this.#fit());

  /**
   * @param {HTMLElement} panel  where the readout and the lens go
   * @param {number} side  cells per row (from the server)
   */
  constructor(panel, side) {
    this.#side = side;
    this.#readout = h("p", { class: "pixel-readout", "aria-live": "polite", "data-testid": "pixel-readout" });
    this.#lens = h("table", { class: "pixel-lens", "aria-hidden": "true" });
    panel.append(this.#readout, this.#lens);
  }

  /**
   * Take over a newly drawn figure: its cells, a cursor, the pointer and the keys.
   * @param {SVGSVGElement} svg  the server's pixel figure, in the page
   */
  attach(svg) {
    if (this.#svg) this.#resize.unobserve(this.#svg);
    this.#svg = svg;
    const grid = svg.querySelector("[data-name=grid]");
    this.#cells = Array.from(grid?.querySelectorAll("rect") ?? []);
    this.#labels = Array.from(grid?.querySelectorAll("text") ?? []);
    const cell = this.#cells[0];
    this.#cursor = /** @type {SVGRectElement} */ (document.createElementNS(SVG_NS, "rect"));
    for (const [name, value] of Object.entries({ width: cell.getAttribute("width"), height: cell.getAttribute("height"),
      fill: "none", stroke: "#4f46e5", "stroke-width": "2.5", "data-name": "cursor" })) {
      this.#cursor.setAttribute(name, value ?? "");
    }
    svg.append(this.#cursor);
    svg.setAttribute("tabindex", "0");
    const desc = svg.querySelector("desc");
    if (desc) desc.textContent += " Point at a cell, or focus the grid and use the arrow keys, to read one cell and its neighbours.";
    svg.addEventListener("pointermove", (e) => this.#point(e));
    svg.addEventListener("pointerdown", (e) => this.#point(e));
    svg.addEventListener("keydown", (e) => this.#key(e));
    svg.addEventListener("focus", () => this.#show(this.#at ?? this.#brightest()));
    this.#resize.observe(svg);
    this.#fit();
    // Start the lens on the brightest cell, so that the numbers can be read at once in a narrow frame.
    this.#show(this.#at ?? this.#brightest());
  }

  /** Hide the cells' numbers while they are drawn smaller than SMALLEST CSS pixels. */
  #fit() {
    const svg = this.#svg;
    const label = this.#labels[0];
    if (!svg || !label) return;
    const scale = svg.getScreenCTM()?.a ?? 0;
    const size = parseFloat(getComputedStyle(label).fontSize) * scale;
    svg.classList.toggle("numbers-hidden", !(size >= SMALLEST));
  }

  /** @param {number} at */
  #value(at) {
    return Number(this.#labels[at]?.textContent ?? 0);
  }

  #brightest() {
    let best = 0;
    this.#labels.forEach((_, i) => {
      if (this.#value(i) > this.#value(best)) best = i;
    });
    return best;
  }

  /** @param {PointerEvent} event */
  #point(event) {
    const matrix = this.#cells[0]?.getScreenCTM();
    if (!matrix) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const first = this.#cells[0];
    const size = Number(first.getAttribute("width"));
    const column = Math.floor((p.x - Number(first.getAttribute("x"))) / size);
    const row = Math.floor((p.y - Number(first.getAttribute("y"))) / size);
    if (row >= 0 && row < this.#side && column >= 0 && column < this.#side) this.#show(row * this.#side + column);
  }

  /** @param {KeyboardEvent} event */
  #key(event) {
    const next = moveCell(this.#at ?? this.#brightest(), event.key, this.#side);
    if (next === null) return;
    event.preventDefault();
    this.#show(next);
  }

  /** @param {number} at */
  #show(at) {
    this.#at = at;
    const side = this.#side;
    const row = Math.floor(at / side);
    const column = at % side;
    const cell = this.#cells[at];
    if (cell && this.#cursor) {
      this.#cursor.setAttribute("x", cell.getAttribute("x") ?? "0");
      this.#cursor.setAttribute("y", cell.getAttribute("y") ?? "0");
    }
    this.#readout.textContent = `Row ${row}, column ${column}: ${this.#value(at)}`;
    const rows = [];
    for (let r = row - LENS; r <= row + LENS; r++) {
      const cells = [];
      for (let c = column - LENS; c <= column + LENS; c++) {
        const inside = r >= 0 && r < side && c >= 0 && c < side;
        const i = r * side + c;
        const td = h("td", { class: r === row && c === column ? "is-current" : null }, inside ? this.#value(i) : "");
        if (inside) {
          td.style.backgroundColor = this.#cells[i].getAttribute("fill") ?? "";
          td.style.color = this.#labels[i].getAttribute("fill") ?? "";
        }
        cells.push(td);
      }
      rows.push(h("tr", {}, cells));
    }
    this.#lens.replaceChildren(h("tbody", {}, rows));
  }
}
