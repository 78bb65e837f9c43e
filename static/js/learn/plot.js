/**
 * A line plot that grows: series of (examples seen, value) points drawn on a devicePixelRatio-sharp canvas
 * that follows its CSS size. Redraws are coalesced to one per animation frame.
 */

const FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const MARGIN = { left: 44, right: 10, top: 10, bottom: 22 };

/** "12k", "1.5M", "800". */
export function compact(n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** A "nice" step for about `count` ticks over [0, span]. */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = [1, 2, 2.5, 5, 10].find((u) => u * power >= raw) ?? 10;
  return unit * power;
}

/** Ticks at multiples of a nice step over [low, high]. */
function linearTicks(low, high) {
  const step = niceStep(high - low, 4);
  const ticks = [];
  for (let y = Math.ceil(low / step) * step; y <= high + 1e-9; y += step) ticks.push(y);
  return ticks;
}

/** Ticks at 1, 2 and 5 times the powers of ten between 10^low and 10^high (fewer when the span is wide). */
function logTicks(low, high) {
  const units = high - low > 2 ? [1] : [1, 2, 5];
  const ticks = [];
  for (let k = Math.floor(low); k <= Math.ceil(high); k++) {
    for (const u of units) {
      const v = u * 10 ** k;
      if (Math.log10(v) >= low - 1e-9 && Math.log10(v) <= high + 1e-9) ticks.push(v);
    }
  }
  return ticks;
}

export class LinePlot {
  #canvas;
  #ctx;
  #series;
  #format;
  #range;
  #log;
  #raf = 0;

  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{series: {key: string, colour: string, dash?: number[]}[],
   *          format: (v: number) => string,
   *          range: (values: number[]) => [number, number], log?: boolean}} options
   *   colour: a CSS custom property of the canvas (e.g. "--series-train"), which the legend's keys share;
   *   format: a y tick's label; range: the y axis's [low, high] for the values shown; log: a logarithmic y axis
   *   (a cost falls by orders of magnitude; values ≤ 0 are then left out)
   */
  constructor(canvas, { series, format, range, log = false }) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d");
    this.#series = series.map((s) => ({ ...s, points: [] }));
    this.#format = format;
    this.#range = range;
    this.#log = log;
    new ResizeObserver(() => this.#schedule()).observe(canvas);
  }

  /** Add a point to the series `key` (a null or non-finite value is skipped; a second value at the same x replaces the first). */
  add(key, x, y) {
    if (y === null || y === undefined || !Number.isFinite(y) || (this.#log && y <= 0)) return;
    const points = this.#series.find((s) => s.key === key)?.points;
    if (!points) return;
    if (points.at(-1)?.[0] === x) points.at(-1)[1] = y;
    else points.push([x, y]);
    this.#schedule();
  }

  /** The last value of a series, or null. */
  last(key) {
    return this.#series.find((s) => s.key === key)?.points.at(-1)?.[1] ?? null;
  }

  /** The number of points of a series. */
  count(key) {
    return this.#series.find((s) => s.key === key)?.points.length ?? 0;
  }

  /** Remove every point. */
  clear() {
    for (const s of this.#series) s.points = [];
    this.#schedule();
  }

  #schedule() {
    if (!this.#raf) this.#raf = requestAnimationFrame(() => this.#draw());
  }

  #draw() {
    this.#raf = 0;
    const canvas = this.#canvas;
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width * dpr));
    const height = Math.max(1, Math.round(rect.height * dpr));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = this.#ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, rect.width, rect.height);
    const style = getComputedStyle(canvas);
    const ink = style.color || "#3f4254";
    const grid = style.getPropertyValue("--grid").trim() || "#e3e1da";

    const all = this.#series.flatMap((s) => s.points);
    const xMax = Math.max(1, ...all.map(([x]) => x));
    const scale = this.#log ? Math.log10 : (y) => y;
    const [yLow, yHigh] = this.#range(all.map(([, y]) => y)).map(scale);
    const plotW = rect.width - MARGIN.left - MARGIN.right;
    const plotH = rect.height - MARGIN.top - MARGIN.bottom;
    if (plotW <= 0 || plotH <= 0) return;
    const px = (x) => MARGIN.left + (x / xMax) * plotW;
    const py = (y) => MARGIN.top + (1 - (scale(y) - yLow) / (yHigh - yLow || 1)) * plotH;

    ctx.font = FONT;
    ctx.lineWidth = 1;
    ctx.strokeStyle = grid;
    ctx.fillStyle = ink;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const y of this.#log ? logTicks(yLow, yHigh) : linearTicks(yLow, yHigh)) {
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, Math.round(py(y)) + 0.5);
      ctx.lineTo(MARGIN.left + plotW, Math.round(py(y)) + 0.5);
      ctx.stroke();
      ctx.fillText(this.#format(y), MARGIN.left - 6, py(y));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const xStep = niceStep(xMax, Math.max(2, Math.floor(plotW / 70)));
    for (let x = 0; x <= xMax + 1e-9; x += xStep) {
      ctx.fillText(compact(x), px(x), MARGIN.top + plotH + 6);
    }

    ctx.lineJoin = "round";
    for (const s of this.#series) {
      if (s.points.length === 0) continue;
      const colour = style.getPropertyValue(s.colour).trim() || ink;
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash ?? []);
      ctx.beginPath();
      s.points.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
      ctx.stroke();
      ctx.setLineDash([]);
      const [lx, ly] = s.points.at(-1);
      ctx.beginPath();
      ctx.arc(px(lx), py(ly), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    canvas.dataset.points = String(all.length);
  }
}
