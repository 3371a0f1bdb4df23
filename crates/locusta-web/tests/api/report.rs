//! `GET /stats/report`: the HTML report of the current test, inline or as a download.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use locusta_web::FormDefaults;

use crate::support::{HOST, get, local, post_form, start, start_with, swarm, view, wait_secs};

/// The cells of the Request Statistics row whose Name cell holds `escaped_name` (as the
/// template escapes it), tags removed.
fn stats_row(html: &str, escaped_name: &str) -> Vec<String> {
    let table = &html[html.find(r#"id="stats-table""#).expect("the stats table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let name_cell = format!(r#"<td class="text">{escaped_name}</td>"#);
    let row_start = table
        .find(&name_cell)
        .unwrap_or_else(|| panic!("no row {escaped_name}"));
    let row = &table[table[..row_start].rfind("<tr").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find("</td>").unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_report_shows_the_run() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(6.5).await;
        // While the test runs, the final ratio is the users per class: Visitor has weight 3,
        // Crasher weight 1.
        let running = get(&api, "/stats/report").await.text();
        assert!(running.contains(
            r#"<tr><td class="text">Visitor</td><td class="num">3</td><td class="num">75%</td></tr>"#
        ));
        assert!(running.contains(
            r#"<tr><td class="text">Crasher</td><td class="num">1</td><td class="num">25%</td></tr>"#
        ));

        post_form(&api, "/stop", "").await;
        wait_secs(1.0).await;

        let answer = get(&api, "/stats/report").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header(CONTENT_TYPE), Some("text/html; charset=utf-8"));
        assert_eq!(answer.header(CONTENT_DISPOSITION), None, "shown, not downloaded");
        let csp = answer.header(CONTENT_SECURITY_POLICY).expect("a policy");
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        let html = answer.text();
        assert!(html.contains("<h1>Locusta Test Report</h1>"));
        assert!(html.contains(r#"<dd data-testid="script">locustfile.lua</dd>"#));
        assert!(html.contains(&format!(
            r#"<dd data-testid="host">{}</dd>"#,
            HOST.replace('/', "&#x2f;")
        )));

        // The rows hold what the runner counted (the view is final: the test is stopped).
        let view = view(&api);
        assert!(view.entries().len() >= 3, "/, /err and /login ran");
        for row in view.rows_with_total() {
            let cells = stats_row(&html, &row.name().replace('/', "&#x2f;"));
            assert_eq!(cells[0], row.method());
            assert_eq!(cells[2], row.num_requests().to_string(), "{}", row.name());
            assert_eq!(cells[3], row.num_failures().to_string(), "{}", row.name());
        }
        assert!(html.contains("HTTPError(&#x27;500 Server Error&#x27;)"));
        assert!(html.contains("login page changed"), "the exception");
        assert!(!html.contains(r#"id="thresholds""#));
        assert!(html.contains(r#"id="chart-data""#));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn download_names_the_file_like_locust() {
    local(async {
        let api = start(None);
        let answer = get(&api, "/stats/report?download=1").await;
        assert_eq!(answer.status, 200);
        let disposition = answer.header(CONTENT_DISPOSITION).expect("an attachment");
        assert!(
            disposition.starts_with("attachment;filename=Locust_")
                && disposition.ends_with(&format!("_locustfile.lua_{HOST}.html")),
            "{disposition}"
        );
        // `YYYY-MM-DD-HHhMM` between the prefix and the locustfile.
        let stamp = &disposition["attachment;filename=Locust_".len()..][..16];
        assert_eq!(stamp.as_bytes()[13], b'h', "{stamp}");
        assert!(answer.text().contains("<h1>Locusta Test Report</h1>"));

        let empty = get(&api, "/stats/report?download=").await;
        assert_eq!(empty.header(CONTENT_DISPOSITION), None);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn run_names_are_escaped() {
    local(async {
        let api = start_with(
            None,
            |run| {
                run.locustfile = "<script>alert(1)</script>.lua".to_owned();
                run.host = None;
            },
            FormDefaults::default(),
        );
        let html = get(&api, "/stats/report").await.text();
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(html.contains(
            r#"<dd data-testid="script">&lt;script&gt;alert(1)&lt;&#x2f;script&gt;.lua</dd>"#
        ));
        assert!(html.contains(r#"<dd data-testid="host">each user class's own</dd>"#));
    })
    .await;
}
