/** Client for the backend's API (same origin): JSON, and pictures as multipart/form-data. */

/** An error answer from the API, with its HTTP status and the server's `detail`. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(describe(detail));
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
  }

  /** Whether this is the 422 for a drawing or picture with no ink: a blank pad, not a failure. */
  get noInk() {
    return this.status === 422 && /ink/i.test(String(this.detail));
  }
}

/** A readable message from an error's `detail`: the string itself, or the messages of a validation error's list. */
function describe(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((item) => item?.msg ?? JSON.stringify(item)).join("; ");
  return JSON.stringify(detail);
}

async function json(response) {
  if (response.ok) return unpack(await response.json());
  let detail = response.statusText;
  try {
    detail = (await response.json()).detail ?? detail;
  } catch {
    /* not JSON: keep the status text */
  }
  throw new ApiError(response.status, detail);
}

/** A display answer's values in [0, 1] are uint16 round(65535 v); its saliency is int8 round(127 s / scale). */
const UNIT_LEVELS = 65535;
const SALIENCY_LEVELS = 127;

/** The little-endian bytes of a base64 string. */
function bytes(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Values in [0, 1] sent as uint16 round(65535 v), as a plain array of numbers. */
function unit16(text) {
  const b = bytes(text);
  const view = new DataView(b.buffer);
  return Array.from({ length: b.length / 2 }, (_, i) => view.getUint16(2 * i, true) / UNIT_LEVELS);
}

/**
 * An answer asked with `display: true` (app/display.py), unpacked into the shape of the full answer
 * the page's modules read: `input` and `saliency` as flat arrays, `layers[l].a`; `layers[l].z` is
 * absent (weightedInput() in sums.js sums the one neuron shown). Any other answer is returned as it is.
 */
export function unpack(answer) {
  const display = answer.display;
  if (!display) return answer;
  const mask = bytes(display.input.mask);
  const values = unit16(display.input.values);
  const input = new Array(display.input.pixels).fill(0);
  for (let i = 0, k = 0; i < input.length; i++) if ((mask[i >> 3] >> (i & 7)) & 1) input[i] = values[k++];
  const unpacked = { ...answer, input, layers: display.activations.map((a) => ({ a: unit16(a) })) };
  delete unpacked.display;
  if (display.saliency !== undefined && display.saliency !== null) {
    const scale = display.saliency_scale / SALIENCY_LEVELS;
    unpacked.saliency = Array.from(new Int8Array(bytes(display.saliency).buffer), (q) => q * scale);
  }
  return unpacked;
}

/**
 * POST /predict.
 * @param {{strokes?: number[][][], pixels?: number[][], explain?: boolean, target?: number,
 *   layers?: boolean, display?: boolean}} body  with display, the compact answer (unpacked here)
 * @param {AbortSignal} [signal]
 */
export async function predict(body, signal) {
  const response = await fetch("/predict", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  return json(response);
}

/**
 * POST /predict with a picture file, as multipart/form-data (the field `image`).
 * @param {{picture: File, explain?: boolean, target?: number, display?: boolean}} body
 * @param {AbortSignal} [signal]
 */
export async function predictPicture(body, signal) {
  const form = new FormData();
  form.append("image", body.picture);
  if (body.explain) form.append("explain", "true");
  if (body.target !== undefined) form.append("target", String(body.target));
  if (body.display) form.append("display", "true");
  const response = await fetch("/predict", {
    method: "POST",
    headers: { Accept: "application/json" },
    body: form,
    signal,
  });
  return json(response);
}

const requests = new Map();
const arrived = new Map();

/**
 * GET /api/neurons/{layer}/{index} (layer 1 = first hidden layer), cached per neuron.
 * @returns {Promise<{layer: number, index: number, name: string, activation: string,
 *   bias: number, weights: number[], outgoing: number[] | null}>}
 */
export function fetchNeuron(layer, index) {
  const key = `${layer}/${index}`;
  if (!requests.has(key)) {
    const request = fetch(`/api/neurons/${layer}/${index}`, { headers: { Accept: "application/json" } })
      .then(json)
      .then((neuron) => {
        arrived.set(key, neuron);
        return neuron;
      })
      .catch((error) => {
        requests.delete(key);
        throw error;
      });
    requests.set(key, request);
  }
  return requests.get(key);
}

/** The neuron if it has already arrived, else undefined (for synchronous redraws). */
export function cachedNeuron(layer, index) {
  return arrived.get(`${layer}/${index}`);
}
