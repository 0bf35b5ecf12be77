//! weft-report: being written.
