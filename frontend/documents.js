// Uploads (the Files tab and the portal's Documents): files chosen or dropped join a queue, each
// with a name field; on Upload each file goes in its own request with a progress bar (XHR:
// fetch reports no upload progress). Without this script the form posts every file at once.
function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function baseName(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

function sendOne(form, item) {
  return new Promise((resolve) => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("file", item.file);
    data.append("name", item.row.querySelector("[data-upload-name]").value);
    const shared = form.querySelector("[name=shared_with_portal]");
    if (shared && shared.checked) data.append("shared_with_portal", "1");
    const progress = item.row.querySelector("[data-upload-progress]");
    const status = item.row.querySelector("[data-upload-status]");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { body = {}; }
      const ok = xhr.status >= 200 && xhr.status < 300;
      progress.value = ok ? 100 : progress.value;
      item.row.classList.add(ok ? "done" : "failed");
      status.textContent = ok ? form.dataset.okText || "✓" : (body.errors || [xhr.statusText]).join(" ");
      resolve(ok);
    });
    xhr.addEventListener("error", () => {
      item.row.classList.add("failed");
      status.textContent = form.dataset.failText || "The upload failed.";
      resolve(false);
    });
    xhr.send(data);
  });
}

function setUp(form) {
  const input = form.querySelector("[data-file-input]");
  const queue = form.querySelector("[data-upload-queue]");
  const template = form.querySelector("template[data-upload-row]");
  const area = form.querySelector("[data-drop-area]");
  let items = [];
  let counter = 0;

  function add(files) {
    for (const file of files) {
      const row = template.content.firstElementChild.cloneNode(true);
      const id = `upload-name-${++counter}`;
      row.querySelector("label").htmlFor = id;
      const name = row.querySelector("[data-upload-name]");
      name.id = id;
      name.value = baseName(file.name);
      row.querySelector("[data-upload-file]").textContent = `${file.name} · ${sizeText(file.size)}`;
      const item = { file, row };
      const max = Number(form.dataset.maxBytes || 0);
      if (max && file.size > max) {
        // Refused before sending: the server would refuse it after the whole upload.
        row.classList.add("failed", "done-never");
        row.querySelector("[data-upload-status]").textContent = form.dataset.tooLargeText || "";
      }
      row.querySelector("[data-upload-remove]").addEventListener("click", () => {
        items = items.filter((i) => i !== item);
        row.remove();
        queue.hidden = items.length === 0;
      });
      queue.append(row);
      items.push(item);
    }
    queue.hidden = items.length === 0;
    input.value = "";
  }

  input.addEventListener("change", () => add(input.files));
  ["dragenter", "dragover"].forEach((type) =>
    area.addEventListener(type, (event) => {
      event.preventDefault();
      area.classList.add("dragging");
    }),
  );
  ["dragleave", "drop"].forEach((type) =>
    area.addEventListener(type, () => area.classList.remove("dragging")),
  );
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files?.length) add(event.dataTransfer.files);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!items.length) {
      input.focus();
      return;
    }
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    const sending = items.filter((i) => !i.row.classList.contains("done") && !i.row.classList.contains("done-never"));
    if (!sending.length) {
      button.disabled = false;
      return;
    }
    const results = [];
    for (const item of sending) results.push(await sendOne(form, item)); // one at a time
    button.disabled = false;
    if (results.every(Boolean)) {
      window.location.reload();
      return;
    }
    // Some failed: keep them (with their reasons) and show the list as it is now.
    items = items.filter((i) => !i.row.classList.contains("done"));
    queue.querySelectorAll(".upload-row.done").forEach((row) => row.remove());
    if (results.some(Boolean) && window.htmx) {
      window.htmx.ajax("GET", window.location.href, { target: "#document-list", select: "#document-list", swap: "outerHTML" });
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-upload-form]").forEach(setUp);
});
