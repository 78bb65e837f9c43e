/**
 * What the hover card and the inspector share: each shows one neuron (or none) with the last prediction,
 * and draws itself again when a newer prediction comes.
 */

/** @typedef {{layer: number, index: number}} NeuronRef */

export class NeuronView {
  /**
   * The neuron shown, or null when the view is closed.
   * @protected
   * @type {NeuronRef | null}
   */
  ref = null;

  /**
   * The prediction it is shown with (the answer of POST /predict), or null before the first drawing.
   * @protected
   * @type {any}
   */
  prediction = null;

  /**
   * @protected
   * @type {import("./shape.js").Shape}
   */
  shape;

  /** @param {import("./shape.js").Shape} shape */
  constructor(shape) {
    this.shape = shape;
  }

  /** Draw again with a newer prediction (or none), if a neuron is shown. */
  refresh(prediction) {
    this.prediction = prediction;
    if (this.ref) this.render();
  }

  /**
   * Draw the view of `this.ref` with `this.prediction`: each view draws its own.
   * @protected
   */
  render() {
    throw new Error(`${this.constructor.name} does not draw itself`);
  }
}
