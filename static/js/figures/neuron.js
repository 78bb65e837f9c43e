/**
 * Figure 2: one neuron as the classic diagram, with the numbers of the current drawing: the inputs
 * with the largest terms |wᵢxᵢ| and their weights on the edges, the other terms summed into one
 * edge, the bias b, the weighted input z and the activation a = σ(z). z and a are the server's
 * (/predict); the terms are the neuron's weights (/api/neurons) times its inputs, and with b they
 * add up to z. The layout is model/figures/neuron.py's, so the live and the exported figures agree.
 */
import { fmt } from "../dom.js";
import { s, figureSvg, describe, MUTED, POSITIVE, NEGATIVE, ACCENT } from "./svg.js";

const WIDTH = 420;
const HEIGHT = 300;
const INPUT_X = 70;
const SUM_X = 222;
const SIGMA_X = 330;
const OUTPUT_X = 414;
const CENTRE_Y = 160;
const BIAS_Y = 40;
const NODE_R = 15;
const SIGMA_HALF = 18;
const ROWS_TOP = 30;
const ROWS_BOTTOM = 285;
const LABEL_AT = 0.33;
const MAX_EDGE = 7;

/**
 * The terms of z = Σ wᵢxᵢ + b as drawn: the indices of the `count` largest |wᵢxᵢ| (ties: larger |wᵢ|,
 * then lower i, as model/figures/terms.py), the sum of the other terms, and how many they are.
 * @returns {{shown: number[], terms: number[], rest: number, others: number, sum: number}}
 */
export function neuronTerms(w, x, count) {
  const terms = w.map((wi, i) => wi * x[i]);
  const order = Array.from(terms.keys()).sort(
    (i, j) => Math.abs(terms[j]) - Math.abs(terms[i]) || Math.abs(w[j]) - Math.abs(w[i]) || i - j,
  );
  const shown = order.slice(0, count);
  const drawn = new Set(shown);
  let rest = 0;
  let sum = 0;
  terms.forEach((t, i) => {
    sum += t;
    if (!drawn.has(i)) rest += t;
  });
  return { shown, terms, rest, others: terms.length - shown.length, sum };
}

const edgeWidth = (term, largest) => (largest > 0 ? Math.max(0.75, (MAX_EDGE * Math.abs(term)) / largest) : 0.75);

function subscripted(x, y, attrs, symbol, sub) {
  return s("text", { x, y, ...attrs }, symbol, s("tspan", { dy: 3, "font-size": 9 }, sub));
}

export class NeuronFigure {
  #art;
  #layer;
  #index;
  #count;

  /**
   * @param {HTMLElement} art  where the figure goes
   * @param {{layer: number, index: number, shown: number}} neuron  which neuron, and how many terms to draw
   */
  constructor(art, { layer, index, shown }) {
    this.#art = art;
    this.#layer = layer;
    this.#index = index;
    this.#count = shown;
  }

  /**
   * Draw the neuron for a prediction.
   * @param {{weights: number[], bias: number}} neuron  from /api/neurons
   * @param {object} prediction  from /predict
   * @param {string} source  what the input is, for the description
   */
  update(neuron, prediction, source) {
    const layer = this.#layer;
    const x = layer === 1 ? prediction.input.flat() : prediction.layers[layer - 2].a;
    const z = prediction.layers[layer - 1].z[this.#index];
    const a = prediction.layers[layer - 1].a[this.#index];
    const { shown, terms, rest, others, sum } = neuronTerms(neuron.weights, x, this.#count);
    const b = neuron.bias;
    const svg = figureSvg("neuron", WIDTH, HEIGHT, `Neuron ${this.#index} of layer ${layer}: z = Σ wᵢxᵢ + b, a = σ(z)`);
    svg.dataset.z = String(z);
    svg.dataset.sum = String(sum + b);
    const edges = s("g", { fill: "none", "stroke-linecap": "round" });
    const labels = s("g", { "font-size": 11, "paint-order": "stroke", stroke: "#ffffff", "stroke-width": 3 });
    const nodes = s("g", { "font-size": 10, "text-anchor": "middle" });
    const largest = Math.max(...shown.map((i) => Math.abs(terms[i])), Math.abs(rest));
    const step = (ROWS_BOTTOM - ROWS_TOP) / shown.length;
    const rows = [...shown.map((i) => ({ i, term: terms[i] })), { i: null, term: rest }];
    rows.forEach(({ i, term }, row) => {
      const y = ROWS_TOP + row * step;
      edges.append(s("line", { x1: INPUT_X + NODE_R, y1: y, x2: SUM_X - 22, y2: CENTRE_Y,
        stroke: term >= 0 ? POSITIVE : NEGATIVE, "stroke-width": edgeWidth(term, largest).toFixed(2) }));
      if (i === null) {
        nodes.append(s("rect", { x: INPUT_X - 24, y: y - 12, width: 48, height: 24, rx: 6, fill: "#f3f4f9", stroke: MUTED }),
          s("text", { x: INPUT_X, y: y + 3 }, `${others} more`));
        labels.append(s("text", { x: INPUT_X + 28, y: y + 12, "data-name": "rest" }, `Σ wᵢxᵢ = ${fmt(term)}`));
        return;
      }
      const lx = INPUT_X + NODE_R + (SUM_X - 22 - INPUT_X - NODE_R) * LABEL_AT;
      const ly = y + (CENTRE_Y - y) * LABEL_AT - 4;
      nodes.append(s("circle", { cx: INPUT_X, cy: y, r: NODE_R, fill: "#f3f4f9", stroke: MUTED }),
        s("text", { x: INPUT_X, y: y + 3, "data-name": "x" }, fmt(x[i], 2)),
        subscripted(INPUT_X - NODE_R - 16, y + 3, { "font-size": 12, "text-anchor": "end" }, "x", String(i)));
      labels.append(s("text", { x: lx, y: ly, "text-anchor": "middle", "data-name": "w", "data-input": i }, `w = ${fmt(neuron.weights[i], 2)}`));
    });
    edges.append(
      s("line", { x1: SUM_X, y1: BIAS_Y + 12, x2: SUM_X, y2: CENTRE_Y - 24, stroke: MUTED, "stroke-width": 1.5 }),
      s("line", { x1: SUM_X + 22, y1: CENTRE_Y, x2: SIGMA_X - SIGMA_HALF, y2: CENTRE_Y, stroke: ACCENT, "stroke-width": 2 }),
      s("line", { x1: SIGMA_X + SIGMA_HALF, y1: CENTRE_Y, x2: OUTPUT_X, y2: CENTRE_Y, stroke: ACCENT, "stroke-width": 2 }),
    );
    nodes.append(
      s("circle", { cx: SUM_X, cy: CENTRE_Y, r: 22, fill: "#ffffff", stroke: ACCENT, "stroke-width": 2 }),
      s("text", { x: SUM_X, y: CENTRE_Y + 7, "font-size": 20 }, "Σ"),
      s("rect", { x: SIGMA_X - SIGMA_HALF, y: CENTRE_Y - SIGMA_HALF, width: 2 * SIGMA_HALF, height: 2 * SIGMA_HALF, rx: 6,
        fill: "#ffffff", stroke: ACCENT, "stroke-width": 2 }),
      s("text", { x: SIGMA_X, y: CENTRE_Y + 6, "font-size": 18 }, "σ"),
    );
    labels.append(
      s("text", { x: SUM_X, y: BIAS_Y + 4, "text-anchor": "middle", "data-name": "b" }, `b = ${fmt(b)}`),
      s("text", { x: (SUM_X + 22 + SIGMA_X - SIGMA_HALF) / 2, y: CENTRE_Y - 8, "text-anchor": "middle", "data-name": "z",
        "data-testid": "neuron-z" }, `z = ${fmt(z)}`),
      s("text", { x: OUTPUT_X, y: CENTRE_Y - 8, "text-anchor": "end", "data-name": "a", "data-testid": "neuron-a" }, `a = ${fmt(a)}`),
      s("text", { x: SUM_X - 10, y: CENTRE_Y + 40, fill: MUTED }, "z = Σ wᵢxᵢ + b"),
      s("text", { x: OUTPUT_X, y: CENTRE_Y + 40, "text-anchor": "end", fill: MUTED }, "a = σ(z)"),
    );
    svg.append(edges, labels, nodes);
    const inputs = layer === 1 ? "the pixels" : `the activations of hidden layer ${layer - 1}`;
    const listed = shown.map((i) => `w${i} x${i} = ${fmt(neuron.weights[i])} × ${fmt(x[i])}`).join(", ");
    describe(svg, `The neuron's inputs x are ${inputs} of ${source}. Its ${shown.length} largest terms: ${listed}; the other ` +
      `${others} terms sum to ${fmt(rest)}. With the bias b = ${fmt(b)}, the weighted input is z = ${fmt(z)}, and the ` +
      `activation a = σ(z) = ${fmt(a)}.`);
    this.#art.replaceChildren(svg);
  }
}
