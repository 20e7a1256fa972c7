// The upload page: several files at once, each hashed in a worker while it uploads; small files in one presigned POST,
// large ones in parts (multipart.js) that survive a reload. Every file is followed to SYNCED over server-sent events.
import { ApiError, call, follow, thumbnail, withToken } from "./uploads/api.js";
import { hashFile } from "./uploads/hashing.js";
import { cancelUpload, uploadInParts } from "./uploads/multipart.js";
import { unfinishedUploads } from "./uploads/resume-store.js";
import { sendWithRetries } from "./uploads/transfer.js";

const multipartThreshold = 16 * 1024 * 1024;
const filesAtOnce = 3;

const rows = document.querySelector("#files tbody");
const template = document.querySelector("#row");
const drop = document.querySelector("#drop");
const picker = document.querySelector("#picker");
const total = { bar: document.querySelector("#total progress"), text: document.querySelector("#total .text"), files: [] };

picker.addEventListener("change", () => { enqueue([...picker.files]); picker.value = ""; });
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); enqueue([...e.dataTransfer.files]); });
showUnfinished();

// At most `filesAtOnce` files upload at a time; the rest wait their turn, in the order they were picked.
let running = 0;
const waiting = [];
function enqueue(files) {
  for (const file of files) {
    const entry = { file, row: addRow(file), sent: 0, controller: new AbortController() };
    entry.finished = new Promise((resolve) => { entry.finish = resolve; });
    total.files.push(entry);
    entry.row.cancel.addEventListener("click", () => entry.controller.abort(), { once: true });
    waiting.push(entry);
  }
  next();
}
function next() {
  while (running < filesAtOnce && waiting.length) {
    const entry = waiting.shift();
    running++;
    upload(entry).finally(() => { running--; next(); });
  }
}

// Same content picked twice in one session: the one picked later waits for the earlier to settle, then the API answers
// it as deduplicated. Files start in the order they were picked, so every earlier one is already hashing or done.
async function earlierWithSameContent(entry, sha256) {
  for (const earlier of total.files.slice(0, total.files.indexOf(entry))) {
    if (earlier.digest && (await earlier.digest.catch(() => null)) === sha256) await earlier.finished;
  }
}

async function upload(entry) {
  const { file, row, controller: { signal } } = entry;
  const progress = (bytes) => { entry.sent = bytes; showProgress(entry); };
  let fileId = null;
  try {
    if (signal.aborted) throw new DOMException("Upload cancelled", "AbortError");
    setStatus(row, "HASHING");
    const digest = entry.digest = hashFile(file, { signal });
    digest.then((sha256) => { row.sha256.textContent = sha256; }, () => {});
    if (file.size >= multipartThreshold) {
      fileId = await uploadInParts(file, {
        digest,
        signal,
        onStarted: (id, { resumed, missing }) => {
          fileId = id;
          row.element.dataset.fileId = id;
          entry.started = performance.now();
          setStatus(row, "UPLOADING", resumed ? `resumed: ${missing} parts left` : null);
        },
        onProgress: progress,
        onRetry: (part, error) => setStatus(row, "UPLOADING", `part ${part} again: ${error.message}`),
      });
    } else {
      const sha256 = await digest;
      await earlierWithSameContent(entry, sha256);
      fileId = await uploadWhole(file, sha256, row, progress, signal);
      if (!fileId) return;
    }
    row.cancel.hidden = true;
    setStatus(row, "UPLOADED");
    await follow(fileId, (status, reason) => setStatus(row, status, reason));
    await settle(row, fileId);
  } catch (error) {
    row.cancel.hidden = true;
    if (error.name === "AbortError") {
      await cancelUpload(file, fileId).catch(() => {});
      setStatus(row, "CANCELLED");
    } else {
      setStatus(row, "ERROR", error.message);
    }
  } finally {
    entry.finish();
  }
}

// One presigned POST for a small file, retried on its own; null when the content is already stored (deduplicated).
async function uploadWhole(file, sha256, row, progress, signal) {
  const ticket = await call("POST", "/files/presigned-upload", { filename: file.name, size: file.size, sha256, content_type: file.type || undefined });
  row.element.dataset.fileId = ticket.file_id;
  if (ticket.deduplicated) {
    progress(file.size);
    row.name.insertAdjacentHTML("beforeend", ' <span class="badge">deduplicated</span>');
    row.cancel.hidden = true;
    await settle(row, ticket.file_id);
    return null;
  }
  setStatus(row, "UPLOADING");
  const form = () => {
    const body = new FormData();
    for (const [name, value] of Object.entries(ticket.form_fields)) body.append(name, value);
    body.append("file", file);
    return body;
  };
  await sendWithRetries({ method: "POST", url: ticket.upload_url, body: form(), timeoutMs: 300_000, onProgress: (bytes) => progress(Math.min(bytes, file.size)) },
    { signal, onRetry: (error) => setStatus(row, "UPLOADING", `again: ${error.message}`) });
  progress(file.size);
  const confirmation = await call("POST", "/files/confirm-uploads", { files: [{ file_id: ticket.file_id, file_size: file.size }] });
  const result = confirmation.results[0];
  if (result.error) throw new ApiError(409, result.error);
  return ticket.file_id;
}

async function settle(row, fileId) {
  const file = await call("GET", `/files/${fileId}`);
  setStatus(row, file.status, file.failure_reason);
  if (file.status === "SYNCED") {
    row.sha256.textContent = file.sha256;
    row.element.dataset.sha256 = file.sha256;
    row.link.innerHTML = `<a href="${await withToken(`/files/${fileId}/content`)}" download>Download</a>`;
    await showDerivatives(row, file);
  }
}

// Thumbnails and metadata follow SYNCED as a step of their own: read the file again until they are no longer pending.
async function showDerivatives(row, file) {
  for (let attempt = 0; file.derivatives.status === "pending" && attempt < 120; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    file = await call("GET", `/files/${file.file_id}`);
  }
  row.element.dataset.derivatives = file.derivatives.status;
  if (file.derivatives.status === "failed") {
    row.metadata.textContent = `no preview: ${file.derivatives.reason}`;
    return;
  }
  const small = file.thumbnails.find((t) => t.size === 200);
  if (!small) return;
  row.preview.src = await thumbnail(small.url);
  row.preview.width = small.width;
  row.preview.height = small.height;
  row.preview.alt = `Preview of ${file.filename}`;
  row.preview.hidden = false;
  const m = file.metadata;
  row.metadata.textContent = [
    `${m.width} × ${m.height}`, m.format, m.pages ? `${m.pages} pages` : null, m.camera, m.taken_at?.replace("T", " "),
    m.location ? `${m.location.latitude.toFixed(4)}, ${m.location.longitude.toFixed(4)}` : null,
  ].filter(Boolean).join(" · ");
}

// Per file: the share sent, the speed over the last seconds, the time left. In total: all bytes picked this session.
function showProgress(entry) {
  const { file, row, sent } = entry;
  row.progress.value = file.size ? (sent / file.size) * 100 : 100;
  const now = performance.now();
  entry.samples = [...(entry.samples ?? []).filter((s) => now - s.at < 3000), { at: now, sent }];
  const [oldest] = entry.samples;
  const rate = now > oldest.at ? ((sent - oldest.sent) / (now - oldest.at)) * 1000 : 0;
  row.speed.textContent = rate > 0 && sent < file.size ? `${formatBytes(rate)}/s · ${formatDuration((file.size - sent) / rate)} left` : "";
  const size = total.files.reduce((sum, f) => sum + f.file.size, 0);
  const done = total.files.reduce((sum, f) => sum + f.sent, 0);
  total.bar.value = size ? (done / size) * 100 : 100;
  total.text.textContent = `${formatBytes(done)} of ${formatBytes(size)}`;
}

async function showUnfinished() {
  const unfinished = await unfinishedUploads();
  const section = document.querySelector("#unfinished");
  section.hidden = unfinished.length === 0;
  const list = section.querySelector("ul");
  list.replaceChildren(...unfinished.map((upload) => {
    const item = document.createElement("li");
    const parts = Math.ceil(upload.size / upload.partSize);
    item.textContent = `${upload.name} (${formatBytes(upload.size)}): ${Object.keys(upload.etags).length} of ${parts} parts sent`;
    return item;
  }));
}

function setStatus(row, status, detail) {
  row.element.dataset.status = status;
  row.status.textContent = status;
  row.detail.textContent = detail ?? "";
  if (["SYNCED", "FAILED", "EXPIRED", "ERROR", "CANCELLED"].includes(status)) showUnfinished();
}

function addRow(file) {
  const element = template.content.firstElementChild.cloneNode(true);
  rows.append(element);
  const part = (selector) => element.querySelector(selector);
  part(".name").textContent = file.name;
  return {
    element, name: part(".name"), progress: part("progress"), speed: part(".speed"), status: part(".status"),
    detail: part(".detail"), sha256: part(".sha256"), link: part(".link"), cancel: part(".cancel"),
    preview: part(".preview img"), metadata: part(".metadata"),
  };
}

const formatBytes = (bytes) => {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let unit = 0;
  while (bytes >= 1000 && unit < units.length - 1) { bytes /= 1000; unit++; }
  return `${bytes.toFixed(unit ? 1 : 0)} ${units[unit]}`;
};
const formatDuration = (seconds) => {
  const s = Math.ceil(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
