/**
 * One step written out: the mini-batch, and for the neuron the learner picks, δ = ∂C/∂z for each example,
 * ∂C/∂b, ∂C/∂w (as an image for a first-layer neuron) and the update of its bias and some weights, with the
 * numbers before and after. Every number comes from the trainer's "step" message; the page only writes
 * them into the formulas.
 */
import { h } from "../dom.js";
import { paintDiverging } from "../colors.js";
import { bytesOf, digitCanvas, sideOf } from "./images.js";

/** A number for the formulas: 4 significant digits, a real minus sign, ×10ⁿ for the very small or large. */
export function num(value) {
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= 1e-3 && abs < 1e4) {
    text = abs.toPrecision(4).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  } else {
    const [mantissa, exponent] = abs.toExponential(3).split("e");
    const sup = String(Number(exponent)).replace(/-/g, "⁻").replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]);
    text = `${mantissa}×10${sup}`;
  }
  return (value < 0 ? "−" : "") + text;
}

const sub = (text) => h("sub", {}, text);
const sup = (text) => h("sup", {}, text);
const v = (text) => h("var", {}, text);

export class StepPanel {
  #body;
  #picker;
  #onPick;
  #sizes = null;
  #names = [];
  #layer = 0;
  #selected = null; // {layer, index} picked by the learner, or null for the default

  #layerNames;

  /**
   * @param {{body: HTMLElement, picker: HTMLElement}} elements
   * @param {Record<string, string[]>} layerNames  the server's names of the layers ("input", "hidden 1", ...,
   *   "output"), by the number of hidden layers
   * @param {(ref: {layer: number, index: number}) => void} onPick  the learner picked a neuron
   */
  constructor({ body, picker }, layerNames, onPick) {
    this.#layerNames = layerNames;
    this.#body = body;
    this.#picker = picker;
    this.#onPick = onPick;
  }

  /** The neuron the learner picked, or null (the trainer's default: the output neuron of the first label). */
  get selected() {
    return this.#selected;
  }

  /** Set up the picker for a network of these layer sizes (input first). */
  setup(sizes) {
    this.#sizes = sizes;
    this.#names = this.#layerNames[sizes.length - 2];
    this.#selected = null;
    this.#layer = sizes.length - 1;
    this.#renderPicker();
    this.#body.replaceChildren(h("p", { class: "muted" }, "Pause, then Step, to see one mini-batch's step here."));
  }

  /** Pick neuron `index` of `layer` (from the weight tiles or the picker). */
  pick(layer, index) {
    this.#selected = { layer, index };
    this.#layer = layer;
    this.#renderPicker();
    this.#onPick(this.#selected);
  }

  /** Forget everything (a new run). */
  clear() {
    this.#sizes = null;
    this.#selected = null;
    this.#picker.replaceChildren();
    this.#body.replaceChildren(h("p", { class: "muted" }, "No step yet."));
  }

  #renderPicker() {
    const sizes = this.#sizes;
    if (!sizes) return;
    const current = this.#selected;
    const select = h("select", { id: "step-layer", "data-testid": "step-layer" },
      ...sizes.slice(1).map((_, i) =>
        h("option", { value: i + 1, selected: i + 1 === this.#layer }, `${capital(this.#names[i + 1])} (${sizes[i + 1]})`)));
    select.addEventListener("change", () => {
      this.#layer = Number(select.value);
      this.#renderPicker();
      this.#picker.querySelector("select")?.focus();
    });
    const count = sizes[this.#layer];
    const checked = current?.layer === this.#layer ? current.index : -1;
    const group = h("div", { class: "chips", role: "radiogroup", "aria-label": `Neuron of ${this.#names[this.#layer]}` });
    for (let i = 0; i < count; i++) {
      const chip = h("button", {
        type: "button", role: "radio", class: "chip", "aria-checked": String(i === checked),
        tabindex: i === Math.max(0, checked) ? "0" : "-1", "data-index": i,
      }, String(i));
      chip.addEventListener("click", () => this.pick(this.#layer, i));
      group.append(chip);
    }
    group.addEventListener("keydown", (event) => roveFocus(event, group));
    const next = current
      ? `The next step is written out for ${this.#names[current.layer]} #${current.index}.`
      : "By default, the step is written out for the output neuron of the first example's label.";
    this.#picker.replaceChildren(
      h("label", { class: "field field-inline", for: "step-layer" }, h("span", {}, "Neuron in"), select),
      group,
      h("p", { class: "hint", "data-testid": "step-next" }, next),
    );
  }

  /** Show a "step" message (its `cost` names the cost function the trainer uses). */
  show(step) {
    const cost = step.cost;
    const { layer, index } = step.neuron;
    const last = this.#sizes.length - 1;
    const m = step.m;
    const name = `${this.#names[layer]} #${index}`;
    const labels = step.batch.labels;
    const thumbs = h("ol", { class: "thumbs batch", "aria-label": `The mini-batch: ${m} examples` },
      ...step.batch.pixels.map((pixels, x) =>
        h("li", { class: "thumb" },
          digitCanvas(bytesOf(pixels), `example ${x + 1}, a ${labels[x]}`),
          h("span", { class: "thumb-caption" }, h("span", { class: "visually-hidden" }, "label "), String(labels[x])),
          h("span", { class: "thumb-delta mono" }, h("span", { class: "visually-hidden" }, "δ = "), num(step.delta[x])))));

    const deltaRule = layer === last
      ? cost === "cross-entropy"
        ? [v("δ"), sup("L"), sub("j"), " = ", v("a"), sup("L"), sub("j"), " − ", v("y"), sub("j"), "  (cross-entropy)"]
        : [v("δ"), sup("L"), sub("j"), " = (", v("a"), sup("L"), sub("j"), " − ", v("y"), sub("j"), ") σ′(", v("z"), sup("L"), sub("j"), ")  (quadratic cost)"]
      : [v("δ"), sup("l"), sub("j"), " = (Σ", sub("k"), " ", v("w"), sup("l+1"), sub("kj"), " ", v("δ"), sup("l+1"), sub("k"), ") σ′(", v("z"), sup("l"), sub("j"), ")"];

    const rate = step.eta / m;
    const bUpdate = h("p", { class: "equation", "data-testid": "step-bias" },
      v("b"), " → ", v("b"), " − (", v("η"), "/", v("m"), ") Σ", sub("x"), " ∂", v("C"), sub("x"), "/∂", v("b"), " = ",
      num(step.b_before), " − (", num(step.eta), "/", String(m), ") × ", num(step.nabla_b_sum), " = ",
      h("strong", {}, num(step.b_after)));

    const rows = (step.w_sample ?? []).map((w) =>
      h("tr", {},
        h("th", { scope: "row" }, this.#fromName(layer, w.from)),
        h("td", {}, num(w.before)),
        h("td", {}, num(w.nabla_sum)),
        h("td", {}, num(w.after))));
    const table = rows.length
      ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Weight updates" },
          h("table", { class: "numbers", "data-testid": "step-weights" },
            h("caption", {}, v("w"), " → ", v("w"), " − (", v("η"), "/", v("m"), ") Σ", sub("x"), " ∂", v("C"), sub("x"), "/∂", v("w"),
              ", with ", v("η"), "/", v("m"), " = ", num(rate), ", for some of its weights"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "from"), h("th", { scope: "col" }, "w before"),
              h("th", { scope: "col" }, "Σ ∂C/∂w"), h("th", { scope: "col" }, "w after"))),
            h("tbody", {}, ...rows)))
      : null;

    let image = null;
    if (layer === 1 && step.nabla_w_sum?.length === this.#sizes[0]) {
      const values = Float32Array.from(step.nabla_w_sum);
      const side = sideOf(values.length);
      const canvas = h("canvas", { class: "pixelated gradient-image", role: "img", "data-testid": "step-gradient",
        "aria-label": `Σ ∂C/∂w of the ${values.length} incoming weights as a ${side} by ${side} image` });
      paintDiverging(canvas, values);
      image = h("figure", { class: "gradient" }, canvas,
        h("figcaption", {}, "Σ", sub("x"), " ∂", v("C"), sub("x"), "/∂", v("w"), sub("jk"), " = Σ", sub("x"), " ",
          v("a"), sup("0"), sub("k"), v("δ"), sub("j"), " for every pixel ", v("k"), ": the step lowers the weights in teal and raises those in rose."));
    }

    this.#body.replaceChildren(
      h("p", { class: "step-title" }, h("strong", {}, `${capital(name)}`), ` · examples seen ${step.examples_seen.toLocaleString("en")}`),
      h("p", { class: "hint" }, "Under each example of the mini-batch: its label ", v("y"), ", and the neuron's ", v("δ"), " for it."),
      thumbs,
      h("dl", { class: "rules" },
        h("dt", {}, "Error of the neuron, ", v("δ"), " = ∂", v("C"), "/∂", v("z")), h("dd", { class: "equation" }, ...deltaRule),
        h("dt", {}, "Bias gradient"), h("dd", { class: "equation" }, "∂", v("C"), "/∂", v("b"), sup("l"), sub("j"), " = ", v("δ"), sup("l"), sub("j"),
          ", so Σ", sub("x"), " ∂", v("C"), sub("x"), "/∂", v("b"), " = ", h("span", { "data-testid": "step-nabla-b" }, num(step.nabla_b_sum))),
        h("dt", {}, "Weight gradient"), h("dd", { class: "equation" }, "∂", v("C"), "/∂", v("w"), sup("l"), sub("jk"), " = ",
          v("a"), sup("l−1"), sub("k"), " ", v("δ"), sup("l"), sub("j"))),
      bUpdate,
      ...[image, table].filter(Boolean),
    );
    this.#body.dataset.examplesSeen = String(step.examples_seen);
  }

  /** One sentence saying what a step did, for a screen reader. */
  sentence(step) {
    const { layer, index } = step.neuron;
    return `One step of ${step.m} examples; ${step.examples_seen} seen. ${capital(this.#names[layer])} #${index}: ` +
      `bias from ${num(step.b_before)} to ${num(step.b_after)}.`;
  }

  /** The neuron a weight comes from: "pixel (row, column)" in the input, "hidden 1 #k" otherwise. */
  #fromName(layer, k) {
    if (layer > 1) return `${this.#names[layer - 1]} #${k}`;
    const side = sideOf(this.#sizes[0]);
    return `pixel (${Math.floor(k / side)}, ${k % side})`;
  }
}

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** Arrow keys, Home and End move the focus (and the tab stop) along a radiogroup's buttons. */
function roveFocus(event, group) {
  const items = [...group.querySelectorAll("[role='radio']")];
  const at = items.indexOf(document.activeElement);
  if (at < 0) return;
  const next = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const target = items[Math.max(0, Math.min(items.length - 1, next))];
  for (const item of items) item.tabIndex = item === target ? 0 : -1;
  target.focus();
}
