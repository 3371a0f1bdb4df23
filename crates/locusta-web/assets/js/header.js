// The top bar: host, state, users, RPS and failure ratio, and which buttons the state allows.

import { byId, formatInteger, formatPercent, formatRate, setText } from "./dom.js";

/** States in which a test is under way (Locust's UI shows Edit and Stop then). */
export const ACTIVE_STATES = new Set(["spawning", "running"]);

/** States from which `/swarm` starts a new test rather than editing one. */
export const IDLE_STATES = new Set(["ready", "stopped"]);

/** Shows the run's host, or says that each class has its own. */
export function renderHost(host) {
  const element = byId("header-host");
  element.textContent = host || "Set per user class";
  element.title = host || "";
}

/** Shows the numbers of a `/stats/requests` document. */
export function renderHeader(stats) {
  const state = byId("header-state");
  state.textContent = stats.state.toUpperCase();
  state.dataset.state = stats.state;
  setText("header-users", formatInteger(stats.user_count));
  setText("header-rps", formatRate(stats.current_rps));
  setText("header-failures", formatPercent(stats.fail_ratio));
}

/**
 * Shows the buttons that make sense in `state`: Edit and Stop while a test runs, New test once
 * it has stopped, Reset whenever there are statistics.
 */
export function renderButtons(state, formOpen) {
  const active = ACTIVE_STATES.has(state);
  byId("edit-button").hidden = !active;
  byId("stop-button").hidden = !active;
  byId("new-button").hidden = state !== "stopped" || formOpen;
  byId("reset-button").hidden = state === "ready";
}
