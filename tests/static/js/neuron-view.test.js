// static/js/neuron-view.js: what the hover card and the inspector share, drawing again with each prediction.
import { test } from "node:test";
import assert from "node:assert/strict";

import { NeuronView } from "../../../static/js/neuron-view.js";

/** A view that counts its drawings and remembers the prediction each was drawn with. */
class Counting extends NeuronView {
  drawn = [];

  show(ref) {
    this.ref = ref;
  }

  render() {
    this.drawn.push([this.ref, this.prediction]);
  }
}

test("a newer prediction draws a view that shows a neuron again, with that prediction", () => {
  const view = new Counting(/** @type {any} */ ({ last: 2 }));
  view.show({ layer: 1, index: 3 });
  view.refresh({ digit: 7 });
  view.refresh(null);
  assert.deepEqual(view.drawn, [[{ layer: 1, index: 3 }, { digit: 7 }], [{ layer: 1, index: 3 }, null]]);
});

test("a closed view keeps the newer prediction without drawing", () => {
  const view = new Counting(/** @type {any} */ ({ last: 2 }));
  view.refresh({ digit: 4 });
  assert.deepEqual([view.drawn, view.prediction], [[], { digit: 4 }]);
});

test("a view that shows a neuron but does not draw itself says so", () => {
  const view = new NeuronView(/** @type {any} */ ({ last: 2 }));
  view.ref = { layer: 1, index: 0 };
  assert.throws(() => view.refresh(null), /NeuronView does not draw itself/);
});
