//! weft-runtime: being written.
