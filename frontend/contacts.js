// Behaviours of the Contacts tab, wired by data- attributes.

// The edit dialog arrives by htmx (into #contact-dialog-slot): open it as a modal at once.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (!target?.matches?.("#contact-dialog-slot")) return;
  const dialog = target.querySelector("dialog[data-open-on-load]");
  if (!dialog || dialog.open) return;
  dialog.showModal();
  (dialog.querySelector("[autofocus]") || dialog.querySelector("input:not([type=hidden])"))?.focus();
});

// A contact is primary or secondary, never both: ticking one unticks the other.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches?.(".contact-form input[name=is_primary], .contact-form input[name=is_secondary]")) return;
  if (!box.checked) return;
  const other = box.name === "is_primary" ? "is_secondary" : "is_primary";
  const twin = box.form?.querySelector(`input[name=${other}]`);
  if (twin) twin.checked = false;
});
