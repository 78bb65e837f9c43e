// static/js/api.js: a display answer (app/display.py) unpacked into the full answer's shape.
import { test } from "node:test";
import assert from "node:assert/strict";

import { unpack } from "../../../static/js/api.js";

const base64 = (bytes) => Buffer.from(bytes).toString("base64");
const u16 = (values) => base64(new Uint8Array(new Uint16Array(values).buffer)); // little-endian, as x86 and ARM

test("the input's mask and values, every layer's a and the saliency map come back as numbers", () => {
  const answer = {
    digit: 1,
    probabilities: [0.25, 0.75],
    display: {
      // pixels 1, 8 and 9 inked (bits 1 of byte 0, 0 and 1 of byte 1) of 10
      input: { pixels: 10, mask: base64([0b10, 0b11]), values: u16([65535, 0, 32768]) },
      activations: [u16([0, 65535, 13107]), u16([16384, 49151])],
      saliency: base64(new Uint8Array(new Int8Array([127, -127, 0, 64]).buffer)),
      saliency_scale: 2,
    },
  };
  const got = unpack(answer);
  assert.equal(got.display, undefined);
  assert.deepEqual([got.digit, got.probabilities], [1, [0.25, 0.75]]);
  assert.deepEqual(got.input, [0, 1, 0, 0, 0, 0, 0, 0, 0, 32768 / 65535]);
  assert.deepEqual(got.layers.map((l) => l.a), [[0, 1, 0.2], [16384 / 65535, 49151 / 65535]]);
  assert.deepEqual(got.saliency, [2, -2, 0, (64 * 2) / 127]);
});

test("an answer without display is returned as it is", () => {
  const full = { digit: 3, layers: [{ z: [1], a: [0.7] }] };
  assert.equal(unpack(full), full);
});
