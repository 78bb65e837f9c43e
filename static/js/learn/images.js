/**
 * Pictures the trainer sends: base64 bytes turned into arrays, and painted into canvases at one canvas
 * pixel per value (CSS enlarges them with image-rendering: pixelated). The side of an image is the square
 * root of its length, so no image size is written here.
 */
import { divergingRGB, paintImage } from "../colors.js";

/** The bytes of a base64 string. */
export function bytesOf(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Numbers from a list, or from base64 bytes spread back linearly over [min, max] (the snapshot's encoding). */
export function valuesOf(data, min = 0, max = 255) {
  if (Array.isArray(data)) return Float32Array.from(data);
  const bytes = bytesOf(data);
  const scale = (max - min) / 255;
  return Float32Array.from(bytes, (b) => min + b * scale);
}

/** The side of a square image of `length` values. */
export const sideOf = (length) => Math.round(Math.sqrt(length));

/**
 * Paint grey levels (0 = paper, 255 = ink, as MNIST stores them) into `canvas`, resizing it to the image.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} grey
 */
export function paintGrey(canvas, grey) {
  paintImage(canvas, grey, (g) => {
    const v = 255 - g;
    return [v, v, v];
  });
}

/**
 * Write signed values into `image` (an ImageData) at (x0, y0) as a side × side tile, coloured on the diverging
 * scale with `scale` as full colour.
 */
export function putDivergingTile(image, values, offset, side, x0, y0, scale) {
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const [red, green, blue] = divergingRGB(values[offset + r * side + c] / scale);
      image.data.set([red, green, blue, 255], ((y0 + r) * image.width + x0 + c) * 4);
    }
  }
}

/** A small canvas showing a digit's grey levels, with an accessible name. */
export function digitCanvas(grey, label) {
  const canvas = document.createElement("canvas");
  canvas.className = "pixelated thumb-image";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  paintGrey(canvas, grey);
  return canvas;
}
