// SHA-256 of a file, computed in a worker (hash-worker.js) with bounded memory; abortable.
export function hashFile(file, { onProgress = () => {}, signal } = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./hash-worker.js", import.meta.url), { type: "module" });
    const stop = () => { worker.terminate(); reject(new DOMException("Hashing cancelled", "AbortError")); };
    signal?.addEventListener("abort", stop, { once: true });
    worker.onmessage = ({ data }) => {
      if (data.progress !== undefined) return onProgress(data.progress);
      signal?.removeEventListener("abort", stop);
      worker.terminate();
      data.error ? reject(new Error(`hashing failed: ${data.error}`)) : resolve(data.sha256);
    };
    worker.onerror = (event) => { signal?.removeEventListener("abort", stop); worker.terminate(); reject(new Error(event.message)); };
    worker.postMessage({ file });
  });
}
