/** Build SVG elements, as dom.js's h() builds HTML ones. */

const NS = "http://www.w3.org/2000/svg";

/** The figures' colours, the same as model/figures/svg.py's, so the live and the exported figures agree. */
export const MUTED = "#5b5f73";
export const POSITIVE = "#0d9488";
export const NEGATIVE = "#e11d48";
export const ACCENT = "#5850e6";

/**
 * Create an SVG element: s("circle", {cx: 1, r: 2}, child, "text").
 * Attributes whose value is null/undefined/false are skipped.
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** An <svg> that scales to its box, with a <title> and <desc> for screen readers (ids from `id`). */
export function figureSvg(id, width, height, title) {
  return s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "figure-svg",
    role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`,
    "data-testid": "figure-svg",
  }, s("title", { id: `${id}-title` }, title), s("desc", { id: `${id}-desc` }));
}

/** Set the <desc> of a figure made by figureSvg. */
export function describe(svg, text) {
  svg.querySelector("desc").textContent = text;
}

/** Coordinates with at most two decimals. */
export const num = (v) => String(Math.round(v * 100) / 100);
