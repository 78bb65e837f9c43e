/**
 * Where the network goes wrong on the validation digits: the confusion matrix as a table (rows: the true
 * digit; columns: the answer; a last column with each digit's accuracy), and a few digits it gets wrong.
 */
import { h } from "../dom.js";
import { activationRGB, css, isDark } from "../colors.js";
import { bytesOf, digitCanvas } from "./images.js";

/**
 * Fill `table` with the matrix `counts` (counts[true][answer]).
 * @param {HTMLTableElement} table
 * @param {number[][]} counts
 */
export function showConfusion(table, counts) {
  const classes = counts.length;
  const head = h(
    "thead",
    {},
    h("tr", {}, h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "True digit")),
      ...counts.map((_, k) => h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "read as "), String(k))),
      h("th", { scope: "col" }, h("abbr", { title: "right answers" }, "ok"))),
  );
  const body = h("tbody", {});
  for (let t = 0; t < classes; t++) {
    const row = counts[t];
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((count, k) => {
      const share = count / total;
      // The diagonal is in the activation colours; mistakes are shaded by how often they happen.
      const rgb = k === t ? activationRGB(share) : activationRGB(Math.min(1, share * 4));
      const cell = h("td", { class: k === t ? "is-right" : count ? "is-wrong" : "" }, count ? String(count) : "·");
      cell.style.backgroundColor = css(rgb);
      cell.style.color = isDark(rgb) ? "#fff" : "var(--ink)";
      return cell;
    });
    const accuracy = h("td", { class: "accuracy" }, `${Math.round((100 * row[t]) / total)}%`);
    body.append(h("tr", {}, h("th", { scope: "row" }, String(t)), ...cells, accuracy));
  }
  table.replaceChildren(
    h("caption", { class: "visually-hidden" }, "Confusion matrix: rows are the true digit, columns the answer"),
    head,
    body,
  );
}

/**
 * Show the digits it gets wrong: [{pixels: base64, label, predicted}].
 * @param {HTMLUListElement} list
 */
export function showWrong(list, wrong) {
  list.replaceChildren(
    ...wrong.map(({ pixels, label, predicted }) =>
      h(
        "li",
        { class: "thumb" },
        digitCanvas(bytesOf(pixels), `a ${label} it reads as ${predicted}`),
        h("span", { class: "thumb-caption", "aria-hidden": "true" }, `${label} → ${predicted}`),
      ),
    ),
  );
  if (wrong.length === 0) list.append(h("li", { class: "muted" }, "None of those shown."));
}
