//! Integration tests of locusta-stats, one binary organised by feature.

mod support;

mod failures;
mod merge;
mod percentiles;
mod rates;
mod reset;
mod view;
