/** Tiny DOM helpers shared by the page's modules. */

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Create an element: h("p", {class: "x", "data-k": 1}, "text", child).
 * Attributes whose value is null/undefined/false are skipped; `true` sets an empty attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Child | Child[])} children  arrays are flattened
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Format a number with a real minus sign and `digits` decimals. */
export function fmt(value, digits = 3) {
  if (!Number.isFinite(value)) return "—";
  const text = Math.abs(value).toFixed(digits);
  return (value < 0 && Number(text) !== 0 ? "−" : "") + text;
}

/** Format with an explicit sign: +0.412 / −0.031. */
export function signed(value, digits = 3) {
  const text = fmt(value, digits);
  return value >= 0 || text.startsWith("0") ? `+${text.replace(/^\+/, "")}` : text;
}

/** Format a probability as a percentage. */
export function pct(p, digits = 1) {
  return `${(p * 100).toFixed(digits)}%`;
}

/** A short, order-sensitive hash of numbers (rounded), for "did this change?" checks. */
export function digest(values, decimals = 4) {
  let hash = 2166136261;
  const scale = 10 ** decimals;
  for (const v of values) {
    hash ^= Math.round(v * scale) | 0;
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(16);
}
