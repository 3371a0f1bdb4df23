//! Column widths shared by the console tables.

/// Width of the name column budget when stdout is not a terminal (Locust's `STATS_NAME_WIDTH`
/// default).
pub const DEFAULT_NAME_WIDTH: usize = 80;

/// Width of the type (method) column.
pub(crate) const TYPE_WIDTH: usize = 8;

/// Locust's `STATS_NAME_WIDTH` for a terminal of `terminal_columns` columns:
/// `max(min(columns − 80, 80), 0)`; [`DEFAULT_NAME_WIDTH`] (80) when stdout is not a terminal
/// (`None`).
pub fn stats_name_width(terminal_columns: Option<u16>) -> usize {
    match terminal_columns {
        None => DEFAULT_NAME_WIDTH,
        Some(columns) => usize::from(columns).saturating_sub(80).min(80),
    }
}

/// A column of `width` dashes.
pub(crate) fn dashes(width: usize) -> String {
    "-".repeat(width)
}

/// Locust builds its formats as `"%-" + str(width) + "s"`. A negative width (the stats table's
/// name column on a terminal under 84 columns) becomes `%--4s`, which Python reads as a
/// left-justified width of 4, while its separator (`"-" * width`) is empty. This returns
/// `(padding width, separator width)` for a possibly negative `width`.
pub(crate) fn python_widths(width: isize) -> (usize, usize) {
    (width.unsigned_abs(), width.max(0).unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_width_follows_locust() {
        assert_eq!(stats_name_width(None), 80);
        assert_eq!(stats_name_width(Some(60)), 0);
        assert_eq!(stats_name_width(Some(80)), 0);
        assert_eq!(stats_name_width(Some(120)), 40);
        assert_eq!(stats_name_width(Some(160)), 80);
        assert_eq!(stats_name_width(Some(300)), 80);
    }

    #[test]
    fn negative_widths_pad_like_python() {
        assert_eq!(python_widths(76), (76, 76));
        assert_eq!(python_widths(-4), (4, 0));
        assert_eq!(python_widths(0), (0, 0));
    }
}
