//! weft-scenario: being written.
