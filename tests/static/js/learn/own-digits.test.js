// static/js/learn/own-digits.js: the JSON file of "your digits", checked when it is imported or read back.
import { test } from "node:test";
import assert from "node:assert/strict";

import { parseDigits } from "../../../../static/js/learn/own-digits.js";

const three = { label: 3, strokes: [[[10, 20], [12.5, 40]], [[5, 5]]] };

test("the exported format and a bare list are both read", () => {
  assert.deepEqual(parseDigits({ format: "digit-reader/your-digits", version: 1, digits: [three] }, 10), [three]);
  assert.deepEqual(parseDigits([three], 10), [three]);
});

test("only the label and the strokes are kept", () => {
  assert.deepEqual(parseDigits([{ ...three, extra: "x" }], 10), [three]);
});

test("a label outside the classes, or strokes that are not [x, y] points, are refused with the digit's number", () => {
  assert.throws(() => parseDigits([three, { ...three, label: 10 }], 10), /digit 2 needs a label from 0 to 9/);
  assert.throws(() => parseDigits([{ label: 1, strokes: [[[1, 2, 3]]] }], 10), /digit 1/);
  assert.throws(() => parseDigits([{ label: 1, strokes: [] }], 10), /digit 1/);
  assert.throws(() => parseDigits([{ label: 1, strokes: [[[1, NaN]]] }], 10), /digit 1/);
});

test("anything else is not a file of your digits", () => {
  assert.throws(() => parseDigits({ digits: 3 }, 10), /not a file of your digits/);
  assert.throws(() => parseDigits(null, 10), /not a file of your digits/);
});
