// Large files in parts: 4 parts in flight, each retried on its own, the parts sent kept in IndexedDB so that a reload
// resumes with only the missing ones, and the digest (hashed meanwhile, in a worker) given at completion.
import { call } from "./api.js";
import { sendWithRetries } from "./transfer.js";
import { fingerprintOf, forgetUpload, savedUpload, saveUpload } from "./resume-store.js";

export const partsInFlight = 4;
const partTimeoutMs = 120_000;
const underWay = new Set(["UPLOADED", "SYNCING", "SYNCED"]);

// The ticket of the upload saved for this file, if it can go on; null when a new upload must start.
async function resumable(saved) {
  try {
    return await call("GET", `/files/${saved.fileId}/multipart-upload`);
  } catch (error) {
    if (error.status === 409) {
      const file = await call("GET", `/files/${saved.fileId}`);
      if (underWay.has(file.status)) return { file_id: file.file_id ?? saved.fileId, status: file.status, parts: [] };
    }
    if (error.status !== 404 && error.status !== 409) throw error;
    await forgetUpload(saved.fingerprint);
    return null;
  }
}

export async function uploadInParts(file, { digest, onStarted, onProgress, onRetry, signal }) {
  const fingerprint = fingerprintOf(file);
  let saved = await savedUpload(fingerprint);
  let ticket = saved && await resumable(saved);
  if (ticket && ticket.status !== "PENDING") {
    await forgetUpload(fingerprint);
    onStarted(ticket.file_id, { resumed: true });
    return ticket.file_id;
  }
  if (!ticket) {
    ticket = await call("POST", "/files/multipart-upload", { filename: file.name, size: file.size, content_type: file.type || undefined });
    saved = { fingerprint, fileId: ticket.file_id, name: file.name, size: file.size, partSize: ticket.part_size, etags: {} };
    await saveUpload(saved);
  }
  const fileId = ticket.file_id;
  const partSize = ticket.part_size;
  const urls = new Map(ticket.parts.map((part) => [part.part_number, part.url]));
  // What storage lists and what this browser kept: either way, that part need not be sent again.
  const etags = { ...saved.etags };
  for (const part of ticket.parts) if (part.etag) etags[part.part_number] = part.etag;
  const missing = ticket.parts.map((part) => part.part_number).filter((number) => !etags[number]);
  onStarted(fileId, { resumed: missing.length < ticket.parts.length, parts: ticket.parts.length, missing: missing.length });

  const lengthOf = (number) => Math.min(file.size, number * partSize) - (number - 1) * partSize;
  let storedBytes = Object.keys(etags).reduce((sum, number) => sum + lengthOf(Number(number)), 0);
  const inFlight = new Map();
  const report = () => onProgress(storedBytes + [...inFlight.values()].reduce((a, b) => a + b, 0));
  report();

  const refresh = async () => {
    const fresh = await call("GET", `/files/${fileId}/multipart-upload`);
    for (const part of fresh.parts) urls.set(part.part_number, part.url);
  };

  // One failed part (after its retries) stops the others: the file is then left to resume later.
  const failure = new AbortController();
  const partSignal = AbortSignal.any([signal, failure.signal]);
  const sendPart = async (number) => {
    const start = (number - 1) * partSize;
    const response = await sendWithRetries(
      { method: "PUT", url: urls.get(number), body: file.slice(start, start + lengthOf(number)), timeoutMs: partTimeoutMs,
        onProgress: (bytes) => { inFlight.set(number, bytes); report(); } },
      {
        signal: partSignal,
        refresh: async () => { await refresh(); return { url: urls.get(number) }; },
        onRetry: (error, attempt) => { inFlight.delete(number); report(); onRetry(number, error, attempt); },
      });
    etags[number] = response.getResponseHeader("ETag");
    inFlight.delete(number);
    storedBytes += lengthOf(number);
    report();
    saved.etags[number] = etags[number];
    await saveUpload(saved);
  };

  const queue = [...missing];
  const lanes = Array.from({ length: Math.min(partsInFlight, queue.length) }, async () => {
    while (queue.length) await sendPart(queue.shift());
  });
  try {
    await Promise.all(lanes);
  } catch (error) {
    failure.abort();
    throw error;
  }

  const parts = Object.keys(etags).map(Number).sort((a, b) => a - b).map((number) => ({ part_number: number, etag: etags[number] }));
  const result = await call("POST", `/files/${fileId}/complete-multipart`, { parts, sha256: await digest });
  await forgetUpload(fingerprint);
  if (result.error) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return fileId;
}

// Cancels the upload: storage frees its parts, the file becomes EXPIRED (CANCELLED), and this browser forgets it.
export async function cancelUpload(file, fileId) {
  await forgetUpload(fingerprintOf(file));
  if (fileId) await call("DELETE", `/files/${fileId}/multipart-upload`).catch((error) => { if (error.status !== 409) throw error; });
}
