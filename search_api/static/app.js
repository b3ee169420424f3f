// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const copy = event.target.closest("button.copy");
  if (copy) {
    const text = copy.dataset.citation;
    const done = () => { copy.textContent = "Copied"; copy.setAttribute("aria-live", "polite"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => {});
    } else {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
    return;
  }
  const marker = event.target.closest("a.marker");
  if (marker) {
    const details = document.querySelector(`#cite-${marker.dataset.cite} details`);
    if (details) details.open = true;
  }
});
