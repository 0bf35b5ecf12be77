//! Renders check results. Today: human text. Formats never decide
//! anything: verdicts and findings come from `weft-check` as they are.

pub mod text;
