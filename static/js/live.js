/**
 * Live prediction scheduling: at most one request in flight, at most one every `interval` ms,
 * and a trailing request for the latest drawing. Every request has a sequence number; an answer
 * is applied only if it is newer than the last applied one and newer than the last cancel, so a
 * late answer about an older drawing never overwrites a newer one.
 */
export class LivePredictor {
  #send;
  #onResult;
  #onError;
  #interval;
  #makeBody = null; // pending request: a function that builds the body at send time
  #inFlight = null; // AbortController of the request in flight
  #timer = 0;
  #lastSent = -Infinity;
  #seq = 0;
  #applied = 0;
  #cancelledAt = 0;

  /**
   * @param {{send: (body: object, signal: AbortSignal) => Promise<object>,
   *          onResult: (result: object, body: object) => void,
   *          onError: (error: Error) => void, interval?: number}} options
   */
  constructor({ send, onResult, onError, interval = 70 }) {
    this.#send = send;
    this.#onResult = onResult;
    this.#onError = onError;
    this.#interval = interval;
  }

  /** Ask for a prediction; `makeBody` is called when the request is actually sent. */
  request(makeBody, { now = false } = {}) {
    this.#makeBody = makeBody;
    if (now) this.#lastSent = -Infinity;
    this.#pump();
  }

  /** Drop the pending request and abort the one in flight; answers already on their way are ignored. */
  cancel() {
    this.#makeBody = null;
    clearTimeout(this.#timer);
    this.#timer = 0;
    this.#inFlight?.abort();
    this.#inFlight = null;
    this.#cancelledAt = this.#seq;
  }

  #pump() {
    if (this.#inFlight || !this.#makeBody) return;
    const wait = this.#lastSent + this.#interval - performance.now();
    if (wait > 0) {
      this.#timer ||= setTimeout(() => {
        this.#timer = 0;
        this.#pump();
      }, wait);
      return;
    }
    const body = this.#makeBody();
    this.#makeBody = null;
    const seq = ++this.#seq;
    const controller = new AbortController();
    this.#inFlight = controller;
    this.#lastSent = performance.now();
    this.#send(body, controller.signal)
      .then((result) => {
        if (seq > this.#applied && seq > this.#cancelledAt) {
          this.#applied = seq;
          this.#onResult(result, body);
        }
      })
      .catch((error) => {
        if (error.name !== "AbortError" && seq > this.#cancelledAt) this.#onError(error);
      })
      .finally(() => {
        if (this.#inFlight === controller) this.#inFlight = null;
        this.#pump();
      });
  }
}
