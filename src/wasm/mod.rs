//! The wasm face: `fetch`, the `createTask` export, `GraphError`, and the Rust async API.
//!
//! Everything here is glue: each decision is made by the core, which this layer feeds with what it
//! reads from JavaScript and the network.

pub mod bindings;
pub mod client;
mod js_json;
mod transport;
