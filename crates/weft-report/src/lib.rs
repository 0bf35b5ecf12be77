//! Renders check results: human text, JSON, SARIF, JUnit, graphs (dot,
//! Mermaid), an HTML report, and a progress line. Formats never decide
//! anything: verdicts and findings come from `weft-check` as they are.

pub mod common;
pub mod graph;
pub mod html;
pub mod json;
pub mod junit;
pub mod progress;
pub mod sarif;
pub mod text;
