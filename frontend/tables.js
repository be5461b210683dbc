// Behaviours every list page shares (core/tables.py, templates/includes/table_*.html); wired
// by data- attributes.

// A control outside the filter form's markup (e.g. the page size, form="client-filters")
// submits its form on change, which htmx turns into an in-place update.
document.addEventListener("change", (event) => {
  const el = event.target.closest("[data-autosubmit]");
  if (el?.form) el.form.requestSubmit();
});

const TEXT_FIELDS = "input[type=search], input[type=text]";

// A search field is searched as it is typed; leaving it fires `change`, which the filter form
// also listens to. When its text was already sent, that second request is not needed, and it
// redraws the results under the pointer of a person who left the field to click in them
// (Clear filters, a tab): the click then lands on a link that is gone.
document.addEventListener(
  "change",
  (event) => {
    const el = event.target;
    if (!el.matches?.(TEXT_FIELDS) || !el.form?.matches("[data-list-filters]")) return;
    if (el.dataset.sent === el.value) event.stopPropagation();
  },
  true,
);

// Keep bookmarkable URLs short: leave empty filters, and the values the list has anyway
// (data-list-defaults="tab=all&sort=name"), out of the request and the pushed URL.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!form.matches?.("[data-list-filters]")) return;
  const data = event.detail.formData;
  // What each text field sent, so that leaving it does not send the same search again.
  form.querySelectorAll(TEXT_FIELDS).forEach((el) => { el.dataset.sent = el.value; });
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

// Only the newest request for a list's results may show its answer (and set the address
// bar). Leaving the search field sends the search; a tab clicked at that moment must not lose
// to that answer because it arrives later, or because it swaps in the old tab before the tab's
// request (queued behind it by htmx) reads the form. Older answers are dropped, not aborted
// (htmx logs an abort as an error).
const newestRequest = new Map();
let requestCount = 0;
function outdateAnswers(results) {
  requestCount += 1;
  newestRequest.set(results.id, requestCount);
  return requestCount;
}
document.addEventListener("htmx:beforeRequest", (event) => {
  const target = event.detail.target;
  if (!target?.matches?.(".list-results") || !target.id) return;
  event.detail.xhr.listRequest = outdateAnswers(target);
});
document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, xhr } = event.detail;
  if (!xhr?.listRequest || !target?.id) return;
  if (newestRequest.get(target.id) !== xhr.listRequest) event.preventDefault();
});

// A tab or a sort header changes one value of the list's state (data-list-set="tab=active"):
// it sets that value in the filter form and submits the form, so the request carries what the
// filter fields hold now, even a search typed a moment ago and not yet sent. The href stays
// for a new browser tab and for a page without JavaScript.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-list-set]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const results = link.closest(".list-results");
  if (!results?.id) return;
  let form = null;
  for (const [name, value] of new URLSearchParams(link.dataset.listSet)) {
    const input = results.querySelector(`input[type=hidden][name="${name}"][form]`);
    if (!input?.form) return;
    input.value = value;
    form = input.form;
  }
  if (!form) return;
  event.preventDefault();
  outdateAnswers(results);
  form.requestSubmit();
});

// The filter row says what the list shows: after a results swap pushed a new address (Clear
// filters, a tab, a link in the results), each filter of the row takes that address's value,
// or empty, so the next search does not bring back a filter the person just cleared. The
// field being typed in is left alone (its own request follows).
document.addEventListener("htmx:pushedIntoHistory", (event) => {
  const params = new URL(event.detail.path, window.location.href).searchParams;
  document.querySelectorAll("form[data-list-filters]").forEach((form) => {
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
      if (el === document.activeElement || ["hidden", "submit", "button"].includes(el.type)) return;
      const values = params.getAll(el.name);
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.includes(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        [...el.options].forEach((o) => { o.selected = values.includes(o.value); });
      } else {
        el.value = values[0] ?? "";
        if (el.matches(TEXT_FIELDS)) el.dataset.sent = el.value;
        if (el.tagName === "SELECT" && el.selectedIndex < 0) el.selectedIndex = 0;
      }
    });
  });
});
