//! # graph-tasks
//!
//! Create Microsoft Graph tasks (`POST /planner/tasks`, and the 2015 beta `POST /me/tasks` family)
//! from browsers, Node and Rust web apps.
//!
//! The crate is a pure core plus a thin wasm face:
//! * [`model`]: the task resources as serde types;
//! * [`schema`]: their property tables, which drive [`validate`] and the response check;
//! * [`request`]: endpoint and options to URL and headers;
//! * [`response`]: status, headers and body to a task or an [`Error`];
//! * [`retry`]: whether and when to send again;
//! * [`flow`]: one call as a state machine (what to send, what each answer means, when to wait);
//! * [`details`]: the description, checklist and references, set after the create by a PATCH of the
//!   task's details;
//! * [`plan`]: a plan's buckets, labels and people resolved by name (`openPlan`);
//! * [`contract`]: the JS face's error codes, `GraphError` fields and option names, written once;
//! * [`service`]: the rules only the service enforces (used by the local emulator);
//! * `wasm` (on `wasm32` only): `fetch`, the `createTask` export, `GraphError`, and the Rust async API
//!   [`create_task`](crate::create_task).
//!
//! The core never touches `JsValue`, so everything that decides is tested natively with `cargo test`,
//! and the local Graph emulator (`emulator/`) uses the same rules.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod bulk;
pub mod contract;
// Date and text helpers are the core's plumbing, public only for the emulator and the fuzz tests;
// `service` re-exports what the service side needs.
#[doc(hidden)]
pub mod datetime;
pub mod details;
pub mod error;
pub mod flow;
pub mod host;
pub mod json;
pub mod model;
pub mod plan;
pub mod request;
pub mod response;
pub mod retry;
pub mod schema;
pub mod service;
#[doc(hidden)]
pub mod text;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, ErrorKind, Problem, Step};
pub use model::{
    IdentitySet, LegacyTask, PlannerAppliedCategories, PlannerAssignment, PlannerAssignments, PlannerChecklistItem,
    PlannerChecklistItems, PlannerExternalReference, PlannerExternalReferenceType, PlannerExternalReferences,
    PlannerPreviewType, PlannerTask, PlannerTaskDetails,
};
pub use request::Endpoint;
pub use retry::RetryPolicy;

/// `createTask` for callers that hold JavaScript values: the exported JS function itself.
#[cfg(target_arch = "wasm32")]
pub use wasm::bindings::create_task_js;
/// `createTasks` for callers that hold JavaScript values.
#[cfg(all(target_arch = "wasm32", feature = "bulk"))]
pub use wasm::bindings::create_tasks_js;
#[cfg(target_arch = "wasm32")]
pub use wasm::client::{create_legacy_task, create_task, new_uuid, CreateTaskOptions, TokenSource};
/// `openPlan` (issue 15) for Rust web apps: a plan handle that resolves buckets, people and labels by name.
#[cfg(all(target_arch = "wasm32", feature = "plan"))]
pub use wasm::plan::{open_plan_js, Plan, PlanJs, PlanTarget, PlanTaskInput};
