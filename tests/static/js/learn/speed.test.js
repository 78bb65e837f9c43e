// static/js/learn/speed.js: the slider's positions, from one mini-batch a second to full speed.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SpeedControl } from "../../../../static/js/learn/speed.js";

/** A range input and an output, as much of them as SpeedControl uses. */
function fakes(value) {
  const listeners = {};
  const attributes = {};
  const input = {
    value,
    min: "",
    max: "",
    addEventListener: (type, listener) => (listeners[type] = listener),
    setAttribute: (name, text) => (attributes[name] = text),
  };
  return { input, output: { textContent: "" }, listeners, attributes };
}

test("the first position is one mini-batch a second, the last full speed (null)", () => {
  const { input, output, attributes } = fakes("0");
  const speed = new SpeedControl(input, output, () => {});
  assert.equal(speed.rate, 1);
  assert.equal(output.textContent, "1 mini-batch a second");
  assert.equal(attributes["aria-valuetext"], "1 mini-batch a second");
  speed.position = Number(input.max);
  assert.equal(speed.rate, null);
  assert.equal(output.textContent, "full speed");
});

test("moving the slider reports the rate; a position outside the slider is ignored", () => {
  const { input, output, listeners } = fakes("0");
  const rates = [];
  const speed = new SpeedControl(input, output, (rate) => rates.push(rate));
  input.value = "3";
  listeners.input();
  assert.deepEqual(rates, [10]);
  assert.equal(output.textContent, "10 mini-batches a second");
  speed.position = 99;
  speed.position = -1;
  assert.equal(speed.position, 3);
});
