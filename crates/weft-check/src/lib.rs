//! weft-check: being written.
