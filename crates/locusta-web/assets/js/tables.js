// The tables of the Statistics, Failures, Exceptions, Current Ratio and Workers tabs, rebuilt
// from each answer. All text goes in through `textContent` (see dom.js).

import { el, formatBytes, formatDecimal, formatInteger, formatPercent, formatRate } from "./dom.js";

/** A worker above this CPU use (percent of one core) is overloaded (Locust warns at 90%). */
const CPU_WARNING_PERCENT = 90;

/** A numeric cell. */
function num(text) {
  return el("td", { className: "num", text });
}

/** A text cell; long text is cut by CSS and shown whole in the tooltip. */
function txt(text, className = "text") {
  return el("td", { className, text, title: text });
}

/** The Statistics tab: one row per `/stats/requests` entry, Aggregated last and bold. */
export function renderStats(tbody, rows) {
  tbody.replaceChildren(
    ...rows.map((row) => {
      const tr = el("tr", {}, [
        txt(row.method, "method"),
        txt(row.name),
        num(formatInteger(row.num_requests)),
        num(formatInteger(row.num_failures)),
        num(formatInteger(row.median_response_time)),
        num(formatInteger(row["response_time_percentile_0.95"])),
        num(formatInteger(row["response_time_percentile_0.99"])),
        num(formatDecimal(row.avg_response_time)),
        num(formatInteger(row.min_response_time)),
        num(formatInteger(row.max_response_time)),
        num(formatDecimal(row.avg_content_length)),
        num(formatDecimal(row.current_rps)),
        num(formatDecimal(row.current_fail_per_sec)),
      ]);
      if (row.name === "Aggregated" && row.method === "") {
        tr.className = "total";
      }
      if (row.num_failures > 0) {
        tr.children[3].classList.add("bad");
      }
      return tr;
    }),
  );
}

/** The Failures tab, most frequent first (as Locust's UI sorts them). */
export function renderFailures(tbody, empty, errors) {
  const sorted = [...errors].sort((a, b) => b.occurrences - a.occurrences);
  tbody.replaceChildren(
    ...sorted.map((error) =>
      el("tr", {}, [
        num(formatInteger(error.occurrences)),
        txt(error.method, "method"),
        txt(error.name),
        txt(error.error, "text message"),
      ]),
    ),
  );
  empty.hidden = errors.length > 0;
}

/** The Exceptions tab; tracebacks keep their line breaks. */
export function renderExceptions(tbody, empty, exceptions) {
  tbody.replaceChildren(
    ...exceptions.map((exception) =>
      el("tr", {}, [
        num(formatInteger(exception.count)),
        txt(exception.msg, "text message"),
        el("td", { className: "text" }, [el("pre", { className: "traceback", text: exception.traceback })]),
        txt(exception.nodes),
      ]),
    ),
  );
  empty.hidden = exceptions.length > 0;
}

/**
 * The Workers tab (a master's UI only): one row per `/stats/requests` worker, in the master's
 * order, with its state as a badge like the header's.
 */
export function renderWorkers(tbody, empty, workers) {
  tbody.replaceChildren(
    ...workers.map((worker) => {
      const state = el("span", { className: "state", text: worker.state });
      state.dataset.state = worker.state;
      // Exactly one decimal, like the header's rates, so the column lines up.
      const cpu = num(formatRate(worker.cpu_usage));
      if (worker.cpu_usage > CPU_WARNING_PERCENT) cpu.classList.add("bad");
      return el("tr", {}, [
        txt(worker.id),
        txt(worker.hostname ?? ""),
        el("td", {}, [state]),
        num(formatInteger(worker.user_count)),
        cpu,
        num(formatBytes(worker.memory_usage)),
      ]);
    }),
  );
  empty.hidden = workers.length > 0;
}

/**
 * One side of the Current Ratio tab: each class with its share of the users, and under it each
 * task with its share (`/tasks`' `per_class` or `total`).
 */
export function renderRatios(list, classes) {
  const names = Object.keys(classes).sort((a, b) => classes[b].ratio - classes[a].ratio || a.localeCompare(b));
  list.replaceChildren(
    ...names.map((name) => {
      const entry = classes[name];
      const tasks = Object.keys(entry.tasks).sort(
        (a, b) => entry.tasks[b].ratio - entry.tasks[a].ratio || a.localeCompare(b),
      );
      return el("li", { className: "ratio-class" }, [
        ratioLine(entry.ratio, name, "ratio-name"),
        el(
          "ul",
          { className: "ratio-tasks" },
          tasks.map((task) => el("li", {}, [ratioLine(entry.tasks[task].ratio, task, "ratio-task")])),
        ),
      ]);
    }),
  );
}

/** `75.0%  WebUser` with a bar showing the share. */
function ratioLine(ratio, name, className) {
  const bar = el("span", { className: "ratio-bar" }, [el("span", { className: "ratio-fill" })]);
  bar.firstChild.style.width = `${Math.min(100, Math.max(0, ratio * 100))}%`;
  return el("div", { className: "ratio-line" }, [
    el("span", { className: "ratio-value", text: formatPercent(ratio) }),
    bar,
    el("span", { className, text: name }),
  ]);
}

/**
 * The Logs tab: the process's last lines as plain text (never markup), scrolled to the newest
 * unless the reader has scrolled up to read older ones.
 */
export function renderLogs(pre, empty, lines) {
  showLines(pre, lines);
  pre.hidden = lines.length === 0;
  empty.hidden = lines.length > 0;
}

/** Puts `lines` in `pre` as text, keeping the newest in view if it was. */
function showLines(pre, lines) {
  const following = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = lines.join("\n");
  if (following) pre.scrollTop = pre.scrollHeight;
}

/**
 * A master's Logs tab: under its own lines, one card per worker that forwarded some (`/logs`'
 * `workers`, by worker id). Cards are kept across polls so each keeps its scroll position.
 */
export function renderWorkerLogs(container, workers) {
  const ids = Object.keys(workers).sort();
  for (const card of [...container.children]) {
    if (!ids.includes(card.dataset.worker)) card.remove();
  }
  for (const id of ids) {
    let card = [...container.children].find((child) => child.dataset.worker === id);
    if (!card) {
      card = el("section", { className: "card logs worker-logs" }, [
        el("h2", { text: `Worker ${id}` }),
        el("pre", { className: "log-lines" }),
      ]);
      card.dataset.worker = id;
      container.append(card);
    }
    showLines(card.querySelector("pre"), workers[id]);
  }
}
