// static/js/learn/step.js: the numbers of the step written out, as the formulas show them.
import { test } from "node:test";
import assert from "node:assert/strict";

import { num } from "../../../../static/js/learn/step.js";

test("numbers keep four significant digits, with a real minus sign and no trailing zeros", () => {
  assert.equal(num(0), "0");
  assert.equal(num(0.5), "0.5");
  assert.equal(num(3), "3");
  assert.equal(num(-1.23456), "−1.235");
  assert.equal(num(0.0012345), "0.001234");
});

test("very small and very large numbers are written ×10ⁿ", () => {
  assert.equal(num(1.2e-5), "1.200×10⁻⁵");
  assert.equal(num(-3.5e-12), "−3.500×10⁻¹²");
  assert.equal(num(56789), "5.679×10⁴");
});

test("a number that is not finite is a dash", () => {
  assert.equal(num(NaN), "—");
  assert.equal(num(Infinity), "—");
});
