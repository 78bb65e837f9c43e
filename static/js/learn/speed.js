/**
 * The speed control: a slider from slow motion (one mini-batch a second, so each change can be followed)
 * to full speed (as fast as the trainer goes). Its positions are rates of mini-batches a second, 1, 2, 5, 10,
 * 20, 50 … within the speed range the server publishes (GET /api/learn's ranges.speed, which it checks every
 * speed against), and then full speed (null).
 */

/**
 * The slowest rate the slider offers, when the server allows it: slower, a learner waits for the next step
 * rather than follows the steps (the Step button goes one mini-batch at a time).
 */
const SLOW_MOTION = 1;

/** The mantissas of the rates, in each power of ten. */
const MANTISSAS = [1, 2, 5];

/**
 * The rates of the slider's positions: 1, 2, 5 times the powers of ten from slow motion (or the range's
 * minimum, when that is faster) up to the range's maximum, then null (full speed). A range too narrow for
 * any of them gives its maximum alone.
 * @param {{minimum: number, maximum: number}} range  mini-batches a second, both bounds allowed
 * @returns {(number|null)[]}
 */
export function speedPresets({ minimum, maximum }) {
  const slowest = Math.max(minimum, SLOW_MOTION);
  /** @type {(number|null)[]} */
  const rates = [];
  for (let power = Math.floor(Math.log10(slowest)); 10 ** power <= maximum; power += 1) {
    for (const mantissa of MANTISSAS) {
      // toPrecision: 2 × 10⁻¹ is 0.2, not 0.20000000000000004.
      const rate = Number((mantissa * 10 ** power).toPrecision(1));
      if (rate >= slowest && rate <= maximum) rates.push(rate);
    }
  }
  if (rates.length === 0) rates.push(maximum);
  rates.push(null);
  return rates;
}

export class SpeedControl {
  #input;
  #output;
  #onChange;
  #rates;

  /**
   * Make `input` a slider over speedPresets(range), at full speed until it moves.
   * @param {HTMLInputElement} input  a range input
   * @param {HTMLOutputElement} output  where the rate is written
   * @param {{minimum: number, maximum: number}} range  the speeds the server takes (GET /api/learn's ranges.speed)
   * @param {(batchesPerSecond: number|null) => void} onChange
   */
  constructor(input, output, range, onChange) {
    this.#input = input;
    this.#output = output;
    this.#onChange = onChange;
    this.#rates = speedPresets(range);
    input.min = "0";
    input.max = String(this.#rates.length - 1);
    input.value = input.max;
    input.addEventListener("input", () => {
      this.#show();
      this.#onChange(this.rate);
    });
    this.#show();
  }

  /** Mini-batches a second, or null for full speed. */
  get rate() {
    return this.#rates[Number(this.#input.value)] ?? null;
  }

  /** The slider's position (for the address). */
  get position() {
    return Number(this.#input.value);
  }

  set position(value) {
    if (Number.isInteger(value) && value >= 0 && value < this.#rates.length) {
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
