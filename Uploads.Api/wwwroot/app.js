// The upload page: hash in the browser, ask the API for a presigned POST, send the file straight to storage,
// confirm, then follow the file's status over server-sent events until it is settled.
const terminal = new Set(["SYNCED", "FAILED", "EXPIRED"]);
const rows = document.querySelector("#files tbody");
const template = document.querySelector("#row");
const drop = document.querySelector("#drop");
const picker = document.querySelector("#picker");

// In Development the API hands out a token for a demo tenant; a real frontend gets its token from its sign-in.
const token = fetch("/dev/token").then(async (response) => {
  if (!response.ok) throw new Error("no token: sign-in is needed outside Development");
  return (await response.json()).access_token;
});
const authorized = async (headers = {}) => ({ ...headers, authorization: `Bearer ${await token}` });
// EventSource and download links cannot send a header: these two reads take the token in the query.
const withToken = async (path) => `${path}?access_token=${encodeURIComponent(await token)}`;

let queue = Promise.resolve();
// One file after another: a duplicate picked with its original then finds it SYNCED and is deduplicated.
const enqueue = (files) => { for (const file of files) queue = queue.then(() => upload(file)); };

picker.addEventListener("change", () => { enqueue([...picker.files]); picker.value = ""; });
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); enqueue([...e.dataTransfer.files]); });

async function upload(file) {
  const row = addRow(file.name);
  try {
    const sha256 = await digest(file);
    row.sha256.textContent = sha256;
    const ticket = await api("/files/presigned-upload", {
      filename: file.name, size: file.size, sha256, content_type: file.type || undefined,
    });
    row.element.dataset.fileId = ticket.file_id;
    if (ticket.deduplicated) {
      row.progress.value = 100;
      row.name.insertAdjacentHTML("beforeend", ' <span class="badge">deduplicated</span>');
      row.element.dataset.deduplicated = "true";
      return settle(row, ticket.file_id, ticket.status);
    }
    await post(ticket, file, (percent) => (row.progress.value = percent));
    const confirmation = await api("/files/confirm-uploads", { files: [{ file_id: ticket.file_id, file_size: file.size }] });
    const result = confirmation.results[0];
    if (result.error) throw new Error(`${result.error.code}: ${result.error.detail}`);
    await follow(row, ticket.file_id);
  } catch (error) {
    setStatus(row, "ERROR", error.message);
  }
}

async function digest(file) {
  const hash = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function api(path, body) {
  const response = await fetch(path, { method: "POST", headers: await authorized({ "content-type": "application/json" }), body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${json.code ?? response.status}: ${json.detail ?? json.title}`);
  return json;
}

// The form fields first, the file last, in a field named "file": what a presigned POST policy expects.
function post(ticket, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.form_fields)) form.append(name, value);
    form.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", ticket.upload_url);
    request.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    request.onload = () => (request.status < 300 ? (onProgress(100), resolve()) : reject(new Error(`storage answered ${request.status}`)));
    request.onerror = () => reject(new Error("storage could not be reached"));
    request.send(form);
  });
}

async function follow(row, fileId) {
  const url = await withToken(`/files/${fileId}/events`);
  return new Promise((resolve) => {
    const events = new EventSource(url);
    events.addEventListener("status", async (e) => {
      const { status, reason } = JSON.parse(e.data);
      setStatus(row, status, reason);
      if (terminal.has(status)) {
        events.close();
        await settle(row, fileId, status);
        resolve();
      }
    });
    events.onerror = () => { if (events.readyState === EventSource.CLOSED) resolve(); };
  });
}

async function settle(row, fileId, status) {
  const file = await (await fetch(`/files/${fileId}`, { headers: await authorized() })).json();
  setStatus(row, file.status, file.failure_reason);
  if (file.status === "SYNCED") {
    row.sha256.textContent = file.sha256;
    row.element.dataset.sha256 = file.sha256;
    row.link.innerHTML = `<a href="${await withToken(`/files/${fileId}/content`)}" download>Download</a>`;
  }
}

function setStatus(row, status, reason) {
  row.element.dataset.status = status;
  row.status.textContent = reason ? `${status} (${reason})` : status;
}

function addRow(name) {
  const element = template.content.firstElementChild.cloneNode(true);
  rows.append(element);
  const part = (selector) => element.querySelector(selector);
  part(".name").textContent = name;
  return { element, name: part(".name"), progress: part("progress"), status: part(".status"), sha256: part(".sha256"), link: part(".link") };
}
