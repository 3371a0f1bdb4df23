// The HTML report's charts: the run's history, embedded as JSON in #chart-data, drawn by the
// shared chart code (charts.js), which the report inlines just before this file into one
// module script, so `Charts` is in scope here.

const data = JSON.parse(document.getElementById("chart-data").textContent);
// The run is over: the time axis fits it (one second at least) instead of the UI's minute.
const charts = new Charts(Math.max(1, data.history.length), { minSpan: 1 });
charts.mount();
charts.append(data.history);
window.addEventListener("resize", () => charts.resize());

/** For debugging in the browser console (and for the browser test). */
window.locustaReport = { charts };
