// Calls to this API. In Development the API hands out a token for a demo tenant; a real frontend gets its token from its sign-in.
const token = fetch("/dev/token").then(async (response) => {
  if (!response.ok) throw new Error("no token: sign-in is needed outside Development");
  return (await response.json()).access_token;
});

export const authorization = async () => `Bearer ${await token}`;

// EventSource and download links cannot send a header: these two reads take the token in the query.
export const withToken = async (path) => `${path}?access_token=${encodeURIComponent(await token)}`;

export class ApiError extends Error {
  constructor(status, problem) {
    super(`${problem.code ?? status}: ${problem.detail ?? problem.title ?? "request failed"}`);
    this.status = status;
    this.code = problem.code;
  }
}

export async function call(method, path, body) {
  const headers = { authorization: await authorization() };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// A thumbnail read with the header (no token in an image URL, where logs and referrers would keep it), shown from a blob.
export async function thumbnail(path) {
  const response = await fetch(path, { headers: { authorization: await authorization() } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  return URL.createObjectURL(await response.blob());
}

const terminal = new Set(["SYNCED", "FAILED", "EXPIRED"]);

// Follows a file's status over server-sent events until it is settled; calls onStatus for each transition.
export async function follow(fileId, onStatus) {
  const url = await withToken(`/files/${fileId}/events`);
  return new Promise((resolve) => {
    const events = new EventSource(url);
    events.addEventListener("status", (e) => {
      const { status, reason } = JSON.parse(e.data);
      onStatus(status, reason);
      if (terminal.has(status)) { events.close(); resolve(status); }
    });
    events.onerror = () => { if (events.readyState === EventSource.CLOSED) resolve(null); };
  });
}
