//! The machine: states, steps, and the semantics of every primitive.
//!
//! Owns what a state is ([`state`]), how a thread runs from one step to the
//! next ([`machine`], `exec`), what every builtin and primitive does
//! (`builtins`, `primitives/*`, one module per primitive), happens-before
//! race detection ([`race`]), and the [`Model`](weft_explore::Model) the
//! explorer walks ([`model`]).
//!
//! Must not know: YAML, Python syntax (it runs the compiled model only),
//! how states are stored or searched, how findings are rendered.

mod builtins;
mod containers;
pub mod dict_order;
mod exec;
pub mod machine;
mod methods;
pub mod model;
pub mod ops;
pub mod part;
mod primitives;
pub mod race;
pub mod reduction;
mod sharing;
mod sort;
pub mod state;
pub mod symmetry;
pub mod value;

pub use machine::{Choice, Ctx, Event, Machine};
pub use model::{Finding, FindingKey, ModelOptions, Step, ThreadModel};
pub use primitives::{blocked_on, Blocked};
