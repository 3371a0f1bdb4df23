// The three charts of the web UI's Charts tab and of the HTML report: requests and failures per
// second, response-time percentiles, users. uPlot draws them from history points shaped like
// `/stats/history`'s (`time`, `user_count`, `current_rps`, `current_fail_per_sec`,
// `response_time_percentile_0.5`, `response_time_percentile_0.95`).
//
// Shared by both: the UI imports it as an ES module (served at `/assets/js/charts.js`), the
// report inlines it into its one module script. So it imports nothing and needs only the
// global `uPlot` (a classic script loaded before it) and three containers with the ids
// `chart-rps`, `chart-response-times` and `chart-users`. Where the points come from (polling
// the API, or JSON embedded in the report) is the caller's business.

const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** `1,234` */
function formatInteger(value) {
  return wholeNumber.format(Math.round(Number(value) || 0));
}

/** At most two decimals, as Locust's UI rounds: `7.64`, `11`. */
function formatDecimal(value) {
  return twoDecimals.format(Number(value) || 0);
}

const HEIGHT = 260;
const GRID = { stroke: "#eef0f4", width: 1 };
const AXIS = { stroke: "#6b7280", grid: GRID, ticks: { stroke: "#e5e7eb", width: 1 }, font: "12px system-ui, sans-serif" };

/**
 * A legend value: the hovered point's, or the newest one when the cursor is elsewhere, so the
 * legend doubles as a live readout.
 */
function legendValue(format) {
  return (u, value, seriesIndex) => {
    const column = u.data[seriesIndex] || [];
    const shown = value ?? column[column.length - 1];
    return shown == null ? "–" : format(shown);
  };
}

/** A line series. */
function line(label, color, format, fill = false) {
  return {
    label,
    stroke: color,
    width: 2,
    fill: fill ? `${color}14` : undefined,
    points: { show: false },
    value: legendValue(format),
  };
}

/** The time axis's legend value. */
const TIME_SERIES = { value: legendValue((time) => new Date(time * 1000).toLocaleTimeString()) };

/**
 * Time, at least `minSpan` seconds wide: the UI keeps a minute so that a young test's chart does
 * not zoom into milliseconds; the report fits the finished run.
 */
function timeScale(minSpan) {
  return {
    time: true,
    range: (_, min, max) => (min == null ? [0, minSpan] : [min, Math.max(max, min + minSpan)]),
  };
}

/** A y scale from 0 to a little above the highest value (1 when everything is 0). */
const FROM_ZERO = { range: (_, _min, max) => [0, max > 0 ? max * 1.12 : 1] };

/** The three charts and the columns of points behind them. */
export class Charts {
  /**
   * `capacity`: most points kept (the server's history capacity); `minSpan`: the narrowest
   * time axis, in seconds.
   */
  constructor(capacity, { minSpan = 60 } = {}) {
    this.capacity = capacity;
    this.minSpan = minSpan;
    this.plots = null;
    this.columns = emptyColumns();
  }

  /** Creates the charts in their containers (once uPlot has loaded). */
  mount() {
    const make = (id, series, yAxis = {}) => {
      const container = document.getElementById(id);
      const options = {
        width: container.clientWidth || 800,
        height: HEIGHT,
        scales: { x: timeScale(this.minSpan), y: FROM_ZERO },
        axes: [AXIS, { ...AXIS, size: 56, ...yAxis }],
        series: [TIME_SERIES, ...series],
        cursor: { drag: { x: true, y: false } },
        legend: { live: true },
      };
      return { container, plot: new uPlot(options, [[]], container) };
    };
    this.plots = {
      rps: make("chart-rps", [line("RPS", "#16a34a", formatDecimal, true), line("Failures/s", "#dc2626", formatDecimal)]),
      responseTimes: make("chart-response-times", [
        line("50th percentile", "#7c3aed", (v) => `${formatDecimal(v)} ms`),
        line("95th percentile", "#ea580c", (v) => `${formatDecimal(v)} ms`),
      ]),
      users: make("chart-users", [line("Users", "#2563eb", formatInteger, true)], {
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
      }),
    };
    this.draw();
  }

  /** Unix time of the newest point, or null without points. */
  get lastTime() {
    const times = this.columns.time;
    return times.length ? times[times.length - 1] : null;
  }

  /** Forgets every point (a new test started, or the statistics were reset). */
  clear() {
    this.columns = emptyColumns();
    this.draw();
  }

  /** Adds `/stats/history` points (oldest first) after the ones already shown. */
  append(points) {
    const columns = this.columns;
    for (const point of points) {
      if (this.lastTime != null && point.time <= this.lastTime) continue;
      columns.time.push(point.time);
      columns.rps.push(point.current_rps);
      columns.failures.push(point.current_fail_per_sec);
      columns.p50.push(point["response_time_percentile_0.5"]);
      columns.p95.push(point["response_time_percentile_0.95"]);
      columns.users.push(point.user_count);
    }
    const excess = columns.time.length - this.capacity;
    if (excess > 0) {
      for (const column of Object.values(columns)) column.splice(0, excess);
    }
    if (points.length) this.draw();
  }

  /** Fits the charts to their containers' width (call when the tab shows or the window resizes). */
  resize() {
    if (!this.plots) return;
    for (const { container, plot } of Object.values(this.plots)) {
      const width = container.clientWidth;
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
    }
  }

  draw() {
    if (!this.plots) return;
    const c = this.columns;
    const data = {
      rps: [c.time, c.rps, c.failures],
      responseTimes: [c.time, c.p50, c.p95],
      users: [c.time, c.users],
    };
    for (const [name, { container, plot }] of Object.entries(this.plots)) {
      plot.setData(data[name]);
      container.dataset.points = String(plot.data[0].length);
    }
  }
}

function emptyColumns() {
  return { time: [], rps: [], failures: [], p50: [], p95: [], users: [] };
}
