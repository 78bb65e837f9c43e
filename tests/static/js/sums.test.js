// static/js/sums.js: the shown neuron's z, summed from its weights and the activations feeding it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { weightedInput, incoming } from "../../../static/js/sums.js";

const prediction = {
  input: [[0, 0.5], [1, 0]],
  layers: [{ a: [0.25, 0.75, 0.5] }, { a: [0.1, 0.9] }],
};

test("layer 1 is fed by the input pixels, a later layer by the layer before it", () => {
  assert.deepEqual(incoming(prediction, 1), [0, 0.5, 1, 0]);
  assert.deepEqual(incoming(prediction, 2), [0.25, 0.75, 0.5]);
  assert.equal(incoming(null, 1), null);
});

test("z is the sum of the weights times the activations feeding the neuron, plus b", () => {
  const neuron = { weights: [2, -4, 8], bias: 0.5 };
  assert.equal(weightedInput(prediction, 2, 0, neuron), 0.5 + 2 * 0.25 - 4 * 0.75 + 8 * 0.5);
  assert.equal(weightedInput(prediction, 1, 1, { weights: [1, 2, 3, 4], bias: -1 }), -1 + 2 * 0.5 + 3 * 1);
});

test("an answer's own z wins; without weights yet there is no z", () => {
  const full = { ...prediction, layers: [{ a: [0.25], z: [-1.5] }, { a: [0.1, 0.9] }] };
  assert.equal(weightedInput(full, 1, 0, null), -1.5);
  assert.equal(weightedInput(prediction, 2, 0, undefined), null);
});
