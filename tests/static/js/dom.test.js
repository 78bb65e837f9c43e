// static/js/dom.js: the number formats the pages show (h() needs a document).
import { test } from "node:test";
import assert from "node:assert/strict";

import { digest, fmt, pct, signed } from "../../../static/js/dom.js";

test("numbers have a real minus sign, and no sign when they round to 0", () => {
  assert.equal(fmt(-0.25), "−0.250");
  assert.equal(fmt(1.23456, 2), "1.23");
  assert.equal(fmt(-0.0001), "0.000");
  assert.equal(fmt(Number.NaN), "—");
  assert.equal(signed(0.412), "+0.412");
  assert.equal(signed(-0.031), "−0.031");
  assert.equal(pct(0.954), "95.4%");
});

test("the digest changes with the values and their order, not with noise below its decimals", () => {
  assert.equal(digest([0.1, 0.2]), digest([0.1, 0.20000001]));
  assert.notEqual(digest([0.1, 0.2]), digest([0.2, 0.1]));
  assert.notEqual(digest([0.1, 0.2]), digest([0.1, 0.21]));
});
