// Behaviours of the ticket pages, wired by data- attributes.

// The Support Tickets tab: the chevron of a row shows or hides its preview row (loaded once by
// htmx), and says so to assistive technology.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-ticket-expand]");
  if (!button) return;
  const row = document.getElementById(button.getAttribute("aria-controls"));
  if (!row) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  row.hidden = !open;
});

// The board: choosing another step in a card's "Move to" sends the move at once.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!select.matches?.(".board-move select")) return;
  select.form.requestSubmit();
});
