//! The comparison of a rule: `<`, `<=`, `>` or `>=`.

use std::fmt;

/// How the measured value must relate to the limit for the rule to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    /// The comparison written as `symbol`, if it is one we accept.
    pub(crate) fn from_symbol(symbol: &str) -> Option<Self> {
        match symbol {
            "<" => Some(Self::Less),
            "<=" => Some(Self::LessOrEqual),
            ">" => Some(Self::Greater),
            ">=" => Some(Self::GreaterOrEqual),
            _ => None,
        }
    }

    /// Whether `actual` satisfies the comparison against `limit`.
    pub(crate) fn holds(self, actual: f64, limit: f64) -> bool {
        match self {
            Self::Less => actual < limit,
            Self::LessOrEqual => actual <= limit,
            Self::Greater => actual > limit,
            Self::GreaterOrEqual => actual >= limit,
        }
    }

    /// True for `<` and `<=`: the rule caps the value from above.
    pub(crate) fn is_upper_bound(self) -> bool {
        matches!(self, Self::Less | Self::LessOrEqual)
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_strict_or_inclusive_as_written() {
        let limit = 500.0;
        let check = |symbol, actual| {
            Comparison::from_symbol(symbol)
                .unwrap()
                .holds(actual, limit)
        };
        assert!(check("<", 499.9) && !check("<", 500.0));
        assert!(check("<=", 500.0) && !check("<=", 500.1));
        assert!(check(">", 500.1) && !check(">", 500.0));
        assert!(check(">=", 500.0) && !check(">=", 499.9));
    }

    #[test]
    fn only_the_four_orderings_are_comparisons() {
        for symbol in ["=", "==", "!=", "=<", "=>", "<<", "<>", ""] {
            assert_eq!(Comparison::from_symbol(symbol), None, "{symbol:?}");
        }
    }
}
