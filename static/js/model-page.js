/** Model page: replace report images that are not there (yet) with their explanatory text. */

/** Mark a figure whose image failed to load, so CSS shows its "missing" note instead. */
function watch(img) {
  const figure = img.closest(".report-figure");
  const missing = () => figure?.classList.add("is-missing");
  img.addEventListener("error", missing);
  img.addEventListener("load", () => figure?.classList.remove("is-missing"));
  if (img.complete && img.naturalWidth === 0) missing(); // failed before this module ran
}

document.querySelectorAll(".report-figure img").forEach(watch);
