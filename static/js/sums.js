/**
 * A neuron's weighted input z = Σ wᵢaᵢ + b, for the one neuron the page shows. The live page asks
 * for the compact answer, which carries every activation but no z (app/display.py): z is summed
 * here from the neuron's weights (GET /api/neurons) and the activations feeding it, 16-bit values
 * that put it within about 1e-4 of the server's.
 */
import { flat } from "./colors.js";

/** The activations feeding layer `layer` (the input pixels for layer 1), or null without a prediction. */
export function incoming(prediction, layer) {
  if (!prediction) return null;
  return layer === 1 ? flat(prediction.input) : prediction.layers[layer - 2].a;
}

/**
 * z of neuron `index` in layer `layer` (1 = first hidden): the answer's own z when it has one, else
 * the sum from `neuron` ({weights, bias} from /api/neurons); null when neither is at hand yet.
 */
export function weightedInput(prediction, layer, index, neuron) {
  const given = prediction?.layers[layer - 1]?.z;
  if (given) return given[index];
  const x = incoming(prediction, layer);
  if (!x || !neuron) return null;
  let sum = neuron.bias;
  for (let i = 0; i < x.length; i++) sum += neuron.weights[i] * x[i];
  return sum;
}
