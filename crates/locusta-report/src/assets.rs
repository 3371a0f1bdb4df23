//! The front-end files the HTML report and the web UI share, embedded at compile time so that
//! neither needs Node nor the network: the vendored uPlot 1.6.32 (MIT, see `assets/uplot/`) and
//! the chart code built on it.
//!
//! The report inlines them; `locusta-web` serves them under `/assets/`. One copy of each file
//! means the report's charts are the UI's charts.

/// uPlot's script (`uPlot.iife.min.js`): a classic script that defines the global `uPlot`.
pub const UPLOT_JS: &str = include_str!("../assets/uplot/uPlot.iife.min.js");

/// uPlot's style sheet (`uPlot.min.css`).
pub const UPLOT_CSS: &str = include_str!("../assets/uplot/uPlot.min.css");

/// uPlot's licence text, which must travel with it.
pub const UPLOT_LICENSE: &str = include_str!("../assets/uplot/LICENSE");

/// The charts (`charts.js`): an ES module without imports that exports `Charts`, the three
/// charts drawn from history points shaped like `/stats/history`'s. It needs [`UPLOT_JS`]
/// loaded first.
pub const CHARTS_JS: &str = include_str!("../assets/charts.js");

/// The charts' layout (`charts.css`): the `.charts`, `.chart-card` and `.chart` classes around
/// the containers [`CHARTS_JS`] draws into.
pub const CHARTS_CSS: &str = include_str!("../assets/charts.css");

#[cfg(test)]
mod tests {
    use super::*;

    /// The report inlines these files into `<script>` and `<style>` elements, which end at the
    /// first `</script` or `</style` whatever the script's syntax (and `<!--` changes how a
    /// script element is parsed).
    #[test]
    fn inlined_files_cannot_end_their_element() {
        for (name, text) in [
            ("uPlot.iife.min.js", UPLOT_JS),
            ("uPlot.min.css", UPLOT_CSS),
            ("charts.js", CHARTS_JS),
            ("charts.css", CHARTS_CSS),
        ] {
            let lower = text.to_ascii_lowercase();
            for marker in ["</script", "</style", "<!--"] {
                assert!(!lower.contains(marker), "{name} contains {marker}");
            }
        }
    }

    /// `charts.js` is also inlined next to other code, so it must stand alone.
    #[test]
    fn the_chart_code_imports_nothing() {
        assert!(
            CHARTS_JS
                .lines()
                .all(|line| !line.trim_start().starts_with("import ")),
            "charts.js must not import other modules"
        );
        assert!(CHARTS_JS.contains("export class Charts"));
    }
}
