// The start form ("Start new load test") and the edit dialog ("Edit running load test"). Both
// POST /swarm; the server checks every field and its message is shown as sent.

import { api } from "./api.js";
import { byId, el, formatDecimal } from "./dom.js";

/** What the last successful /swarm asked for, to prefill the edit dialog. */
const target = { users: null, spawnRate: null };

/** Shows `message` in the error line `element` (hidden when empty). */
function showError(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

/** Reads the two numbers both forms have; returns an error message or null. */
function missing(users, spawnRate) {
  if (users.trim() === "") return "Enter the number of users.";
  if (spawnRate.trim() === "") return "Enter the ramp up (users started per second).";
  return null;
}

/** POSTs /swarm; resolves to an error message, or null when the server accepted it. */
async function swarm(fields) {
  try {
    const answer = await api.swarm(fields);
    if (!answer.success) return answer.message || "The server refused the request.";
    target.users = fields.user_count;
    target.spawnRate = fields.spawn_rate;
    return null;
  } catch (error) {
    return `Could not reach the server: ${error.message}`;
  }
}

/**
 * Fills the start form from the page settings and handles its submission; `onStarted()` runs
 * once the server has accepted a test, `onCancel()` when the user closes the form.
 */
export function setupStartForm(config, { onStarted, onCancel }) {
  const form = byId("start-form");
  const error = byId("start-error");
  const defaults = config.form || {};
  byId("users").value = defaults.user_count ?? 1;
  byId("spawn-rate").value = defaults.spawn_rate ?? 1;
  byId("host").value = config.host || "";
  byId("run-time").value = defaults.run_time || "";
  target.users = defaults.user_count ?? null;
  target.spawnRate = defaults.spawn_rate ?? null;

  const classes = config.classes || [];
  if (classes.length > 1) {
    byId("classes-field").hidden = false;
    const total = classes.reduce((sum, c) => sum + (c.fixed_count > 0 ? 0 : c.weight), 0) || 1;
    byId("class-list").replaceChildren(
      ...classes.map((c) => {
        const box = el("input");
        box.type = "checkbox";
        box.checked = true;
        box.disabled = true;
        const share = c.fixed_count > 0 ? `${c.fixed_count} fixed` : `weight ${formatDecimal(c.weight)} · ${formatDecimal((c.weight / total) * 100)}%`;
        return el("li", {}, [el("label", {}, [box, el("span", { className: "class-name", text: c.name }), el("span", { className: "class-share", text: share })])]);
      }),
    );
  }

  byId("start-cancel").addEventListener("click", () => {
    showError(error, "");
    onCancel();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = {
      user_count: byId("users").value,
      spawn_rate: byId("spawn-rate").value,
      host: byId("host").value.trim(),
      run_time: byId("run-time").value.trim(),
    };
    const problem = missing(fields.user_count, fields.spawn_rate) || (await swarm(fields));
    showError(error, problem);
    if (!problem) onStarted();
  });
}

/** Opens the start form's Cancel button only when there is something to go back to. */
export function allowCancel(allowed) {
  byId("start-cancel").hidden = !allowed;
}

/** Wires the edit dialog; `currentUsers()` gives the fallback user count, `onEdited()` runs after a successful edit. */
export function setupEditDialog({ currentUsers, onEdited }) {
  const dialog = byId("edit-dialog");
  const error = byId("edit-error");
  byId("edit-button").addEventListener("click", () => {
    byId("edit-users").value = target.users ?? currentUsers();
    byId("edit-spawn-rate").value = target.spawnRate ?? 1;
    showError(error, "");
    dialog.showModal();
    byId("edit-users").select();
  });
  byId("edit-cancel").addEventListener("click", () => dialog.close());
  byId("edit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = { user_count: byId("edit-users").value, spawn_rate: byId("edit-spawn-rate").value };
    const problem = missing(fields.user_count, fields.spawn_rate) || (await swarm(fields));
    showError(error, problem);
    if (!problem) {
      dialog.close();
      onEdited();
    }
  });
}
