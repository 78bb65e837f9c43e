// static/js/colors.js: the colour scales and their helpers (the canvas painting needs a browser).
import { test } from "node:test";
import assert from "node:assert/strict";

import { activationRGB, css, divergingRGB, flat, isDark, maxAbs } from "../../../static/js/colors.js";

test("activations run from pale paper at 0 to ink at 1, clamped, through the stops", () => {
  assert.deepEqual(activationRGB(0), [243, 244, 249]);
  assert.deepEqual(activationRGB(1), [27, 24, 74]);
  assert.deepEqual(activationRGB(0.65), [88, 80, 230]);
  assert.deepEqual(activationRGB(-3), activationRGB(0));
  assert.deepEqual(activationRGB(7), activationRGB(1));
  assert.deepEqual(activationRGB(Number.NaN), activationRGB(0));
  const middle = activationRGB(0.15); // halfway between the first two stops
  assert.deepEqual(middle, [212, 217, 250]);
});

test("signed values are rose below 0, white at 0 and teal above, by the square root of |v|", () => {
  assert.deepEqual(divergingRGB(0), [247, 247, 248]);
  assert.deepEqual(divergingRGB(1), [13, 148, 136]);
  assert.deepEqual(divergingRGB(-1), [225, 29, 72]);
  assert.deepEqual(divergingRGB(-5), divergingRGB(-1));
  // sqrt: a quarter of the way in value is half the way in colour.
  assert.deepEqual(divergingRGB(0.25), [130, 198, 192]);
});

test("css, isDark, maxAbs and flat", () => {
  assert.equal(css([1, 2, 3]), "rgb(1 2 3)");
  assert.equal(isDark(activationRGB(1)), true);
  assert.equal(isDark(activationRGB(0)), false);
  assert.equal(maxAbs([0.5, -2, 1]), 2);
  assert.ok(maxAbs([0, 0]) > 0, "at least a tiny epsilon, so it can divide");
  assert.deepEqual(flat([[1, 2], [3, 4]]), [1, 2, 3, 4]);
  assert.deepEqual(flat(new Float32Array([1, 2])), [1, 2]);
});
