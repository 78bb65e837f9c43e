/**
 * The network's shape and layer names, as the server describes them (GET /api/model, written into
 * the page's data-sizes, data-activations and data-layer-names). Nothing here is a constant: a
 * network of other sizes, or with more hidden layers, is drawn and named by the same code.
 */
export class Shape {
  /**
   * @param {{sizes: number[], activations: string[], names: string[]}} description
   *   sizes: neurons per layer, input first; activations: per layer after the input;
   *   names: per layer, input first ("input", "hidden 1", ..., "output"), the server's one naming rule.
   */
  constructor({ sizes, activations, names }) {
    this.sizes = sizes;
    this.activations = activations;
    this.names = names;
    /** The input is a side × side image, one pixel per input neuron. */
    this.side = Math.round(Math.sqrt(sizes[0]));
    this.pixels = sizes[0];
    /** One output neuron per class (digit). */
    this.classes = sizes[sizes.length - 1];
    /** The output layer's number (layer 0 is the input). */
    this.last = sizes.length - 1;
  }

  /** Read the shape from an element's data-sizes, data-activations and data-layer-names. */
  static fromDataset(dataset) {
    return new Shape({
      sizes: dataset.sizes.split(",").map(Number),
      activations: dataset.activations.split(","),
      names: dataset.layerNames.split(","),
    });
  }

  /** The layer's name as a title: "Input", "Hidden 1", "Output". */
  title(layer) {
    const name = this.names[layer];
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  /** A neuron's name: "pixel (row, col)" in the input, "output d" in the output, "hidden l · #i" otherwise. */
  neuronName(layer, index) {
    if (layer === 0) return `pixel (${Math.floor(index / this.side)}, ${index % this.side})`;
    if (layer === this.last) return `${this.names[layer]} ${index}`;
    return `${this.names[layer]} · #${index}`;
  }
}
