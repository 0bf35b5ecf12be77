//! weft-compile: being written.
