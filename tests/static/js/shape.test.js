// static/js/shape.js: the network's shape and names as the server describes them, for any sizes.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Shape } from "../../../static/js/shape.js";

const shape = new Shape({
  sizes: [784, 1200, 400, 10],
  activations: ["sigmoid", "sigmoid", "softmax"],
  names: ["input", "hidden 1", "hidden 2", "output"],
});

test("the input side, the pixel and class counts and the last layer come from the sizes", () => {
  assert.deepEqual([shape.side, shape.pixels, shape.classes, shape.last], [28, 784, 10, 3]);
  const small = new Shape({ sizes: [64, 5, 3], activations: ["sigmoid", "softmax"], names: ["input", "hidden 1", "output"] });
  assert.deepEqual([small.side, small.pixels, small.classes, small.last], [8, 64, 3, 2]);
});

test("neurons are named by layer: a pixel by its row and column, an output by its class", () => {
  assert.equal(shape.neuronName(0, 59), "pixel (2, 3)");
  assert.equal(shape.neuronName(2, 17), "hidden 2 · #17");
  assert.equal(shape.neuronName(3, 7), "output 7");
  assert.equal(shape.title(1), "Hidden 1");
});

test("the shape reads the page's data attributes", () => {
  const read = Shape.fromDataset({ sizes: "784,30,10", activations: "sigmoid,softmax", layerNames: "input,hidden 1,output" });
  assert.deepEqual(read.sizes, [784, 30, 10]);
  assert.deepEqual(read.names, ["input", "hidden 1", "output"]);
  assert.equal(read.last, 2);
});
