/**
 * The pad that asks the network being trained: the drawing is kept, and read again whenever the network
 * has changed enough (each epoch, each Step), so the learner sees the answer improve without redrawing.
 */
import { DrawingPad } from "../draw.js";
import { h, pct } from "../dom.js";

export class AskPad {
  #pad;
  #ask;
  #digit;
  #status;
  #bars;
  #ready = false;

  /**
   * @param {{canvas: HTMLCanvasElement, digit: HTMLOutputElement, status: HTMLElement, bars: HTMLElement,
   *          clear: HTMLButtonElement}} elements
   * @param {(strokes: number[][][]) => void} ask  send the strokes to the job
   */
  constructor({ canvas, digit, status, bars, clear }, ask) {
    this.#ask = ask;
    this.#digit = digit;
    this.#status = status;
    this.#bars = bars;
    this.#pad = new DrawingPad(canvas, (kind) => {
      clear.disabled = this.#pad.isEmpty;
      if (kind === "stroke" || kind === "undo") this.again();
      if (this.#pad.isEmpty) this.#show(null);
    });
    clear.addEventListener("click", () => this.#pad.clear());
  }

  /** Whether a job can answer (set when one starts and ends). */
  set ready(value) {
    this.#ready = value;
    if (this.#pad.isEmpty) this.#status.textContent = value ? "Draw a digit." : "Start training, then draw.";
    else if (!value) this.#status.textContent = "Start training to ask it.";
  }

  /** Ask again about the drawing on the pad, if there is one. */
  again() {
    if (this.#pad.isEmpty) return;
    if (!this.#ready) {
      this.#status.textContent = "Start training to ask it.";
      return;
    }
    this.#ask(this.#pad.strokes);
  }

  /** Show an "answer" message: {digit, probabilities}; `seen` is the examples seen so far. */
  answer({ digit, probabilities }, seen) {
    if (this.#pad.isEmpty) return;
    this.#show(digit, probabilities, seen);
  }

  /** Undo the last stroke (Ctrl Z while the pad has the focus). */
  undo() {
    this.#pad.undo();
  }

  #show(digit, probabilities = [], seen = 0) {
    this.#digit.textContent = digit === null ? "" : String(digit);
    this.#status.textContent = digit === null
      ? this.#ready ? "Draw a digit." : "Start training, then draw."
      : `It reads ${digit} (${pct(probabilities[digit])}) after ${seen.toLocaleString("en")} examples.`;
    this.#bars.replaceChildren(
      ...probabilities.map((p, k) => {
        const fill = h("span", { class: "mini-fill" });
        fill.style.transform = `scaleY(${Math.min(1, Math.max(0, p))})`;
        return h("span", { class: `mini-bar${k === digit ? " is-winner" : ""}` }, h("span", { class: "mini-track" }, fill), h("span", { class: "mini-label" }, String(k)));
      }),
    );
  }
}
