// The client navigator beside the client pages (clients/navigator.py): a WAI-ARIA tree of the
// whole account. The toggle opens it beside the page (its state is remembered on the server,
// per person) or, on a narrow screen, as a drawer over the page. Children load on expand.
import htmx from "htmx.org";

const NARROW = window.matchMedia("(max-width: 860px)");

const layout = () => document.querySelector("[data-nav-layout]");
const panel = () => document.querySelector("[data-nav]");
const toggles = () => document.querySelectorAll("[data-nav-toggle]");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

// The items a person can reach now: every treeitem whose groups above are expanded.
function visibleItems(tree) {
  return [...tree.querySelectorAll("[role=treeitem]")].filter((item) => !item.closest("ul[role=group][hidden]"));
}

function expandedIds() {
  const tree = panel()?.querySelector("[data-nav-tree]");
  if (!tree) return [];
  return visibleItems(tree)
    .filter((item) => item.getAttribute("aria-expanded") === "true")
    .map((item) => item.closest("[data-client-id]").dataset.clientId);
}

// One save at a time, in order, so the last state sent is the one kept.
let saving = Promise.resolve();
function saveState() {
  const nav = panel();
  const box = layout();
  if (!nav || !box || NARROW.matches) return; // the drawer of a small screen is not remembered
  const body = new URLSearchParams({
    open: box.classList.contains("nav-open") ? "1" : "0",
    expanded: expandedIds().join(","),
  });
  saving = saving
    .then(() =>
      fetch(nav.dataset.navStateUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        keepalive: true, // a click on a client may leave the page before it is sent
      }),
    )
    .catch(() => {});
}

function focusItem(item) {
  if (!item) return;
  const tree = item.closest("[data-nav-tree]");
  tree?.querySelectorAll("[role=treeitem][tabindex='0']").forEach((other) => {
    if (other !== item) other.setAttribute("tabindex", "-1");
  });
  item.setAttribute("tabindex", "0");
  item.focus();
}

// One item of the tree takes Tab (the current client, else the first); the rest use arrows.
function settle() {
  const nav = panel();
  const tree = nav?.querySelector("[data-nav-tree]");
  if (!tree) return;
  // "Show more" may bring a client already shown (the current one, put in ahead of its page).
  tree.querySelectorAll("ul").forEach((list) => {
    const seen = new Set();
    [...list.children].forEach((li) => {
      const id = li.dataset.clientId;
      if (!id) return;
      if (seen.has(id)) li.remove();
      seen.add(id);
    });
  });
  if (!tree.querySelector("[role=treeitem][tabindex='0']")) {
    tree.querySelector("[role=treeitem]")?.setAttribute("tabindex", "0");
  }
}

function revealCurrent() {
  const body = panel()?.querySelector("[data-nav-body]");
  const current = body?.querySelector("[aria-current=page]");
  if (!body || !current) return;
  body.scrollTop = current.offsetTop - body.offsetTop - body.clientHeight / 3;
}

function load(nav) {
  const body = nav.querySelector("[data-nav-body]");
  if (body.querySelector("[data-nav-tree], .nav-empty")) return Promise.resolve();
  body.setAttribute("aria-busy", "true");
  return htmx.ajax("GET", nav.dataset.navUrl, { target: body, swap: "innerHTML" }).finally(() => {
    body.removeAttribute("aria-busy");
    settle();
    revealCurrent();
  });
}

function setOpen(open, { remember = true, focus = true } = {}) {
  const box = layout();
  const nav = panel();
  if (!box || !nav) return;
  const cls = NARROW.matches ? "nav-overlay" : "nav-open";
  box.classList.toggle(cls, open);
  // The drawer is modal: what lies under it takes neither focus nor clicks meanwhile.
  if (NARROW.matches) {
    document.querySelectorAll(".sidebar, .topbar, .skip-link, .client-main").forEach((el) => {
      el.inert = open;
    });
  }
  toggles().forEach((t) => t.setAttribute("aria-expanded", open ? "true" : "false"));
  if (!open) {
    if (focus) toggles()[0]?.focus();
    if (remember) saveState();
    return;
  }
  // Saved once loaded: the expanded clients sent are then the remembered ones, not none.
  load(nav).then(() => {
    if (remember) saveState();
    if (focus) {
      const tree = nav.querySelector("[data-nav-tree]");
      focusItem(tree?.querySelector("[role=treeitem][tabindex='0']") || nav.querySelector("[data-nav-filter]"));
    }
  });
}

function isOpen() {
  const box = layout();
  return !!box && box.classList.contains(NARROW.matches ? "nav-overlay" : "nav-open");
}

function expand(item) {
  const group = document.getElementById(item.getAttribute("aria-owns"));
  if (!group) return Promise.resolve();
  item.setAttribute("aria-expanded", "true");
  group.hidden = false;
  if (group.hasAttribute("data-loaded")) {
    saveState();
    return Promise.resolve();
  }
  item.setAttribute("aria-busy", "true");
  return htmx
    .ajax("GET", item.dataset.childrenUrl, { target: group, swap: "innerHTML" })
    .then(() => {
      if (group.querySelector("[role=treeitem]")) group.setAttribute("data-loaded", ""); // else: try again next time
      settle();
      saveState();
    })
    .finally(() => item.removeAttribute("aria-busy"));
}

function collapse(item) {
  const group = document.getElementById(item.getAttribute("aria-owns"));
  item.setAttribute("aria-expanded", "false");
  if (group) group.hidden = true;
  saveState();
}

function parentItem(item) {
  const group = item.closest("li")?.parentElement?.closest("ul[role=group]");
  return group ? document.querySelector(`[aria-owns="${group.id}"]`) : null;
}

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-nav-toggle]")) {
    setOpen(!isOpen());
    return;
  }
  if (event.target.closest("[data-nav-close]")) {
    setOpen(false);
    return;
  }
  const twisty = event.target.closest("[data-nav-twisty]");
  if (twisty) {
    event.preventDefault();
    const item = twisty.closest("[role=treeitem]");
    focusItem(item);
    if (item.getAttribute("aria-expanded") === "true") collapse(item);
    else expand(item);
  }
});

document.addEventListener("keydown", (event) => {
  const filter = event.target.closest?.("[data-nav-filter]");
  if (event.key === "Escape" && !filter?.value && layout()?.classList.contains("nav-overlay")) {
    setOpen(false);
    return;
  }
  if (filter) {
    if (event.key === "ArrowDown") {
      const first = panel().querySelector("[data-nav-match]") || panel().querySelector("[data-nav-tree] [role=treeitem][tabindex='0']");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Escape" && filter.value) {
      event.preventDefault();
      filter.value = "";
      htmx.trigger(filter, "search");
    }
    return;
  }
  const match = event.target.closest?.("[data-nav-match]");
  if (match && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    const all = [...panel().querySelectorAll("[data-nav-match]")];
    const at = all.indexOf(match) + (event.key === "ArrowDown" ? 1 : -1);
    if (at < 0) panel().querySelector("[data-nav-filter]").focus();
    else all[Math.min(at, all.length - 1)].focus();
    return;
  }
  const item = event.target.closest?.("[data-nav-tree] [role=treeitem]");
  if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
  const tree = item.closest("[data-nav-tree]");
  const items = visibleItems(tree);
  const at = items.indexOf(item);
  const expandable = item.hasAttribute("aria-expanded");
  const expanded = item.getAttribute("aria-expanded") === "true";
  let handled = true;
  switch (event.key) {
    case "ArrowDown":
      focusItem(items[at + 1]);
      break;
    case "ArrowUp":
      focusItem(items[at - 1]);
      break;
    case "Home":
      focusItem(items[0]);
      break;
    case "End":
      focusItem(items[items.length - 1]);
      break;
    case "ArrowRight":
      if (expandable && !expanded) expand(item);
      else if (expanded) focusItem(document.getElementById(item.getAttribute("aria-owns"))?.querySelector("[role=treeitem]"));
      break;
    case "ArrowLeft":
      if (expanded) collapse(item);
      else focusItem(parentItem(item));
      break;
    case "Enter":
      if (item.matches("[data-nav-more]")) item.click();
      else handled = false; // a client's link: the browser follows it
      break;
    case " ":
      if (item.matches("[data-nav-more]")) item.click();
      else if (expandable) (expanded ? collapse : expand)(item);
      break;
    default:
      handled = event.key.length === 1 && event.key !== " " && typeAhead(items, at, event.key);
  }
  if (handled) event.preventDefault();
});

// Typing a name's first letters moves to the next client whose name starts so.
let typed = "";
let typedAt = 0;
function typeAhead(items, at, key) {
  const now = Date.now();
  typed = now - typedAt > 700 ? key.toLowerCase() : typed + key.toLowerCase();
  typedAt = now;
  const start = typed.length > 1 ? at : at + 1;
  const order = [...items.slice(start), ...items.slice(0, start)];
  const found = order.find((el) => el.querySelector(".nav-name")?.textContent.trim().toLowerCase().startsWith(typed));
  if (found) focusItem(found);
  return true;
}

// A level that could not load (the client was deleted meanwhile, the network failed) says so.
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (!target?.matches?.("[data-nav] ul[role=group], [data-nav] [data-nav-more]")) return;
  const note = document.createElement("li");
  note.setAttribute("role", "none");
  note.className = "nav-error muted small";
  note.textContent = panel().dataset.navError;
  if (target.matches("ul")) target.replaceChildren(note);
  else target.after(note);
});

// "Show more" swaps itself for the next items: the first of them takes the focus it had.
document.addEventListener("htmx:beforeSwap", (event) => {
  const elt = event.detail.elt;
  if (elt?.matches?.("[data-nav-more]")) {
    const list = elt.parentElement;
    const before = elt.previousElementSibling;
    const hadFocus = document.activeElement === elt;
    document.addEventListener(
      "htmx:afterSettle",
      () => {
        settle();
        const next = before ? before.nextElementSibling : list.firstElementChild;
        const target = next?.querySelector("[role=treeitem]") || (next?.matches("[role=treeitem]") ? next : null);
        if (hadFocus && target) focusItem(target);
      },
      { once: true },
    );
  }
});

// On a page load with the navigator left open: the current client in view.
function start() {
  const box = layout();
  if (!box) return;
  if (NARROW.matches) {
    box.classList.remove("nav-open");
    toggles().forEach((t) => t.setAttribute("aria-expanded", "false"));
  }
  settle();
  revealCurrent();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
