/**
 * A training job on the server: one WebSocket, whose lifetime is the job's (closing it ends the job).
 * Messages are JSON text frames, documented in docs/learn.md.
 */
export class TrainingJob {
  #socket = null;
  #handlers;

  /**
   * @param {string} path  the WebSocket's path on this origin
   * @param {{onMessage: (message: object) => void, onClose: (event: CloseEvent) => void}} handlers
   */
  constructor(path, handlers) {
    this.path = path;
    this.#handlers = handlers;
  }

  /** Whether a socket is open or opening. */
  get active() {
    return this.#socket !== null;
  }

  /** Open the socket and ask for a job with `config`, the learner's own digits and `options` (speed, paused). */
  start(config, ownDigits, options = {}) {
    this.close();
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.path}`);
    this.#socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "start", config, own_digits: ownDigits, ...options }));
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.#socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // every frame is JSON; anything else is not for us
      }
      this.#handlers.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      this.#handlers.onClose(event);
    });
  }

  /** Send one message (dropped when the socket is not open). */
  send(message) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /** Close the socket, which ends the job on the server. */
  close() {
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "reset");
  }
}
