/** Colour scales: sequential for activations, diverging for signed values (weights, saliency). */
import { h } from "./dom.js";

/** @typedef {number[]} RGB  red, green, blue in 0–255 */

/** @type {[number, RGB][]} */
const ACTIVATION_STOPS = [
  [0, [243, 244, 249]],
  [0.3, [180, 190, 250]],
  [0.65, [88, 80, 230]],
  [1, [27, 24, 74]],
];
const NEGATIVE = [225, 29, 72];
const NEUTRAL = [247, 247, 248];
const POSITIVE = [13, 148, 136];

/** @type {(a: RGB, b: RGB, t: number) => RGB} */
const mix = (a, b, t) => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));

/**
 * RGB for an activation a in [0, 1]: pale paper (0) → indigo → ink (1).
 * @param {number} a
 * @returns {RGB}
 */
export function activationRGB(a) {
  const t = Math.min(1, Math.max(0, Number.isFinite(a) ? a : 0));
  for (let i = 1; i < ACTIVATION_STOPS.length; i++) {
    const [t1, c1] = ACTIVATION_STOPS[i];
    if (t <= t1) {
      const [t0, c0] = ACTIVATION_STOPS[i - 1];
      return mix(c0, c1, (t - t0) / (t1 - t0));
    }
  }
  return ACTIVATION_STOPS.at(-1)[1];
}

/**
 * RGB for v in [−1, 1]: rose (negative) ← white → teal (positive).
 * @param {number} v
 * @returns {RGB}
 */
export function divergingRGB(v) {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return t >= 0 ? mix(NEUTRAL, POSITIVE, Math.sqrt(t)) : mix(NEUTRAL, NEGATIVE, Math.sqrt(-t));
}

/**
 * CSS colour string of an RGB triple.
 * @param {RGB} rgb
 */
export const css = ([r, g, b]) => `rgb(${r} ${g} ${b})`;

/**
 * Whether text on this background should be light.
 * @param {RGB} rgb
 */
export const isDark = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b < 140;

/** Largest |value| of an array (at least a tiny epsilon, so it can divide). */
export function maxAbs(values) {
  let m = 1e-12;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Paint `values` (row-major, side×side) into a canvas at one canvas pixel per value;
 * CSS enlarges it (image-rendering: pixelated).
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} values
 * @param {(v: number) => RGB} colour  RGB for one value
 * @param {(v: number) => number} [alpha]    opacity in [0, 1] for one value (default 1)
 */
export function paintImage(canvas, values, colour, alpha = () => 1) {
  const side = Math.round(Math.sqrt(values.length));
  if (canvas.width !== side || canvas.height !== side) {
    canvas.width = side;
    canvas.height = side;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colour(values[i]);
    image.data.set([r, g, b, Math.round(255 * alpha(values[i]))], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** Paint a square image's array of signed values with the diverging scale, scaled to its max |v|. */
export function paintDiverging(canvas, values) {
  const m = maxAbs(values);
  paintImage(canvas, values, (v) => divergingRGB(v / m));
}

/** Flatten a 2-D array (rows) into one row-major array. */
export const flat = (rows) => (Array.isArray(rows[0]) ? rows.flat() : Array.from(rows));

/** A canvas showing one value per input pixel, as the side × side image they belong to. */
export function weightImage(values, label, side) {
  const canvas = h("canvas", { class: "pixelated weight-image", width: side, height: side, role: "img", "aria-label": `${label} as a ${side} by ${side} image` });
  paintDiverging(canvas, values);
  return canvas;
}
