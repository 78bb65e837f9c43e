/**
 * "What the network sees": the input image, enlarged and pixelated, with an optional saliency
 * overlay (∂z_target/∂pixel: teal pushes toward the target digit, rose pushes away) and a row of
 * digit buttons to ask "why (not) k?".
 */
import { h } from "./dom.js";
import { activationRGB, divergingRGB, maxAbs, paintImage, flat } from "./colors.js";

export class SeenView {
  #input;
  #overlay;
  #toggle;
  #caption;
  #legend;
  #buttons = [];
  #pixels;

  /**
   * @param {{input: HTMLCanvasElement, overlay: HTMLCanvasElement, toggle: HTMLInputElement,
   *          caption: HTMLElement, legend: HTMLElement, targets: HTMLElement}} els
   * @param {import("./shape.js").Shape} shape  the input's size and the number of digits
   * @param {{onToggle: (on: boolean) => void, onTarget: (digit: number) => void}} handlers
   */
  constructor(els, shape, { onToggle, onTarget }) {
    this.#pixels = shape.pixels;
    this.#input = els.input;
    this.#overlay = els.overlay;
    this.#toggle = els.toggle;
    this.#caption = els.caption;
    this.#legend = els.legend;
    this.#toggle.addEventListener("change", () => onToggle(this.#toggle.checked));
    for (let d = 0; d < shape.classes; d++) {
      const button = h("button", { type: "button", class: "target", "data-digit": d, "aria-pressed": "false" }, d);
      button.setAttribute("aria-label", `Why (or why not) ${d}?`);
      button.addEventListener("click", () => onTarget(d));
      this.#buttons.push(button);
      els.targets.append(button);
    }
    this.showInput(null);
  }

  /** Whether the saliency overlay is switched on. */
  get enabled() {
    return this.#toggle.checked;
  }

  set enabled(on) {
    this.#toggle.checked = on;
  }

  /** Paint the input image (rows of values in [0, 1]) or a blank one. */
  showInput(input) {
    const values = input ? flat(input) : new Array(this.#pixels).fill(0);
    paintImage(this.#input, values, activationRGB);
    this.#input.dataset.hash = input ? String(values.reduce((s, v) => s + v, 0).toFixed(3)) : "";
  }

  /**
   * Paint the saliency overlay for `target`, or hide it.
   * @param {number[][] | null} saliency
   * @param {{target: number | null, winner: number, picked: boolean}} info
   */
  showSaliency(saliency, { target, winner, picked }) {
    const visible = Boolean(saliency) && this.enabled;
    this.#overlay.hidden = !visible;
    this.#input.classList.toggle("is-muted", visible);
    this.#legend.hidden = !visible;
    this.#buttons.forEach((b, d) => {
      const active = this.enabled && d === target;
      b.classList.toggle("is-active", active);
      b.setAttribute("aria-pressed", String(active));
      b.classList.toggle("is-winner", d === winner);
    });
    if (!visible) {
      this.#caption.textContent = this.enabled ? "Draw a digit to see which pixels matter." : "";
      return;
    }
    const values = flat(saliency);
    const m = maxAbs(values);
    paintImage(
      this.#overlay,
      values,
      (v) => divergingRGB(v / m),
      (v) => Math.min(0.9, Math.sqrt(Math.abs(v) / m) * 1.1),
    );
    this.#overlay.dataset.target = String(target);
    this.#caption.textContent =
      target === winner
        ? `Why ${target}? Ink on teal pixels raises z for ${target}; ink on rose pixels lowers it.`
        : `Why not ${target}? Rose pixels push away from ${target}; ink on teal ones would push toward it.`;
    this.#caption.dataset.picked = String(picked);
  }
}
