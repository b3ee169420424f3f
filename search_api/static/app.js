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
    const details = document.querySelector(`#cite-${marker.dataset.cite} details.cited`);
    if (details) details.open = true;
  }
});

// Saving a passage stays on the page: the form is posted in the background and the result shown
// beside it. Without this script the browser posts the form and lands on the collection.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const confirmButton = event.submitter && event.submitter.dataset.confirm;
  if (confirmButton && !window.confirm(confirmButton)) {
    event.preventDefault();
    return;
  }
  if (!form.matches("form.save")) return;
  event.preventDefault();
  const status = form.querySelector(".saved");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
    });
    const body = await response.json();
    status.textContent = response.ok ? `Saved in ${body.collection}` : body.detail;
    status.classList.toggle("failed", !response.ok);
    if (response.ok) addCollectionName(body.collection);
  } catch (error) {
    status.textContent = "Not saved: the server did not answer.";
    status.classList.add("failed");
  }
});

function addCollectionName(name) {
  const list = document.getElementById("collection-names");
  if (!list || [...list.options].some((option) => option.value === name)) return;
  const option = document.createElement("option");
  option.value = name;
  list.appendChild(option);
}
