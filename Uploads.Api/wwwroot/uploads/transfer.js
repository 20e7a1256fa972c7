// One request to storage with upload progress, a timeout and cancellation, retried with exponential backoff when it fails
// or times out: what makes a flaky connection cost one part, not the file.
export class TransferError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function send({ method, url, body, headers = {}, timeoutMs, onProgress, signal }) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.timeout = timeoutMs;
    request.upload.onprogress = (e) => onProgress?.(e.loaded);
    const abort = () => request.abort();
    signal?.addEventListener("abort", abort, { once: true });
    const done = (settle) => { signal?.removeEventListener("abort", abort); settle(); };
    request.onload = () => done(() => request.status < 300
      ? resolve(request)
      : reject(new TransferError(`storage answered ${request.status}`, request.status)));
    request.onerror = () => done(() => reject(new TransferError("storage could not be reached", 0)));
    request.ontimeout = () => done(() => reject(new TransferError(`no answer from storage within ${timeoutMs / 1000} s`, 0)));
    request.onabort = () => done(() => reject(new DOMException("Upload cancelled", "AbortError")));
    request.send(body);
  });
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => { clearTimeout(timer); reject(new DOMException("Upload cancelled", "AbortError")); }, { once: true });
});

// Sends with retries: 5xx, 408, 429, a network error or a timeout is tried again after 0.5, 1, 2, 4, 8 s (with jitter);
// a 403 asks `refresh` for a fresh request (an expired signature) once per attempt; any other answer fails at once.
export async function sendWithRetries(request, { attempts = 6, refresh, onRetry, signal } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send({ ...request, signal });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      const retryable = error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;
      const expired = error.status === 403 && refresh;
      if (attempt >= attempts || !(retryable || expired)) throw error;
      onRetry?.(error, attempt);
      await sleep(500 * 2 ** (attempt - 1) * (0.75 + Math.random() / 2), signal);
      if (expired) request = { ...request, ...(await refresh()) };
    }
  }
}
