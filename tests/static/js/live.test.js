// static/js/live.js: one request at a time, a trailing request for the latest drawing, no stale answer applied.
import { test } from "node:test";
import assert from "node:assert/strict";

import { LivePredictor } from "../../../static/js/live.js";

/** A server whose answers the test releases by hand: sent[i] is the i-th request, with resolve and reject. */
function server() {
  const sent = [];
  const send = (body, signal) =>
    new Promise((resolve, reject) => {
      const request = { body, signal, resolve, reject };
      signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
      sent.push(request);
    });
  return { sent, send };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

test("one request in flight; the drawings asked for meanwhile become one trailing request for the latest", async () => {
  const { sent, send } = server();
  const results = [];
  const live = new LivePredictor({ send, onResult: (r, body) => results.push([r, body.n]), onError: assert.fail, interval: 0 });
  live.request(() => ({ n: 1 }), { now: true });
  live.request(() => ({ n: 2 }));
  live.request(() => ({ n: 3 }));
  assert.equal(sent.length, 1);
  sent[0].resolve("first");
  await settle();
  assert.deepEqual(sent.map((r) => r.body.n), [1, 3]); // 2 was never sent: 3 replaced it
  sent[1].resolve("third");
  await settle();
  assert.deepEqual(results, [["first", 1], ["third", 3]]);
});

test("after cancel, an answer already on its way is ignored and the request is aborted", async () => {
  const { sent, send } = server();
  const results = [];
  const errors = [];
  const live = new LivePredictor({ send, onResult: (r) => results.push(r), onError: (e) => errors.push(e), interval: 0 });
  live.request(() => ({ n: 1 }), { now: true });
  live.cancel();
  assert.equal(sent[0].signal.aborted, true);
  await settle();
  assert.deepEqual([results, errors], [[], []]); // the AbortError is no error to show
  live.request(() => ({ n: 2 }), { now: true });
  sent[1].resolve("fresh");
  await settle();
  assert.deepEqual(results, ["fresh"]);
});

test("an error of the latest request is reported; requests are spaced by the interval", async () => {
  const { sent, send } = server();
  const errors = [];
  const live = new LivePredictor({ send, onResult: () => {}, onError: (e) => errors.push(e.message), interval: 40 });
  live.request(() => ({ n: 1 }), { now: true });
  sent[0].reject(new Error("422: no ink"));
  await settle();
  assert.deepEqual(errors, ["422: no ink"]);
  live.request(() => ({ n: 2 }));
  await settle();
  assert.equal(sent.length, 1, "the second request waits for the interval");
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(sent.length, 2);
});
