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
  if (response.ok) return response.json();
  let detail = response.statusText;
  try {
    detail = (await response.json()).detail ?? detail;
  } catch {
    /* not JSON: keep the status text */
  }
  throw new ApiError(response.status, detail);
}

/**
 * POST /predict.
 * @param {{strokes?: number[][][], pixels?: number[][], explain?: boolean, target?: number}} body
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
 * @param {{picture: File, explain?: boolean, target?: number}} body
 * @param {AbortSignal} [signal]
 */
export async function predictPicture(body, signal) {
  const form = new FormData();
  form.append("image", body.picture);
  if (body.explain) form.append("explain", "true");
  if (body.target !== undefined) form.append("target", String(body.target));
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
