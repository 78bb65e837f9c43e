/**
 * "Your digits": digits the learner draws and labels, kept in this browser (localStorage), exported and
 * imported as a JSON file, and sent with a job to be mixed into its mini-batches. Each is kept as the raw
 * strokes the pad gives, which the server preprocesses as it does for /predict.
 */
import { h } from "../dom.js";
import { DrawingPad } from "../draw.js";
import { saveBlob } from "./files.js";

const FORMAT = "digit-reader/your-digits";

/** The digits in a parsed JSON file (ours, or a bare list), checked; throws an Error saying what is wrong. */
export function parseDigits(data, classes) {
  const list = Array.isArray(data) ? data : data?.format === FORMAT ? data.digits : null;
  if (!Array.isArray(list)) throw new Error(`not a file of your digits (expected "format": "${FORMAT}")`);
  return list.map((item, i) => {
    const ok =
      Number.isInteger(item?.label) && item.label >= 0 && item.label < classes &&
      Array.isArray(item.strokes) && item.strokes.length > 0 &&
      item.strokes.every((s) => Array.isArray(s) && s.length > 0 && s.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite)));
    if (!ok) throw new Error(`digit ${i + 1} needs a label from 0 to ${classes - 1} and strokes of [x, y] points`);
    return { label: item.label, strokes: item.strokes };
  });
}

export class OwnDigits {
  #key;
  #classes;
  #max;
  #list;
  #count;
  #accuracy;
  #pad;
  #digits;

  /**
   * @param {{list: HTMLUListElement, count: HTMLElement, accuracy: HTMLElement, pad: HTMLCanvasElement,
   *          label: HTMLSelectElement, add: HTMLButtonElement, clear: HTMLButtonElement,
   *          exportButton: HTMLButtonElement, importInput: HTMLInputElement}} elements
   * @param {{key: string, classes: number, max: number}} options  the localStorage key; labels 0..classes−1; at most `max` kept
   */
  constructor(elements, { key, classes, max }) {
    const { list, count, accuracy, pad, label, add, clear, exportButton, importInput } = elements;
    this.#list = list;
    this.#count = count;
    this.#accuracy = accuracy;
    this.#key = key;
    this.#classes = classes;
    this.#max = max;
    this.#digits = this.#load();
    this.#render();
    this.#pad = new DrawingPad(pad, () => {
      add.disabled = this.#pad.isEmpty;
      clear.disabled = this.#pad.isEmpty;
    });
    add.addEventListener("click", () => {
      if (!this.add(this.#pad.strokes, Number(label.value))) {
        count.textContent = "Your digits are full: remove some first.";
        return;
      }
      this.#pad.clear();
      pad.focus();
    });
    clear.addEventListener("click", () => this.#pad.clear());
    exportButton.addEventListener("click", () => saveBlob(this.export(), "your-digits.json"));
    importInput.addEventListener("change", async () => {
      const file = importInput.files?.[0];
      importInput.value = "";
      if (!file) return;
      try {
        const added = this.import(await file.text());
        count.textContent += ` Imported ${added}.`;
      } catch (error) {
        count.textContent = `Could not import ${file.name}: ${error.message}.`;
      }
    });
  }

  /**
   * The digits that fit in a message of at most `maxBytes` with `rest` (the message without them): all of them,
   * or the first ones, saying so under the list.
   */
  fitting(rest, maxBytes) {
    const encoder = new TextEncoder();
    const size = (digits) => encoder.encode(JSON.stringify({ ...rest, own_digits: digits })).length;
    const digits = this.digits;
    let n = digits.length;
    while (n > 0 && size(digits.slice(0, n)) > maxBytes) n = Math.floor(n * 0.9);
    if (n < digits.length) this.#count.textContent = `Only your first ${n} digits fit in one job's message; the others stay here.`;
    return digits.slice(0, n);
  }

  /** Show the network's accuracy on your digits (a fraction, or null when it has none). */
  showAccuracy(fraction) {
    this.#accuracy.textContent = Number.isFinite(fraction) ? `${(100 * fraction).toFixed(1)}%` : "—";
  }

  /** Undo the pad's last stroke. */
  undo() {
    this.#pad.undo();
  }

  /** The digits, as the "start" message sends them. */
  get digits() {
    return this.#digits.map(({ label, strokes }) => ({ label, strokes }));
  }

  /** Add a drawn digit; returns false when the list is full. */
  add(strokes, label) {
    if (this.#digits.length >= this.#max) return false;
    this.#digits.push({ label, strokes });
    this.#save();
    return true;
  }

  /** Add the digits of an imported file (its text); returns how many were added. Throws on a bad file. */
  import(text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      throw new Error("the file is not JSON");
    }
    const room = this.#max - this.#digits.length;
    const added = parseDigits(data, this.#classes).slice(0, Math.max(0, room));
    this.#digits.push(...added);
    this.#save();
    return added.length;
  }

  /** The JSON file of the digits. */
  export() {
    return new Blob([JSON.stringify({ format: FORMAT, version: 1, digits: this.digits })], { type: "application/json" });
  }

  #remove(i) {
    this.#digits.splice(i, 1);
    this.#save();
    this.#list.querySelector("button")?.focus();
  }

  #load() {
    try {
      return parseDigits(JSON.parse(localStorage.getItem(this.#key) ?? "[]"), this.#classes).slice(0, this.#max);
    } catch {
      return [];
    }
  }

  #save() {
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.digits));
    } catch {
      /* storage full or off: the digits still count for this visit */
    }
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(
      ...this.#digits.map(({ label, strokes }, i) => {
        const remove = h("button", { type: "button", class: "thumb-remove", "aria-label": `Remove your ${label} number ${i + 1}` }, "×");
        remove.addEventListener("click", () => this.#remove(i));
        return h("li", { class: "thumb" }, strokeCanvas(strokes, `your ${label}`), h("span", { class: "thumb-caption", "aria-hidden": "true" }, String(label)), remove);
      }),
    );
    const n = this.#digits.length;
    this.#count.textContent = n ? `${n} digit${n === 1 ? "" : "s"} (at most ${this.#max}).` : "None yet.";
  }
}

/** A small canvas with the strokes drawn to fit it (a thumbnail, not what the network receives). */
function strokeCanvas(strokes, label) {
  const size = 56;
  const dpr = window.devicePixelRatio || 1;
  const canvas = h("canvas", { class: "thumb-image", role: "img", "aria-label": label, width: size * dpr, height: size * dpr });
  const points = strokes.flat();
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (0.7 * size) / Math.max(x1 - x0, y1 - y0, 1);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.translate(size / 2, size / 2);
  ctx.scale(scale, scale);
  ctx.translate(-(x0 + x1) / 2, -(y0 + y1) / 2);
  ctx.lineWidth = (0.08 * size) / scale;
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.strokeStyle = "#1b1d2a";
  for (const stroke of strokes) {
    ctx.beginPath();
    stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
    ctx.stroke();
  }
  return canvas;
}
