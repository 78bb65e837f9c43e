// static/js/learn/plot.js: the x axis's labels.
import { test } from "node:test";
import assert from "node:assert/strict";

import { compact } from "../../../../static/js/learn/plot.js";

test("examples seen are written short", () => {
  assert.equal(compact(0), "0");
  assert.equal(compact(800), "800");
  assert.equal(compact(12000), "12k");
  assert.equal(compact(2500), "2.5k");
  assert.equal(compact(1500000), "1.5M");
});
