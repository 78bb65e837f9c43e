/**
 * Figure 3: σ(z) = 1 / (1 + e^−z) for z in the server's range, with σ(0) = ½, the limits 0 and 1,
 * the slope σ′ = σ(1 − σ) (dashed, largest at z = 0, where the tangent is drawn), and the chosen
 * neuron's current (z, a) from /predict as a point on the curve. The layout is
 * model/figures/sigmoid.py's, so the live and the exported figures agree.
 */
import { fmt } from "../dom.js";
import { s, figureSvg, describe, num, MUTED, NEGATIVE, ACCENT } from "./svg.js";

const WIDTH = 400;
const HEIGHT = 260;
const LEFT = 34;
const RIGHT = 392;
const TOP = 18;
const BOTTOM = 222;
const A_MIN = -0.04;
const A_MAX = 1.06;
const SAMPLES = 161;
const TANGENT_HALF = 1.6;
const POINT = NEGATIVE;

/** σ(z) = 1 / (1 + e^−z). */
export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

export class SigmoidFigure {
  #svg;
  #point;
  #zMin;
  #zMax;
  #neuron;

  /**
   * @param {HTMLElement} art  where the figure goes
   * @param {{zRange: number[], neuron: string}} options  the z axis (from the server) and the neuron's name
   */
  constructor(art, { zRange: [zMin, zMax], neuron }) {
    this.#zMin = zMin;
    this.#zMax = zMax;
    this.#neuron = neuron;
    const x = (z) => this.x(z);
    const y = (a) => this.y(a);
    const path = (zs, f) => "M" + zs.map((z) => `${num(x(z))},${num(y(f(z)))}`).join(" L");
    const grid = Array.from({ length: SAMPLES }, (_, k) => zMin + ((zMax - zMin) * k) / (SAMPLES - 1));
    const svg = figureSvg("sigmoid", WIDTH, HEIGHT, "The sigmoid σ(z) = 1 / (1 + e^−z) against z");
    const axes = s("g", { stroke: MUTED, "stroke-width": 1, fill: "none" },
      s("line", { x1: LEFT, y1: y(0), x2: RIGHT, y2: y(0) }),
      s("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: BOTTOM }),
      s("line", { x1: x(0), y1: TOP, x2: x(0), y2: BOTTOM, "stroke-dasharray": "2 3", "stroke-opacity": 0.5 }),
      s("line", { x1: LEFT, y1: y(1), x2: RIGHT, y2: y(1), "stroke-dasharray": "4 3" }));
    const text = s("g", { "font-size": 10, fill: MUTED });
    for (let tick = Math.ceil(zMin / 4) * 4; tick <= zMax; tick += 4) {
      axes.append(s("line", { x1: x(tick), y1: y(0), x2: x(tick), y2: y(0) + 4 }));
      text.append(s("text", { x: x(tick), y: y(0) + 15, "text-anchor": "middle" }, fmt(tick, 0)));
    }
    for (const [value, label] of [[0, "0"], [0.5, "½"], [1, "1"]]) {
      text.append(s("text", { x: LEFT - 6, y: y(value) + 3.5, "text-anchor": "end" }, label));
    }
    text.append(
      s("text", { x: RIGHT, y: y(0) + 28, "text-anchor": "end", "font-style": "italic" }, "z"),
      s("text", { x: LEFT + 4, y: y(1) - 5 }, "σ → 1 as z → +∞"),
      s("text", { x: LEFT, y: y(0) + 28 }, "σ → 0 as z → −∞"),
      s("text", { x: x(2.4), y: y(0.12) }, "σ′ = σ(1 − σ)"),
      s("text", { x: x(0) + 8, y: y(0.5) + 14, fill: "#1b1d2a" }, "σ(0) = ½"),
      s("text", { x: x(0) + 8, y: y(0.5) + 27 }, "slope ¼, the largest"),
    );
    const derivative = (z) => sigmoid(z) * (1 - sigmoid(z));
    svg.append(axes, text,
      s("path", { d: path(grid, derivative), fill: "none", stroke: MUTED, "stroke-width": 1.2, "stroke-dasharray": "3 3" }),
      s("path", { d: path(grid, sigmoid), fill: "none", stroke: "#1b1d2a", "stroke-width": 2.2, "data-name": "sigmoid" }),
      s("path", { d: path([-TANGENT_HALF, TANGENT_HALF], (z) => 0.5 + z / 4), fill: "none", stroke: ACCENT, "stroke-width": 1.2 }),
      s("circle", { cx: x(0), cy: y(0.5), r: 3.5, fill: ACCENT }));
    this.#point = s("g", { "data-testid": "sigmoid-point", fill: "none", visibility: "hidden" });
    svg.append(this.#point);
    this.#svg = svg;
    art.replaceChildren(svg);
    this.#describe(null);
  }

  /** The figure's x for a value of z. */
  x(z) {
    return LEFT + ((z - this.#zMin) / (this.#zMax - this.#zMin)) * (RIGHT - LEFT);
  }

  /** The figure's y for a value of σ. */
  y(a) {
    return BOTTOM - ((a - A_MIN) / (A_MAX - A_MIN)) * (BOTTOM - TOP);
  }

  /** The legend of the point (z, a); an arrow says where a z off the chart is. */
  label(z, a) {
    const off = z >= this.#zMin && z <= this.#zMax ? "" : z > 0 ? " →" : " ←";
    return `z = ${fmt(z)}${off}, a = σ(z) = ${fmt(a)}`;
  }

  /** Put the neuron's (z, a) on the curve (null: no point). */
  update(point) {
    this.#describe(point);
    if (!point) {
      this.#point.setAttribute("visibility", "hidden");
      return;
    }
    const { z, a } = point;
    const x = this.x(Math.min(Math.max(z, this.#zMin), this.#zMax));
    const y = this.y(a);
    const legendY = this.y(1) + 24;
    // The point, with a guide down to its z; its numbers in a legend at the top left, where the curve never is.
    this.#point.replaceChildren(
      s("path", { d: `M${num(x)},${num(this.y(0))} V${num(y)}`, stroke: POINT, "stroke-width": 1, "stroke-dasharray": "2 2" }),
      s("circle", { cx: num(x), cy: num(y), r: 6, fill: "#ffffff", stroke: POINT, "stroke-width": 2.5 }),
      s("circle", { cx: LEFT + 14, cy: num(legendY - 4), r: 5, stroke: POINT, "stroke-width": 2.5 }),
      s("text", { x: LEFT + 26, y: num(legendY), "font-size": 11, fill: "#1b1d2a", "data-testid": "sigmoid-legend" }, this.label(z, a)),
    );
    this.#point.dataset.z = String(z);
    this.#point.dataset.a = String(a);
    this.#point.setAttribute("visibility", "visible");
  }

  #describe(point) {
    let where = "";
    if (point) {
      const inside = point.z >= this.#zMin && point.z <= this.#zMax;
      const place = inside ? "on the curve" : `off the chart, on the curve's ${point.z > 0 ? "right" : "left"} end`;
      where = ` The point of ${this.#neuron} is z = ${fmt(point.z)}, a = σ(z) = ${fmt(point.a)}, ${place}.`;
    }
    describe(this.#svg, `σ(z) for z from ${fmt(this.#zMin, 0)} to ${fmt(this.#zMax, 0)}: an S-shaped curve rising from its ` +
      "limit 0 as z → −∞ to its limit 1 as z → +∞, through σ(0) = ½, where its slope σ′ = σ(1 − σ) is largest, ¼; " +
      `σ′ is drawn dashed.${where}`);
  }
}
