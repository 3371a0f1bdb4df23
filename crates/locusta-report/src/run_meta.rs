//! What a report says about a run besides its statistics: where it ran, from which script,
//! and how its thresholds came out.

use crate::thresholds::Verdict;

/// The run's metadata, handed to the JSON and HTML writers next to the final
/// [`locusta_stats::RunView`]. The view holds the numbers; this holds the words around them.
#[derive(Debug, Clone, Default)]
pub struct RunMeta {
    /// The target host as the user gave it (`--host` or the classes' hosts), if any.
    pub host: Option<String>,
    /// The `-f` argument (or the program name for the Rust API).
    pub locustfile: String,
    /// The user classes, indexed like [`locusta_stats::RunView::users_by_class`].
    pub class_names: Vec<String>,
    /// Every `--threshold` rule with its outcome, in command-line order (empty without any).
    pub thresholds: Vec<Verdict>,
}
