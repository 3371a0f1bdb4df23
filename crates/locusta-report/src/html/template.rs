//! The report's template and the engine that fills it: minijinja, with HTML autoescaping
//! (the template's name ends in `.html`) and strict undefined values, so a misspelt field is
//! an error in the tests instead of an empty cell.

use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};

use super::chart_data::ChartData;
use super::context::ReportContext;
use super::script_json::to_script_json;
use crate::assets::{CHARTS_CSS, CHARTS_JS, UPLOT_CSS, UPLOT_JS, UPLOT_LICENSE};

/// The template's name; its `.html` ending turns autoescaping on.
const NAME: &str = "report.html";

/// The template, embedded at compile time.
const SOURCE: &str = include_str!("../../templates/report.html");

/// The report's own styles and script (its charts' bootstrap).
const REPORT_CSS: &str = include_str!("../../assets/report.css");
const REPORT_JS: &str = include_str!("../../assets/report.js");

/// Renders the whole page.
///
/// Only our own files and the chart JSON go in unescaped (as "safe" strings): the assets are
/// constants checked not to contain `</script` or `</style`, and the JSON has every `<`, `>`
/// and `&` escaped (see [`to_script_json`]). Everything from the run is in `report` and is
/// HTML-escaped by the template.
pub(super) fn render(report: &ReportContext<'_>, charts: &ChartData) -> Result<String, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template(NAME, SOURCE)
        .map_err(|error| format!("the report template does not parse: {error:#}"))?;
    let chart_json = to_script_json(charts)
        .map_err(|error| format!("the chart data does not serialize: {error}"))?;
    let safe = |text: &str| Value::from_safe_string(text.to_owned());
    let values = context! {
        report => Value::from(Serde(report)),
        chart_data => Value::from_safe_string(chart_json),
        uplot_css => safe(UPLOT_CSS),
        charts_css => safe(CHARTS_CSS),
        report_css => safe(REPORT_CSS),
        uplot_license => safe(UPLOT_LICENSE),
        uplot_js => safe(UPLOT_JS),
        charts_js => safe(CHARTS_JS),
        report_js => safe(REPORT_JS),
    };
    env.get_template(NAME)
        .and_then(|template| template.render(values))
        .map_err(|error| format!("the report template fails: {error:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The licence goes into a `/* … */` comment of the uPlot script.
    #[test]
    fn the_licence_fits_in_a_script_comment() {
        assert!(!UPLOT_LICENSE.contains("*/"));
        assert!(!UPLOT_LICENSE.to_ascii_lowercase().contains("</script"));
    }

    /// The report's own assets are inlined like the shared ones.
    #[test]
    fn report_assets_cannot_end_their_element() {
        for (name, text) in [("report.css", REPORT_CSS), ("report.js", REPORT_JS)] {
            let lower = text.to_ascii_lowercase();
            for marker in ["</script", "</style", "<!--"] {
                assert!(!lower.contains(marker), "{name} contains {marker}");
            }
            assert!(
                !lower.contains("import "),
                "{name} is inlined after charts.js"
            );
        }
    }
}
