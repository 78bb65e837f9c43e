// static/js/learn/speed.js: the slider's positions, from one mini-batch a second to full speed, within the speeds
// the server publishes (GET /api/learn's ranges.speed).
import { test } from "node:test";
import assert from "node:assert/strict";

import { SpeedControl, speedPresets } from "../../../../static/js/learn/speed.js";

/** The speed range app/learn/ranges.py publishes today (tests/app/learn/test_socket.py checks the page carries it). */
const PUBLISHED = { minimum: 0.1, maximum: 1000 };

/** A range input and an output, as much of them as SpeedControl uses. */
function fakes() {
  const listeners = {};
  const attributes = {};
  const input = {
    value: "50",
    min: "",
    max: "",
    addEventListener: (type, listener) => (listeners[type] = listener),
    setAttribute: (name, text) => (attributes[name] = text),
  };
  return { input, output: { textContent: "" }, listeners, attributes };
}

test("the presets go 1, 2, 5 from one mini-batch a second to the range's maximum, then full speed", () => {
  assert.deepEqual(speedPresets(PUBLISHED), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, null]);
  assert.deepEqual(speedPresets({ minimum: 0.1, maximum: 100 }), [1, 2, 5, 10, 20, 50, 100, null]);
  assert.deepEqual(speedPresets({ minimum: 0.1, maximum: 300 }), [1, 2, 5, 10, 20, 50, 100, 200, null]);
});

test("a range whose minimum is faster than slow motion starts there; one too narrow gives its maximum", () => {
  assert.deepEqual(speedPresets({ minimum: 2, maximum: 30 }), [2, 5, 10, 20, null]);
  assert.deepEqual(speedPresets({ minimum: 3, maximum: 60 }), [5, 10, 20, 50, null]);
  assert.deepEqual(speedPresets({ minimum: 3, maximum: 4 }), [4, null]);
  assert.deepEqual(speedPresets({ minimum: 0.1, maximum: 0.5 }), [0.5, null]);
});

test("every preset is a speed the range allows, in order", () => {
  for (const range of [PUBLISHED, { minimum: 0.1, maximum: 7 }, { minimum: 1.5, maximum: 2500 }, { minimum: 0.01, maximum: 1e6 }]) {
    const rates = speedPresets(range);
    assert.equal(rates.at(-1), null);
    const numbers = /** @type {number[]} */ (rates.slice(0, -1));
    assert.ok(numbers.length > 0, JSON.stringify(range));
    for (const [i, rate] of numbers.entries()) {
      assert.ok(rate >= range.minimum && rate <= range.maximum, `${rate} outside ${JSON.stringify(range)}`);
      if (i > 0) assert.ok(rate > numbers[i - 1], JSON.stringify(rates));
    }
  }
});

test("the slider starts at full speed; its first position is one mini-batch a second", () => {
  const { input, output, attributes } = fakes();
  const speed = new SpeedControl(input, output, PUBLISHED, () => {});
  assert.equal(input.min, "0");
  assert.equal(input.max, "10");
  assert.equal(speed.position, 10);
  assert.equal(speed.rate, null);
  assert.equal(output.textContent, "full speed");
  speed.position = 0;
  assert.equal(speed.rate, 1);
  assert.equal(output.textContent, "1 mini-batch a second");
  assert.equal(attributes["aria-valuetext"], "1 mini-batch a second");
});

test("a server that takes at most 100 a second gets a slider whose fastest rate is 100", () => {
  const { input, output } = fakes();
  const speed = new SpeedControl(input, output, { minimum: 0.1, maximum: 100 }, () => {});
  assert.equal(input.max, "7");
  speed.position = 6;
  assert.equal(speed.rate, 100);
  assert.equal(output.textContent, "100 mini-batches a second");
});

test("moving the slider reports the rate; a position outside the slider is ignored", () => {
  const { input, output, listeners } = fakes();
  const rates = [];
  const speed = new SpeedControl(input, output, PUBLISHED, (rate) => rates.push(rate));
  input.value = "3";
  listeners.input();
  assert.deepEqual(rates, [10]);
  assert.equal(output.textContent, "10 mini-batches a second");
  speed.position = 99;
  speed.position = -1;
  speed.position = 11;
  assert.equal(speed.position, 3);
});
