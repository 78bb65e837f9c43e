/**
 * The settings form and the page's address: the form's inputs carry the limits and the defaults (the
 * server writes them into the page), the address carries the choices, so a link reproduces a run.
 *
 *   /learn?hidden=30,20&cost=cross-entropy&eta=0.5&m=10&n=10000&seed=1&mix=0.1&speed=9
 */

/** Address parameter → form input name (the widths are `hidden`, handled apart). */
const PARAMS = { cost: "cost", eta: "eta", m: "batch_size", n: "train_size", seed: "seed", mix: "own_mix" };

export class SettingsForm {
  #form;
  #onChange;
  #architecture;
  #error;
  #pixels;
  #classes;

  /**
   * @param {HTMLFormElement} form
   * @param {{pixels: number, classes: number, architecture: HTMLElement, error: HTMLElement,
   *          onChange: () => void}} options
   */
  constructor(form, { pixels, classes, architecture, error, onChange }) {
    this.#form = form;
    this.#pixels = pixels;
    this.#classes = classes;
    this.#architecture = architecture;
    this.#error = error;
    this.#onChange = onChange;
    form.addEventListener("input", () => this.#changed());
    form.addEventListener("change", () => this.#changed());
    form.addEventListener("submit", (e) => e.preventDefault());
  }

  /**
   * The form's control called `name`: an input, or the RadioNodeList of a group of radio buttons.
   * @returns {any}
   */
  #input(name) {
    return this.#form.elements.namedItem(name);
  }

  /** The number of hidden layers chosen. */
  get layers() {
    return Number(this.#input("layers").value);
  }

  /** The widths inputs, one per possible hidden layer. */
  get #widthInputs() {
    return [...this.#form.querySelectorAll("input[name^='width']")].map((e) => /** @type {HTMLInputElement} */ (e));
  }

  /** The layer sizes this run will train, input first. */
  get sizes() {
    const hidden = this.#widthInputs.slice(0, this.layers).map((input) => Number(input.value));
    return [this.#pixels, ...hidden, this.#classes];
  }

  /** The configuration the "start" message sends. */
  get config() {
    const number = (name) => Number(this.#input(name).value);
    return {
      hidden: this.sizes.slice(1, -1),
      cost: this.#input("cost").value,
      eta: number("eta"),
      batch_size: number("batch_size"),
      train_size: number("train_size"),
      seed: number("seed"),
      own_mix: number("own_mix"),
    };
  }

  /** The first problem with the settings as a sentence, or null when they can be sent. */
  problem() {
    for (const input of this.#form.querySelectorAll("input")) {
      if (input.disabled || input.checkValidity()) continue;
      const name = input.closest("label")?.querySelector("span")?.textContent.trim() ?? input.name;
      return `${name}: ${input.min && input.max ? `a number from ${input.min} to ${input.max}` : input.validationMessage}.`;
    }
    return null;
  }

  /** Enable or disable every setting (they are fixed while a job runs). */
  set disabled(value) {
    for (const fieldset of this.#form.querySelectorAll("fieldset")) fieldset.disabled = value;
    for (const input of this.#form.querySelectorAll(".field-row input")) /** @type {HTMLInputElement} */ (input).disabled = value;
    this.#input("own_mix").disabled = value;
    if (!value) this.#showLayers();
  }

  /** Set the inputs from an address's query string; unknown or out-of-range values keep the default. */
  read(search) {
    const params = new URLSearchParams(search);
    const hidden = params.get("hidden");
    if (hidden) {
      const widths = hidden.split(",").map(Number);
      const inputs = this.#widthInputs;
      if (widths.length >= 1 && widths.length <= inputs.length && widths.every(Number.isInteger)) {
        this.#input("layers").value = String(widths.length);
        widths.forEach((w, i) => this.#setIfValid(inputs[i], String(w)));
      }
    }
    for (const [param, name] of Object.entries(PARAMS)) {
      if (params.has(param)) this.#setIfValid(this.#input(name), params.get(param));
    }
    this.#showLayers();
  }

  #setIfValid(input, value) {
    if (input instanceof RadioNodeList) {
      const radio = [...input].find((r) => r.value === value);
      if (radio) radio.checked = true;
      return;
    }
    const before = input.value;
    input.value = value;
    if (!input.checkValidity() || input.value === "") input.value = before;
  }

  /** The query string of the current settings (plus `extra` parameters, e.g. the speed). */
  query(extra = {}) {
    const params = new URLSearchParams();
    params.set("hidden", this.sizes.slice(1, -1).join(","));
    for (const [param, name] of Object.entries(PARAMS)) params.set(param, this.#input(name).value);
    for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
    return `?${params}`;
  }

  #changed() {
    this.#showLayers();
    this.#error.textContent = "";
    this.#onChange();
  }

  /** Show only the widths of the chosen layers, and the architecture they make. */
  #showLayers() {
    this.#widthInputs.forEach((input, i) => {
      const field = /** @type {HTMLElement} */ (input.closest(".field"));
      field.hidden = i >= this.layers;
      input.disabled = i >= this.layers || this.#form.querySelector("fieldset").disabled;
    });
    const mix = this.#input("own_mix");
    this.#form.querySelector(`output[for='${mix.id}']`).textContent = `${Math.round(Number(mix.value) * 100)}%`;
    this.#architecture.textContent = this.sizes.join("–");
  }

  /** The settings in one line: "784–30–10 · quadratic · η = 3 · m = 10 · 10000 examples · seed 0". */
  get summary() {
    const c = this.config;
    return `${this.sizes.join("–")} · ${c.cost} · η = ${c.eta} · m = ${c.batch_size} · ${c.train_size} examples · seed ${c.seed}`;
  }

  /** Show a problem (or clear it with null). */
  showProblem(text) {
    this.#error.textContent = text ?? "";
  }
}
