/**
 * The drawing pad: Pointer Events (mouse, touch, stylus), one pointer at a time, smooth
 * quadratic-midpoint strokes on a devicePixelRatio-sharp canvas that follows its CSS size.
 * Strokes are kept as raw points in CSS pixels, which is what the server receives.
 */

/** Pen width as a fraction of the pad's side (display only; the server draws its own). */
const PEN_FRACTION = 0.055;

export class DrawingPad {
  /** @type {number[][][]} strokes of [x, y] points in the CSS pixels of `#frame` */
  #strokes = [];
  #current = null;
  #pointerId = null;
  #frame = 0; // CSS width the points are expressed in (the width when the first point was drawn)
  #raf = 0;
  #canvas;
  #ctx;
  #onChange;

  /**
   * @param {HTMLCanvasElement} canvas
   * @param {(kind: "progress"|"stroke"|"undo"|"clear") => void} onChange
   */
  constructor(canvas, onChange) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d");
    this.#onChange = onChange;
    canvas.addEventListener("pointerdown", (e) => this.#down(e));
    canvas.addEventListener("pointermove", (e) => this.#move(e));
    canvas.addEventListener("pointerup", (e) => this.#up(e));
    canvas.addEventListener("pointercancel", (e) => this.#up(e));
    canvas.addEventListener("lostpointercapture", (e) => this.#up(e));
    canvas.addEventListener("contextmenu", (e) => e.preventDefault());
    new ResizeObserver(() => this.#resize()).observe(canvas);
    matchMedia(`(resolution: ${devicePixelRatio}dppx)`).addEventListener?.("change", () => this.#resize());
    this.#resize();
  }

  /** The strokes drawn so far (finished ones plus the one in progress), as raw CSS-pixel points. */
  get strokes() {
    const all = this.#current ? [...this.#strokes, this.#current] : this.#strokes;
    return all.map((stroke) => stroke.map(([x, y]) => [round2(x), round2(y)]));
  }

  /** Whether there is any ink. */
  get isEmpty() {
    return this.#strokes.length === 0 && !this.#current;
  }

  /** Number of finished strokes. */
  get strokeCount() {
    return this.#strokes.length;
  }

  /** Remove the last finished stroke. */
  undo() {
    if (this.#current || this.#strokes.length === 0) return;
    this.#strokes.pop();
    this.#schedule();
    this.#onChange("undo");
  }

  /** Replace the drawing with `strokes`, given in the CSS pixels of a pad `frame` wide (shown scaled to this one). */
  load(strokes, frame) {
    this.#endPointer();
    this.#strokes = strokes.map((stroke) => stroke.map(([x, y]) => [x, y]));
    this.#frame = frame;
    this.#schedule();
  }

  /** Remove every stroke. */
  clear() {
    if (this.isEmpty) return;
    this.#endPointer();
    this.#strokes = [];
    this.#current = null;
    this.#schedule();
    this.#onChange("clear");
  }

  #point(event) {
    const rect = this.#canvas.getBoundingClientRect();
    if (this.isEmpty) this.#frame = rect.width;
    const k = this.#frame / rect.width;
    return [(event.clientX - rect.left) * k, (event.clientY - rect.top) * k];
  }

  #down(event) {
    if (this.#pointerId !== null) return; // a second finger or pen: ignore
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    this.#pointerId = event.pointerId;
    this.#canvas.setPointerCapture(event.pointerId);
    this.#current = [this.#point(event)];
    this.#schedule();
    this.#onChange("progress");
  }

  #move(event) {
    if (event.pointerId !== this.#pointerId || !this.#current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length ? events : [event]) {
      const [x, y] = this.#point(e);
      const [px, py] = this.#current.at(-1);
      if (Math.hypot(x - px, y - py) >= 1) this.#current.push([x, y]);
    }
    this.#schedule();
    this.#onChange("progress");
  }

  #up(event) {
    if (event.pointerId !== this.#pointerId) return;
    const stroke = this.#current;
    this.#endPointer();
    if (stroke) {
      this.#strokes.push(stroke);
      this.#schedule();
      this.#onChange("stroke");
    }
  }

  #endPointer() {
    if (this.#pointerId !== null && this.#canvas.hasPointerCapture?.(this.#pointerId)) {
      this.#canvas.releasePointerCapture(this.#pointerId);
    }
    this.#pointerId = null;
    this.#current = null;
  }

  #resize() {
    const rect = this.#canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width * dpr));
    const height = Math.max(1, Math.round(rect.height * dpr));
    if (this.#canvas.width !== width || this.#canvas.height !== height) {
      this.#canvas.width = width;
      this.#canvas.height = height;
    }
    this.#render();
  }

  #schedule() {
    if (!this.#raf) this.#raf = requestAnimationFrame(() => this.#render());
  }

  #render() {
    this.#raf = 0;
    const { width, height } = this.#canvas;
    const ctx = this.#ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cssWidth = this.#canvas.getBoundingClientRect().width || 1;
    const scale = width / (this.#frame || cssWidth);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    const pen = (PEN_FRACTION * width) / scale;
    ctx.lineWidth = pen;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = ctx.fillStyle = getComputedStyle(this.#canvas).color || "#1b1d2a";
    const strokes = this.#current ? [...this.#strokes, this.#current] : this.#strokes;
    for (const stroke of strokes) drawStroke(ctx, stroke, pen);
    this.#canvas.dataset.strokes = String(this.#strokes.length);
    this.#canvas.closest(".pad")?.classList.toggle("has-ink", strokes.length > 0);
  }
}

/** Draw one stroke with quadratic curves through the midpoints of successive points. */
function drawStroke(ctx, points, pen) {
  if (points.length === 1) {
    const [x, y] = points[0];
    ctx.beginPath();
    ctx.arc(x, y, pen / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(points[0][0], points[0][1]);
  for (let i = 1; i < points.length - 1; i++) {
    const [x, y] = points[i];
    const [nx, ny] = points[i + 1];
    ctx.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
  }
  const [lx, ly] = points.at(-1);
  ctx.lineTo(lx, ly);
  ctx.stroke();
}

const round2 = (v) => Math.round(v * 100) / 100;
