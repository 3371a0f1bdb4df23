//! `GET /`: a placeholder page until the web UI exists.

use axum::response::Html;

/// Static on purpose: nothing from the run is written into HTML here, so nothing needs
/// escaping. The real UI will embed the run's data as JSON.
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Locusta</title></head>
<body>
<h1>Locusta</h1>
<p>The web UI is not built yet. The Locust-compatible API is available:</p>
<ul>
<li><code>POST /swarm</code> (<code>user_count</code>, <code>spawn_rate</code>, <code>host</code>, <code>run_time</code>)</li>
<li><code>POST /stop</code>, <code>POST /stats/reset</code></li>
<li><a href="stats/requests"><code>GET /stats/requests</code></a>,
<a href="stats/requests/csv"><code>/stats/requests/csv</code></a>,
<a href="stats/failures/csv"><code>/stats/failures/csv</code></a></li>
<li><a href="exceptions"><code>GET /exceptions</code></a>,
<a href="exceptions/csv"><code>/exceptions/csv</code></a>,
<a href="tasks"><code>/tasks</code></a>,
<a href="worker-count"><code>/worker-count</code></a></li>
</ul>
</body>
</html>
"#;

/// The placeholder page.
pub(super) async fn page() -> Html<&'static str> {
    Html(PAGE)
}
