//! The flat encoding of a state: one contiguous byte string (postcard's
//! compact, varint-based serde format).
//!
//! A model's state is a tree of small allocations built for fast stepping
//! and sharing (a thread's frames, each with its locals and stack). Where a
//! state must only wait — in fingerprint mode, between being found and
//! being expanded — that tree costs several times its content; the flat
//! form holds the content alone, in one allocation, and decodes back to an
//! equal state.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// `state` as a flat byte string.
pub fn encode<S: Serialize>(state: &S) -> Box<[u8]> {
    postcard::to_stdvec(state)
        .expect("a state encodes: every part of it is serializable")
        .into_boxed_slice()
}

/// The state [`encode`] made `bytes` from.
pub fn decode<S: DeserializeOwned>(bytes: &[u8]) -> S {
    postcard::from_bytes(bytes).expect("the explorer decodes only what it encoded")
}
