/** The output probabilities as labelled bars, one per digit; each bar is a button that asks "why (not) k?". */
import { h, pct, digest } from "./dom.js";

export class ProbabilityBars {
  #root;
  #rows = [];

  /**
   * @param {HTMLElement} root  the bars' container
   * @param {number} classes  how many digits (output neurons) there are
   * @param {(digit: number) => void} onPick  called when a bar is chosen
   */
  constructor(root, classes, onPick) {
    this.#root = root;
    for (let d = 0; d < classes; d++) {
      const fill = h("span", { class: "prob-fill" });
      const value = h("span", { class: "prob-value" }, "");
      const row = h(
        "button",
        { type: "button", class: "prob", "data-digit": d, "aria-label": `Digit ${d}: no prediction yet. Explain this digit` },
        h("span", { class: "prob-digit", "aria-hidden": "true" }, d),
        h("span", { class: "prob-track", "aria-hidden": "true" }, fill),
        value,
      );
      row.addEventListener("click", () => onPick(d));
      this.#rows.push({ row, fill, value });
      root.append(row);
    }
    this.update(null);
  }

  /**
   * Show probabilities (or nothing).
   * @param {number[] | null} probabilities
   * @param {{winner?: number, target?: number | null}} [marks]
   */
  update(probabilities, { winner = -1, target = null } = {}) {
    this.#rows.forEach(({ row, fill, value }, d) => {
      const p = probabilities ? probabilities[d] : 0;
      fill.style.transform = `scaleX(${p})`;
      value.textContent = probabilities ? pct(p) : "";
      row.classList.toggle("is-winner", d === winner);
      row.classList.toggle("is-target", d === target);
      row.setAttribute("aria-pressed", String(d === target));
      row.setAttribute(
        "aria-label",
        probabilities ? `Digit ${d}: ${pct(p)}. Explain why${d === winner ? "" : " not"} ${d}` : `Digit ${d}`,
      );
    });
    this.#root.dataset.hash = probabilities ? digest(probabilities) : "";
  }
}
