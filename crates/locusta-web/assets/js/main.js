// Wires the page: reads the settings the server embedded, polls the API every 2 s, and shows
// the start form, the header, the tabs and the charts for the run's state.

import { api } from "./api.js";
import { Charts } from "./charts.js";
import { byId, formatInteger, setText } from "./dom.js";
import { allowCancel, setupEditDialog, setupStartForm, shapeDrivesTest } from "./form.js";
import { ACTIVE_STATES, IDLE_STATES, renderButtons, renderHeader, renderHost } from "./header.js";
import {
  renderExceptions,
  renderFailures,
  renderLogs,
  renderRatios,
  renderStats,
  renderWorkerLogs,
  renderWorkers,
} from "./tables.js";
import { Tabs } from "./tabs.js";

const POLL_MS = 2000;

const config = JSON.parse(byId("locusta-config").textContent);
const charts = new Charts(config.history?.capacity ?? 3600);

/** Page state between polls. */
const page = {
  /** The run state of the last poll (null before the first). */
  state: null,
  userCount: 0,
  /** Whether the user opened the start form over a stopped test's results. */
  formOpen: false,
  /** Set when the charts must be reloaded whole from the server. */
  reloadHistory: true,
  /** Counts chart restarts, so a poll that overlapped one drops its stale points. */
  chartGeneration: 0,
  timer: null,
  polling: false,
  pollAgain: false,
};

/** For debugging in the browser console (and for the browser test): the charts and page errors. */
window.locusta = { charts, errors: [] };

function showBanner(message, kind) {
  const banner = byId("banner");
  banner.textContent = message;
  banner.dataset.kind = kind;
  banner.hidden = false;
}

function hideBanner(kind) {
  const banner = byId("banner");
  if (banner.dataset.kind === kind) banner.hidden = true;
}

function reportPageError(message) {
  window.locusta.errors.push(message);
  showBanner(`The page hit an error: ${message}`, "page");
}
window.addEventListener("error", (event) => reportPageError(event.message));
window.addEventListener("unhandledrejection", (event) => reportPageError(String(event.reason)));

/** Shows the start form or the dashboard, and the header's buttons, for `state`. */
function applyState(state) {
  const showForm = state === "ready" || page.formOpen;
  byId("start-panel").hidden = !showForm;
  byId("dashboard").hidden = showForm;
  allowCancel(state !== "ready");
  renderButtons(state, page.formOpen);
  // A load shape's test cannot be edited (Locust: "Editing is disabled").
  if (shapeDrivesTest()) byId("edit-button").hidden = true;
}

/** Forgets the charts' points: the next poll loads the server's history whole. */
function restartCharts() {
  charts.clear();
  page.reloadHistory = true;
  page.chartGeneration += 1;
}

async function poll() {
  const stats = await api.stats();
  const previous = page.state;
  if (previous !== null && IDLE_STATES.has(previous) && ACTIVE_STATES.has(stats.state)) {
    // A new test started (here, in another tab, or through the API).
    restartCharts();
  }
  page.state = stats.state;
  page.userCount = stats.user_count;
  renderHeader(stats);
  applyState(stats.state);
  renderStats(byId("stats-body"), stats.stats);
  renderFailures(byId("failures-body"), byId("failures-empty"), stats.errors);
  const failures = byId("failures-count");
  failures.textContent = String(stats.errors.length);
  failures.hidden = stats.errors.length === 0;
  if (config.is_distributed) renderCluster(stats);

  await refreshCharts();
  await refreshVisibleTab();
}

/**
 * A master's page (only it has these elements): the header's count of ready workers and the
 * Workers tab, from the `worker_count` and `workers` a master adds to `/stats/requests`.
 */
function renderCluster(stats) {
  setText("header-workers", formatInteger(stats.worker_count ?? 0));
  renderWorkers(byId("workers-body"), byId("workers-empty"), stats.workers ?? []);
}

/** Loads the chart points the page lacks: all of them after a restart, else the new ones. */
async function refreshCharts() {
  const generation = page.chartGeneration;
  const reload = page.reloadHistory;
  const history = await api.history(reload ? null : charts.lastTime);
  if (generation !== page.chartGeneration) return; // restarted meanwhile: the next poll reloads
  if (reload) {
    charts.clear();
    page.reloadHistory = false;
  }
  charts.append(history.history);
}

/** Loads what the visible tab shows beyond `/stats/requests`. */
async function refreshVisibleTab() {
  if (tabs.isShown("panel-exceptions")) {
    const answer = await api.exceptions();
    renderExceptions(byId("exceptions-body"), byId("exceptions-empty"), answer.exceptions);
  } else if (tabs.isShown("panel-ratio")) {
    const ratios = await api.tasks();
    renderRatios(byId("ratio-per-class"), ratios.per_class);
    renderRatios(byId("ratio-total"), ratios.total);
  } else if (tabs.isShown("panel-logs")) {
    const logs = await api.logs();
    renderLogs(byId("logs-master"), byId("logs-empty"), logs.master);
    if (config.is_distributed) {
      renderWorkerLogs(byId("logs-workers"), logs.workers);
      byId("logs-master-title").hidden = Object.keys(logs.workers).length === 0;
    }
  }
}

/** Polls now, then every POLL_MS; never two polls at once. */
async function refresh() {
  clearTimeout(page.timer);
  if (page.polling) {
    page.pollAgain = true;
    return;
  }
  page.polling = true;
  try {
    await poll();
    hideBanner("network");
  } catch (error) {
    showBanner(`Lost contact with the Locusta server (${error.message}); retrying…`, "network");
  } finally {
    page.polling = false;
    if (page.pollAgain) {
      page.pollAgain = false;
      refresh();
    } else {
      page.timer = setTimeout(refresh, POLL_MS);
    }
  }
}

const tabs = new Tabs(document.querySelector(".tabs"), (panelId) => {
  if (panelId === "panel-charts") charts.resize();
  refresh();
});

setupStartForm(config, {
  onStarted: () => {
    page.formOpen = false;
    restartCharts();
    tabs.select("panel-stats");
  },
  onCancel: () => {
    page.formOpen = false;
    applyState(page.state);
  },
});
setupEditDialog({ currentUsers: () => page.userCount, onEdited: refresh });

byId("new-button").addEventListener("click", () => {
  page.formOpen = true;
  applyState(page.state);
});
byId("stop-button").addEventListener("click", async () => {
  await api.stop();
  refresh();
});
byId("reset-button").addEventListener("click", async () => {
  await api.reset();
  restartCharts();
  refresh();
});

document.title = config.locustfile ? `Locusta · ${config.locustfile}` : "Locusta";
setText("locustfile", config.locustfile || "");
setText("version", `Locusta ${config.version}`);
renderHost(config.host);
if (config.is_distributed) setText("header-workers", formatInteger(config.worker_count ?? 0));

// uPlot is a classic deferred script: it has run before this module (modules are deferred too,
// and run in document order).
charts.mount();
window.addEventListener("resize", () => charts.resize());
new ResizeObserver(() => charts.resize()).observe(byId("panel-charts"));
refresh();
