/**
 * The speed control: a slider from slow motion (one mini-batch a second, so each change can be followed)
 * to full speed (as fast as the trainer goes). Its positions are these rates; the last is full speed.
 */
const RATES = [1, 2, 5, 10, 20, 50, 100, 200, 500, null];

export class SpeedControl {
  #input;
  #output;
  #onChange;

  /**
   * @param {HTMLInputElement} input  a range input
   * @param {HTMLOutputElement} output  where the rate is written
   * @param {(batchesPerSecond: number|null) => void} onChange
   */
  constructor(input, output, onChange) {
    this.#input = input;
    this.#output = output;
    this.#onChange = onChange;
    input.min = "0";
    input.max = String(RATES.length - 1);
    input.addEventListener("input", () => {
      this.#show();
      this.#onChange(this.rate);
    });
    this.#show();
  }

  /** Mini-batches a second, or null for full speed. */
  get rate() {
    return RATES[Number(this.#input.value)] ?? null;
  }

  /** The slider's position (for the address). */
  get position() {
    return Number(this.#input.value);
  }

  set position(value) {
    if (Number.isInteger(value) && value >= 0 && value < RATES.length) {
      this.#input.value = String(value);
      this.#show();
    }
  }

  #show() {
    const rate = this.rate;
    const text = rate === null ? "full speed" : `${rate} mini-batch${rate === 1 ? "" : "es"} a second`;
    this.#output.textContent = text;
    this.#input.setAttribute("aria-valuetext", text);
  }
}
