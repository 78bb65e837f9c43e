/**
 * Pictures for the pad: an upload control, a camera control (phones), drag-and-drop onto the pad
 * and paste from the clipboard all hand a File to `onPicture`; the pad then shows a thumbnail of
 * what was sent until drawing starts again or Clear is pressed.
 */

/** The first image File among a FileList or DataTransferItemList-like collection, or null. */
function firstImage(files) {
  for (const file of files ?? []) {
    if (file && (file.type === "" || file.type.startsWith("image/"))) return file;
  }
  return null;
}

export class PictureSource {
  #thumb;
  #caption;
  #name;
  #figure;
  #url = null;

  /**
   * @param {{inputs: HTMLInputElement[], dropZone: HTMLElement, figure: HTMLElement,
   *          thumb: HTMLImageElement, caption: HTMLElement, name: HTMLElement}} elements
   * @param {(file: File) => void} onPicture
   */
  constructor({ inputs, dropZone, figure, thumb, caption, name }, onPicture) {
    this.#figure = figure;
    this.#thumb = thumb;
    this.#caption = caption;
    this.#name = name;
    // A file the browser cannot show (not an image at all, or a broken one) is shown by its name instead
    // of a broken-image icon.
    thumb.addEventListener("error", () => {
      if (thumb.getAttribute("src")) figure.classList.add("is-unshown");
    });
    thumb.addEventListener("load", () => figure.classList.remove("is-unshown"));
    for (const input of inputs) {
      input.addEventListener("change", () => {
        const file = firstImage(input.files);
        input.value = ""; // choosing the same file again is a new choice
        if (file) onPicture(file);
      });
    }
    dropZone.addEventListener("dragover", (event) => {
      if (!event.dataTransfer?.types.includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      dropZone.classList.add("is-dropping");
    });
    dropZone.addEventListener("dragleave", () => dropZone.classList.remove("is-dropping"));
    dropZone.addEventListener("drop", (event) => {
      dropZone.classList.remove("is-dropping");
      const file = firstImage(event.dataTransfer?.files);
      if (!file) return;
      event.preventDefault();
      onPicture(file);
    });
    document.addEventListener("paste", (event) => {
      const file = firstImage(event.clipboardData?.files);
      if (!file) return;
      event.preventDefault();
      onPicture(file);
    });
  }

  /** Show a thumbnail of `file` over the pad, or hide it (null). */
  show(file) {
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = file ? URL.createObjectURL(file) : null;
    this.#figure.hidden = !file;
    this.#figure.classList.remove("is-unshown");
    if (!file) {
      this.#thumb.removeAttribute("src");
      this.#caption.textContent = "";
      this.#name.textContent = "";
      return;
    }
    this.#thumb.src = this.#url;
    const name = file.name || "pasted picture";
    const kib = Math.max(1, Math.round(file.size / 1024));
    this.#name.textContent = name;
    this.#caption.textContent = `Sent: ${name} (${kib.toLocaleString()} KiB). Draw or Clear to go back to the pad.`;
  }
}
