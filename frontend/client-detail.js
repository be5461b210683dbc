// Behaviours of the client page, wired by data- attributes.

// A tree node whose children failed to load says so, with a link to that client's own page.
document.addEventListener("htmx:responseError", (event) => {
  const node = event.detail.elt;
  if (!node.matches || !node.matches("details[data-tree-lazy]")) return;
  const list = node.querySelector("ul");
  const fallback = list?.querySelector(".tree-more a");
  const item = document.createElement("li");
  item.className = "tree-more muted";
  item.textContent = `${node.dataset.treeError} `;
  if (fallback) item.append(fallback);
  list?.replaceChildren(item);
});
