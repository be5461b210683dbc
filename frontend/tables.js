// Behaviours every list page shares (core/tables.py, templates/includes/table_*.html); wired
// by data- attributes.

// A control outside the filter form's markup (e.g. the page size, form="client-filters")
// submits its form on change, which htmx turns into an in-place update.
document.addEventListener("change", (event) => {
  const el = event.target.closest("[data-autosubmit]");
  if (el?.form) el.form.requestSubmit();
});

// Keep bookmarkable URLs short: leave empty filters, and the values the list has anyway
// (data-list-defaults="tab=all&sort=name"), out of the request and the pushed URL.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!form.matches?.("[data-list-filters]")) return;
  const data = event.detail.formData;
  for (const name of new Set(data.keys())) {
    if (data.getAll(name).every((v) => v === "")) data.delete(name);
  }
  for (const [name, value] of new URLSearchParams(form.dataset.listDefaults || "")) {
    if (data.get(name) === value) data.delete(name);
  }
  // The remembered page size stays out of the URL until the person picks another one.
  const size = document.querySelector("#page-size[data-implicit]");
  if (size && data.get("size") === size.dataset.implicit) data.delete("size");
});

// Ticking rows reveals the bulk actions and says how many rows they act on.
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
