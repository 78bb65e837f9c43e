/** Files the page hands to the learner: a Blob saved under a name, through a temporary link. */

/** Save `blob` as a file called `filename` (the browser's download). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
