// Our own small behaviours; everything is wired by data- attributes, never inline script.
import htmx from "htmx.org";
import "./tables.js";
import "./clients-list.js";
import "./contacts.js";
import "./client-detail.js";
import "./tickets.js";
import "./client-nav.js";
import "./documents.js";

window.htmx = htmx;

function onClick(selector, handler) {
  document.addEventListener("click", (event) => {
    const el = event.target.closest(selector);
    if (el) handler(el, event);
  });
}

// Dialogs drawn on demand: <div data-dialogs-src="url"> is filled with them the first time a
// person reaches for one (pointer over or focus on a button that opens one, or its click).
let dialogsLoading = null;
function dialogsLoad() {
  const slot = document.querySelector("[data-dialogs-src]");
  if (!slot) return Promise.resolve();
  if (!dialogsLoading) {
    dialogsLoading = htmx
      .ajax("GET", slot.dataset.dialogsSrc, { target: slot, swap: "innerHTML" })
      .catch(() => { dialogsLoading = null; });
  }
  return dialogsLoading;
}
for (const type of ["pointerover", "focusin"]) {
  document.addEventListener(type, (event) => {
    if (event.target.closest?.("[data-open-dialog]")) dialogsLoad();
  });
}

// <button data-open-dialog="id"> opens <dialog id="id"> as a modal; focus goes to its first field.
onClick("[data-open-dialog]", async (el) => {
  let dialog = document.getElementById(el.dataset.openDialog);
  if (!dialog) {
    await dialogsLoad();
    dialog = document.getElementById(el.dataset.openDialog);
  }
  if (!dialog || dialog.open) return;
  dialog.showModal();
  const first = dialog.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
  if (first) first.focus();
});
onClick("[data-close-dialog]", (el) => el.closest("dialog")?.close());

// <button data-copy="#selector"> copies the text of that element.
onClick("[data-copy]", async (el) => {
  const target = document.querySelector(el.dataset.copy);
  if (!target) return;
  try {
    await navigator.clipboard.writeText(target.textContent.trim());
    el.dataset.copied = "true";
    el.querySelector(".copy-label")?.replaceChildren(el.dataset.copiedLabel || "Copied");
  } catch {
    window.getSelection().selectAllChildren(target);
  }
});

// "/" focuses the global search from anywhere but a text field.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = document.activeElement?.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || document.activeElement?.isContentEditable) return;
  const search = document.querySelector("[data-global-search]");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});

// Close an open <details> menu when clicking elsewhere, on a download it offers (the page
// stays, so the menu would stay open), or pressing Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    if (!menu.contains(event.target) || event.target.closest("a[download]")) {
      menu.removeAttribute("open");
    }
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  });
});

// Messages that say something went well fade after a while; errors stay.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".message.success[data-autohide]").forEach((el) => {
    setTimeout(() => el.classList.add("hidden"), 6000);
  });
});

// A dialog whose form came back with errors opens again on load, errors in view.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("dialog[data-open-on-load]").forEach((dialog) => {
    dialog.showModal();
    (dialog.querySelector("[aria-invalid=true]") || dialog.querySelector("input, select"))?.focus();
  });
});
