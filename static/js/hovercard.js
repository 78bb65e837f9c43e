/**
 * The hover card: a small card beside a neuron with z, a = σ(z) and b (and, for the first hidden
 * layer, the incoming weights as an image of the input's shape). Keyboard users get it too: the
 * grids report the neuron under their cursor. Weights come from /api/neurons, cached.
 */
import { h, fmt, pct } from "./dom.js";
import { flat, weightImage } from "./colors.js";
import { fetchNeuron, cachedNeuron } from "./api.js";
import { weightedInput } from "./sums.js";
import { NeuronView } from "./neuron-view.js";

export class HoverCard extends NeuronView {
  #el;
  #at = null;

  /**
   * @param {HTMLElement} el  the card element (position: fixed)
   * @param {import("./shape.js").Shape} shape
   */
  constructor(el, shape) {
    super(shape);
    this.#el = el;
  }

  /** Show the card for a neuron near a client point, or hide it (ref null). */
  show(ref, at, prediction) {
    this.ref = ref;
    this.#at = at ?? this.#at;
    this.prediction = prediction;
    if (!ref) {
      this.#el.hidden = true;
      return;
    }
    if (ref.layer > 0 && !cachedNeuron(ref.layer, ref.index)) {
      fetchNeuron(ref.layer, ref.index)
        .then(() => {
          if (this.ref === ref) this.render();
        })
        .catch(() => {});
    }
    this.render();
  }

  /**
   * Draw the card of `this.ref`: its values and, for the first hidden layer, its incoming weights.
   * @protected
   */
  render() {
    const { layer, index } = this.ref;
    const shape = this.shape;
    const p = this.prediction;
    const rows = [];
    if (layer === 0) {
      rows.push(["x", p ? fmt(flat(p.input)[index]) : "—"]);
    } else {
      const out = p?.layers[layer - 1];
      const neuron = cachedNeuron(layer, index);
      const fn = layer === shape.last ? "softmax" : "σ(z)";
      const z = out ? weightedInput(p, layer, index, neuron) : undefined;
      rows.push(["z", z === undefined ? "—" : z === null ? "…" : fmt(z)]);
      rows.push([`a = ${fn}`, out ? (layer === shape.last ? pct(out.a[index]) : fmt(out.a[index])) : "—"]);
      rows.push(["b", neuron ? fmt(neuron.bias) : "…"]);
    }
    /** @type {HTMLElement[]} */
    const body = [
      h("p", { class: "hc-title" }, shape.neuronName(layer, index)),
      h("dl", { class: "hc-values" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    ];
    if (layer === 1) {
      const neuron = cachedNeuron(layer, index);
      body.push(
        neuron
          ? h("figure", { class: "hc-weights" }, weightImage(neuron.weights, "Incoming weights", shape.side),
              h("figcaption", {}, `${shape.pixels} incoming weights: `, h("span", { class: "pos" }, "+"), " / ", h("span", { class: "neg" }, "−")))
          : h("p", { class: "hc-loading" }, "loading weights…"),
      );
    }
    if (layer > 0) body.push(h("p", { class: "hc-hint" }, "Click to inspect"));
    this.#el.replaceChildren(...body);
    this.#el.hidden = false;
    this.#place();
  }

  #place() {
    const { x, y } = this.#at ?? { x: 0, y: 0 };
    const card = this.#el.getBoundingClientRect();
    const left = Math.min(x + 16, innerWidth - card.width - 8);
    const top = y + 16 + card.height > innerHeight - 8 ? Math.max(8, y - card.height - 12) : y + 16;
    this.#el.style.left = `${Math.max(8, left)}px`;
    this.#el.style.top = `${top}px`;
  }
}
