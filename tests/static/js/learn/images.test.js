// static/js/learn/images.js: the trainer's base64 bytes and lists turned into numbers.
import { test } from "node:test";
import assert from "node:assert/strict";

import { bytesOf, sideOf, valuesOf } from "../../../../static/js/learn/images.js";

const base64 = (bytes) => Buffer.from(bytes).toString("base64");

test("base64 becomes its bytes", () => {
  assert.deepEqual([...bytesOf(base64([0, 1, 2, 255]))], [0, 1, 2, 255]);
});

test("bytes are spread back linearly over [min, max], as the snapshot encodes the weights", () => {
  assert.deepEqual([...valuesOf(base64([0, 51, 255]), -1, 1)], [-1, -0.6, 1].map(Math.fround));
  assert.deepEqual([...valuesOf(base64([0, 255]))], [0, 255]);
});

test("a list is taken as it is", () => {
  assert.deepEqual([...valuesOf([0.25, -2])], [0.25, -2]);
});

test("the side of a square image comes from its length", () => {
  assert.equal(sideOf(784), 28);
  assert.equal(sideOf(64), 8);
});
