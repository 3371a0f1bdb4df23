// The start form ("Start new load test") and the edit dialog ("Edit running load test"). Both
// POST /swarm; the server checks every field and its message is shown as sent.
//
// With a load shape the form hides what the shape decides (users, spawn rate, run time), unless
// the shape uses Locust's common options. With --class-picker the classes are checkboxes sent as
// `user_classes`, and a "Shape Class" select offers the shape or "Default" (no shape).

import { api } from "./api.js";
import { byId, el, formatDecimal } from "./dom.js";

/** Locust's name for "no shape" in `shape_class`. */
const NO_SHAPE = "Default";

/** What the last successful /swarm asked for, to prefill the edit dialog. */
const target = { users: null, spawnRate: null, shape: false };

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
async function swarm(fields, usesShape) {
  try {
    const answer = await api.swarm(fields);
    if (!answer.success) return answer.message || "The server refused the request.";
    target.shape = usesShape;
    if (!usesShape) {
      target.users = fields.user_count;
      target.spawnRate = fields.spawn_rate;
    }
    return null;
  } catch (error) {
    return `Could not reach the server: ${error.message}`;
  }
}

/** Whether the test started last (from this page) is driven by the load shape: it cannot be edited. */
export function shapeDrivesTest() {
  return target.shape;
}

/** The class list: checkboxes that choose with the picker, a read-only list without it. */
function setupClasses(classes, picker) {
  const total = classes.reduce((sum, c) => sum + (c.fixed_count > 0 ? 0 : c.weight), 0) || 1;
  const boxes = classes.map((c) => {
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.disabled = !picker;
    box.value = c.name;
    box.dataset.testid = `class-${c.name}`;
    const share = c.fixed_count > 0 ? `${c.fixed_count} fixed` : `weight ${formatDecimal(c.weight)} · ${formatDecimal((c.weight / total) * 100)}%`;
    return { box, item: el("li", {}, [el("label", {}, [box, el("span", { className: "class-name", text: c.name }), el("span", { className: "class-share", text: share })])]) };
  });
  byId("class-list").replaceChildren(...boxes.map((b) => b.item));
  byId("classes-field").hidden = !(picker || classes.length > 1);
  return boxes.map((b) => b.box);
}

/** What the class list's hint says. */
function classesHint(picker, shaped) {
  if (shaped) return "The load shape decides which classes run.";
  if (picker) return "The test runs the classes ticked, in their weighted mix.";
  return "Every class runs (start Locusta with --class-picker to choose).";
}

/**
 * The shape controls: a note naming the shape, and with the picker a select between the shape
 * and Default. Returns a function telling whether the shape is chosen.
 */
function setupShape(shape, picker, onChange) {
  if (!shape) return () => false;
  const select = byId("shape-class");
  if (picker) {
    select.replaceChildren(el("option", { text: shape.name }), el("option", { text: NO_SHAPE }));
    select.value = shape.name;
    select.addEventListener("change", onChange);
    byId("shape-choice").hidden = false;
  }
  byId("shape-note").hidden = false;
  return () => !picker || select.value === shape.name;
}

/**
 * Fills the start form from the page settings and handles its submission; `onStarted()` runs
 * once the server has accepted a test, `onCancel()` when the user closes the form.
 */
export function setupStartForm(config, { onStarted, onCancel }) {
  const form = byId("start-form");
  const error = byId("start-error");
  const defaults = config.form || {};
  const shape = config.shape || null;
  const picker = Boolean(config.class_picker);
  byId("users").value = defaults.user_count ?? 1;
  byId("spawn-rate").value = defaults.spawn_rate ?? 1;
  byId("host").value = config.host || "";
  byId("run-time").value = defaults.run_time || "";
  target.users = defaults.user_count ?? null;
  target.spawnRate = defaults.spawn_rate ?? null;
  target.shape = Boolean(shape) && !picker;

  const boxes = setupClasses(config.classes || [], picker);
  const refresh = () => {
    const shaped = shapeChosen();
    // The shape decides users and spawn rate (and the run time), unless it uses the common options.
    const hidden = shaped && !shape.use_common_options;
    for (const id of ["users-field", "spawn-rate-field", "advanced-options"]) byId(id).hidden = hidden;
    // The shape decides which classes run, too.
    for (const box of boxes) box.disabled = !picker || shaped;
    byId("classes-hint").textContent = classesHint(picker, shaped);
    if (shape) {
      byId("shape-hint").textContent = !shaped
        ? "No load shape: the test runs the users and ramp up below."
        : shape.use_common_options
          ? `Load shape ${shape.name} decides the load and reads the users, ramp up and run time below.`
          : `Load shape ${shape.name} decides the number of users, the ramp up and when the test ends.`;
    }
  };
  const shapeChosen = setupShape(shape, picker, refresh);
  refresh();

  byId("start-cancel").addEventListener("click", () => {
    showError(error, "");
    onCancel();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const shaped = shapeChosen();
    const fields = { host: byId("host").value.trim() };
    if (shape) fields.shape_class = shaped ? shape.name : NO_SHAPE;
    if (!shaped || shape.use_common_options) {
      fields.user_count = byId("users").value;
      fields.spawn_rate = byId("spawn-rate").value;
      fields.run_time = byId("run-time").value.trim();
    }
    let problem = shaped ? null : missing(fields.user_count, fields.spawn_rate);
    if (!problem && picker && !shaped) {
      const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
      if (chosen.length === 0) problem = "Tick at least one user class.";
      // Sent comma-separated: the server also accepts repeated fields.
      else fields.user_classes = chosen.join(",");
    }
    problem = problem || (await swarm(fields, shaped));
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
    const fields = { user_count: byId("edit-users").value, spawn_rate: byId("edit-spawn-rate").value, shape_class: NO_SHAPE };
    const problem = missing(fields.user_count, fields.spawn_rate) || (await swarm(fields, false));
    showError(error, problem);
    if (!problem) {
      dialog.close();
      onEdited();
    }
  });
}
