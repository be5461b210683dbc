// Behaviours of the Add client form; the list's own are frontend/tables.js.

// Add a client: the primary contact's email only matters for Engaged.
function engagedRefresh() {
  const block = document.querySelector("[data-engaged-only]");
  if (!block) return;
  const checked = document.querySelector("input[name=engagement]:checked");
  const engaged = checked?.value === "engaged";
  const hasError = block.querySelector("[aria-invalid=true]");
  block.classList.toggle("is-hidden", !engaged && !hasError);
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[name=engagement]")) engagedRefresh();
});
document.addEventListener("DOMContentLoaded", engagedRefresh);
