// The server's HTTP API, as the page uses it. Paths are relative to the page, so the UI also
// works behind a reverse proxy that serves it under a path prefix.

/** A request that reached the server but was not answered with success. */
export class ApiError extends Error {}

async function check(response, path) {
  if (!response.ok) {
    throw new ApiError(`${path}: HTTP ${response.status}`);
  }
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** GET `path` and decode its JSON answer. */
export async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
  return check(response, path);
}

/** POST `fields` to `path` as a form; empty values are left out. */
export async function postForm(path, fields = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && value !== "") {
      body.append(name, String(value));
    }
  }
  const response = await fetch(path, { method: "POST", body });
  return check(response, path);
}

/** The endpoints, by what they do. */
export const api = {
  /** Locust's statistics document (state, user count, rows, failures). */
  stats: () => getJSON("stats/requests"),
  /** Chart points recorded after Unix time `since` (all of them when `since` is null). */
  history: (since) =>
    getJSON(since == null ? "stats/history" : `stats/history?since=${encodeURIComponent(since)}`),
  exceptions: () => getJSON("exceptions"),
  tasks: () => getJSON("tasks"),
  /** This process's last log lines: `{master: [...], workers: {}}`. */
  logs: () => getJSON("logs"),
  /** Starts a test, or edits the running one: `{success, message}`. */
  swarm: (fields) => postForm("swarm", fields),
  stop: () => postForm("stop"),
  reset: () => postForm("stats/reset"),
};
