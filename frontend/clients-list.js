// Behaviours of the Clients list page and the Add client form; wired by data- attributes.

// A control outside the filter form's markup (e.g. the page size, form="client-filters")
// submits its form on change, which htmx turns into an in-place update.
document.addEventListener("change", (event) => {
  const el = event.target.closest("[data-autosubmit]");
  if (el?.form) el.form.requestSubmit();
});

// Keep bookmarkable URLs short: leave empty filters out of the request (and the pushed URL).
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.matches?.("[data-list-filters]")) return;
  const data = event.detail.formData;
  for (const name of new Set(data.keys())) {
    if (data.getAll(name).every((v) => v === "")) data.delete(name);
  }
  if (data.get("tab") === "all") data.delete("tab");
  // The remembered page size stays out of the URL until the person picks another one.
  const size = document.querySelector("#page-size[data-implicit]");
  if (size && data.get("size") === size.dataset.implicit) data.delete("size");
  if (data.get("sort") === "name") data.delete("sort");
});

// Ticking rows reveals the bulk actions and says how many clients they act on.
function bulkRefresh() {
  const bar = document.querySelector("[data-bulk-bar]");
  if (!bar) return;
  const boxes = [...document.querySelectorAll("[data-row-select]")];
  const n = boxes.filter((b) => b.checked).length;
  bar.hidden = n === 0;
  bar.querySelectorAll("[data-bulk-count]").forEach((el) => {
    el.textContent = (n === 1 ? el.dataset.one : el.dataset.many).replace("__N__", String(n));
  });
  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.checked = n > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
}

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-select-all]")) {
    document.querySelectorAll("[data-row-select]").forEach((b) => {
      b.checked = event.target.checked;
    });
    bulkRefresh();
  } else if (event.target.matches("[data-row-select]")) {
    bulkRefresh();
  }
});
document.addEventListener("htmx:afterSettle", bulkRefresh);
// Back/forward restores a page whose boxes the browser may have kept ticked.
window.addEventListener("pageshow", bulkRefresh);

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
