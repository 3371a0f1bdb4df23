//! locusta
