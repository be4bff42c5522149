//! The wasm face: `fetch`, the `createTask` export, `GraphError`, and the Rust async API.
//!
//! Everything here is glue: each decision is made by the core, which this layer feeds with what it
//! reads from JavaScript and the network.

pub mod bindings;
#[cfg(feature = "bulk")]
mod bulk;
mod call;
pub mod client;
#[cfg(feature = "bulk")]
mod details;
mod js;
#[cfg(feature = "plan")]
pub mod plan;
mod transport;

// Talc instead of the default dlmalloc: a few kilobytes less wasm, and faster. Single-threaded wasm
// only, which is what this crate is built for.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
