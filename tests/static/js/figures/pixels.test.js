// static/js/figures/pixels.js: the arrow keys move the lens's cursor one cell, and stop at the grid's edges.
import { test } from "node:test";
import assert from "node:assert/strict";

import { moveCell } from "../../../../static/js/figures/pixels.js";

test("arrow keys move one cell and stop at the edges; other keys do not move", () => {
  const side = 28;
  assert.equal(moveCell(30, "ArrowRight", side), 31);
  assert.equal(moveCell(30, "ArrowDown", side), 58);
  assert.equal(moveCell(27, "ArrowRight", side), 27); // the end of row 0
  assert.equal(moveCell(28, "ArrowLeft", side), 28); // the start of row 1
  assert.equal(moveCell(5, "ArrowUp", side), 5);
  assert.equal(moveCell(783, "ArrowDown", side), 783);
  assert.equal(moveCell(30, "Enter", side), null);
});
