/**
 * The inspector: a neuron's weighted input written out as the sum it is, z = Σ wᵢaᵢ + b, with its largest terms, its activation, its incoming weights
 * and the neurons of the next layer it pushes most. Contributions are computed here from the last
 * prediction's activations and the neuron's weights from /api/neurons.
 */
import { h, fmt, signed, pct } from "./dom.js";
import { divergingRGB, css, maxAbs, weightImage } from "./colors.js";
import { fetchNeuron, cachedNeuron } from "./api.js";
import { incoming, weightedInput } from "./sums.js";
import { NeuronView } from "./neuron-view.js";

const TOP = 8;

/** Indices of the k largest |values|. */
function topIndices(values, k, key = Math.abs) {
  return Array.from(values.keys()).sort((i, j) => key(values[j]) - key(values[i])).slice(0, k);
}

function barCell(value, scale) {
  const bar = h("span", { class: "contrib-bar" });
  const t = Math.min(1, Math.abs(value) / scale);
  bar.style.width = `${(t * 50).toFixed(1)}%`;
  bar.style.backgroundColor = css(divergingRGB(value >= 0 ? 1 : -1));
  bar.classList.add(value >= 0 ? "is-pos" : "is-neg");
  return h("span", { class: "contrib-track", "aria-hidden": "true" }, bar);
}

export class Inspector extends NeuronView {
  #root;
  #neuron = null;
  #onSelect;
  #onClose;

  /**
   * @param {HTMLElement} root
   * @param {import("./shape.js").Shape} shape
   * @param {{onSelect: (ref) => void, onClose: () => void}} handlers  onSelect: the user followed a link to another neuron
   */
  constructor(root, shape, { onSelect, onClose }) {
    super(shape);
    this.#root = root;
    this.#onSelect = onSelect;
    this.#onClose = onClose;
  }

  /** The inspected neuron, or null. */
  get current() {
    return this.ref;
  }

  /** Open the inspector on a neuron (layer ≥ 1). */
  async open(ref, prediction) {
    this.ref = ref;
    this.prediction = prediction;
    this.#neuron = cachedNeuron(ref.layer, ref.index) ?? null;
    this.render();
    this.#root.hidden = false;
    this.#root.scrollIntoView({ block: "nearest", behavior: "smooth" });
    if (!this.#neuron) {
      try {
        const neuron = await fetchNeuron(ref.layer, ref.index);
        if (this.ref !== ref) return;
        this.#neuron = neuron;
      } catch (error) {
        if (this.ref === ref) this.#root.querySelector(".insp-body")?.replaceChildren(h("p", { class: "error" }, `Could not load the neuron: ${error.message}`));
        return;
      }
      this.render();
    }
  }

  /** Close the inspector. */
  close() {
    this.ref = null;
    this.#root.hidden = true;
    this.#root.replaceChildren();
    this.#onClose();
  }

  /**
   * Draw the inspector of `this.ref`: its head, its sections (once its weights are here) and its figure links.
   * @protected
   */
  render() {
    const { layer, index } = this.ref;
    const shape = this.shape;
    const title = layer === shape.last
      ? `${shape.title(layer)} neuron ${index} — digit ${index}`
      : `${shape.title(layer)}, neuron ${index}`;
    const close = h("button", { type: "button", class: "btn btn-icon", "aria-label": "Close the inspector", "data-testid": "inspector-close" }, "✕");
    close.addEventListener("click", () => this.close());
    const head = h("div", { class: "card-head insp-head" },
      h("h2", { id: "inspector-title" }, "Inspector: ", h("span", { class: "insp-name" }, title)), close);
    const body = h("div", { class: "insp-body" });
    if (!this.#neuron) body.append(h("p", { class: "hc-loading" }, "Loading weights…"));
    else body.append(...this.#sections());
    if (layer !== shape.last) {
      const query = `layer=${layer}&index=${index}`;
      body.append(h("p", { class: "explain", "data-testid": "inspector-figures" }, "Figures of this neuron, for the article: ",
        h("a", { href: `/figures/neuron?${query}`, target: "_blank" }, "its diagram"), " · ",
        h("a", { href: `/figures/sigmoid?${query}`, target: "_blank" }, "its point on σ(z)")));
    }
    this.#root.replaceChildren(head, body);
    this.#root.dataset.layer = String(layer);
    this.#root.dataset.index = String(index);
  }

  #sections() {
    const { layer, index } = this.ref;
    const shape = this.shape;
    const L = shape.last;
    const isOut = layer === L;
    const neuron = this.#neuron;
    const p = this.prediction;
    const x = incoming(p, layer);
    const sym = layer === 1 ? "x" : "a";
    const n = neuron.weights.length;
    const sections = [];

    // 1. The weighted input as the sum it is.
    // Focusable, so that a keyboard can scroll a sum wider than the card.
    const eq = h("div", { class: "equation", "data-testid": "inspector-equation", tabindex: 0, role: "group", "aria-label": "The weighted input z, written out" });
    eq.append(h("div", { class: "eq-line" }, h("var", {}, "z"), " = Σ", h("sub", {}, `i=1…${n}`), " ",
      h("var", {}, "w"), h("sub", {}, "i"), h("var", {}, sym), h("sub", {}, "i"), " + ", h("var", {}, "b")));
    let contributions = null;
    if (x) {
      contributions = neuron.weights.map((w, i) => w * x[i]);
      const sum = contributions.reduce((s, c) => s + c, 0);
      const z = weightedInput(p, layer, index, neuron);
      const top = topIndices(contributions, 3);
      // Each term is unbreakable and the line breaks between them, so a narrow card wraps the sum
      // instead of hiding its end (the bias) past the card's edge.
      const pieces = [...top.map((i) => `(${fmt(neuron.weights[i], 2)}·${fmt(x[i], 2)})`), "…", `(${fmt(neuron.bias)})`];
      const terms = pieces.flatMap((text, k) => [k ? " + " : "", h("span", { class: "eq-term", "data-term": k === pieces.length - 1 ? "b" : null }, text)]);
      eq.append(
        h("div", { class: "eq-line eq-wrap", "data-testid": "inspector-expansion" }, h("span", { class: "eq-pad" }, "= "), ...terms),
        h("div", { class: "eq-line" }, h("span", { class: "eq-pad" }, "= "), h("span", { class: "term", "data-label": `Σ w${sym}` }, fmt(sum)), " + ", h("span", { class: "term", "data-label": "b" }, `(${fmt(neuron.bias)})`)),
        h("div", { class: "eq-line eq-result" }, h("span", { class: "eq-pad" }, "= "), h("strong", {}, fmt(z))),
      );
      eq.dataset.z = String(z);
      eq.dataset.sum = String(sum + neuron.bias);
    } else {
      eq.append(h("div", { class: "eq-line muted" }, `b = ${fmt(neuron.bias)}. Draw a digit to see the terms.`));
    }
    sections.push(h("section", { class: "insp-section" }, h("h3", {}, "Weighted input"), eq));

    // 2. Activation.
    if (p) {
      const out = p.layers[layer - 1];
      const z = weightedInput(p, layer, index, neuron);
      const act = isOut
        ? h("div", { class: "equation" }, h("div", { class: "eq-line" }, h("var", {}, "a"), ` = e`, h("sup", {}, h("var", {}, "z"), h("sub", {}, index)),
            " / Σ", h("sub", {}, "j"), " e", h("sup", {}, h("var", {}, "z"), h("sub", {}, "j")), " = ", h("strong", {}, pct(out.a[index], 2))),
            h("p", { class: "explain" }, `Softmax: the ${shape.classes} outputs are made positive and scaled to sum to 1.`))
        : h("div", { class: "equation" }, h("div", { class: "eq-line" }, h("var", {}, "a"), " = σ(z) = 1 / (1 + e", h("sup", {}, `−(${fmt(z, 2)})`), ") = ",
            h("strong", {}, fmt(out.a[index]))));
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, "Activation"), act));
    }

    // 3. Largest contributions wᵢ·aᵢ.
    if (contributions) {
      const top = topIndices(contributions, TOP);
      const scale = maxAbs(top.map((i) => contributions[i]));
      const rest = contributions.reduce((s, c) => s + c, 0) - top.reduce((s, i) => s + contributions[i], 0);
      const rows = top.map((i) => {
        const name = shape.neuronName(layer - 1, i);
        const who = layer === 1 ? h("span", {}, name) : this.#link({ layer: layer - 1, index: i }, name);
        return h("tr", {}, h("th", { scope: "row" }, who), h("td", {}, fmt(neuron.weights[i], 2)), h("td", {}, fmt(x[i], 2)),
          h("td", { class: contributions[i] >= 0 ? "pos" : "neg" }, signed(contributions[i])), h("td", { class: "bar-cell" }, barCell(contributions[i], scale)));
      });
      rows.push(h("tr", { class: "muted" }, h("th", { scope: "row" }, `${n - top.length} other terms`), h("td", {}), h("td", {}),
        h("td", {}, signed(rest)), h("td", {})));
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, "Largest terms ", h("span", { class: "h-math" }, "w", h("sub", {}, "i"), sym, h("sub", {}, "i"))),
        h("table", { class: "contribs", "data-testid": "inspector-contributions" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, layer === 1 ? "input" : "from"), h("th", { scope: "col" }, "w"),
            h("th", { scope: "col" }, sym), h("th", { scope: "col" }, "w·" + sym), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "size")))),
          h("tbody", {}, rows))));
    }

    // 4. Incoming weights.
    if (layer === 1) {
      const figures = [h("figure", {}, weightImage(neuron.weights, "Incoming weights w", shape.side), h("figcaption", {}, "weights w"))];
      if (contributions) figures.push(h("figure", {}, weightImage(contributions, "Contributions w times x", shape.side), h("figcaption", {}, "terms w·x")));
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, "Incoming weights"),
        h("div", { class: "weight-figures" }, figures),
        h("p", { class: "explain" }, h("span", { class: "pos" }, "Teal"), " weights excite this neuron where there is ink, ",
          h("span", { class: "neg" }, "rose"), " ones inhibit it. It looks for a pattern.")));
    } else {
      const ranked = (sign) => topIndices(neuron.weights, 5, (w) => sign * w).filter((i) => sign * neuron.weights[i] > 0)
        .map((i) => h("li", {}, this.#link({ layer: layer - 1, index: i }, shape.neuronName(layer - 1, i)), " ",
          h("span", { class: sign > 0 ? "pos" : "neg" }, signed(neuron.weights[i], 2))));
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, `Incoming weights (${n})`),
        h("div", { class: "ranked" },
          h("div", {}, h("h4", {}, "most positive"), h("ol", {}, ranked(1))),
          h("div", {}, h("h4", {}, "most negative"), h("ol", {}, ranked(-1))))));
    }

    // 5. What it pushes in the next layer.
    if (neuron.outgoing && p) {
      const a = p.layers[layer - 1].a[index];
      const pushes = neuron.outgoing.map((w) => w * a);
      const top = topIndices(pushes, 6);
      const scale = maxAbs(top.map((i) => pushes[i]));
      const next = layer + 1;
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, "What it pushes next"),
        h("p", { class: "explain" }, `Its term w·a in each neuron of the next layer (a = ${fmt(a)}):`),
        h("table", { class: "contribs", "data-testid": "inspector-outgoing" },
          h("tbody", {}, top.map((j) => h("tr", {},
            h("th", { scope: "row" }, this.#link({ layer: next, index: j }, next === L ? `digit ${j}` : shape.neuronName(next, j))),
            h("td", {}, `w = ${fmt(neuron.outgoing[j], 2)}`),
            h("td", { class: pushes[j] >= 0 ? "pos" : "neg" }, signed(pushes[j])), h("td", { class: "bar-cell" }, barCell(pushes[j], scale))))))));
    } else if (isOut) {
      sections.push(h("section", { class: "insp-section" }, h("h3", {}, "Output"),
        h("p", { class: "explain" }, `This neuron's a is the network's probability that the digit is ${index}. Training lowered the cross-entropy −ln a`,
          h("sub", {}, "y"), " of the true digit y.")));
    }
    return sections;
  }

  #link(ref, text) {
    const button = h("button", { type: "button", class: "link" }, text);
    button.addEventListener("click", () => this.#onSelect(ref));
    return button;
  }
}
