//! The service side's rules: what Graph itself enforces beyond what a client checks before sending.
//! The local emulator (`emulator/`) uses these so that it answers as the service does; a Rust web app
//! creating tasks has no need of them.
//!
//! [`crate::validate::validate_create`] in [`Mode::Service`] is the service's check of a create.

pub use crate::datetime::{civil_from_days, format_graph_datetime};
pub use crate::validate::Mode;

/// The service's limit on tasks in a plan (`MaximumTasksInProject`, planner-limits.md).
pub const MAX_TASKS_IN_PLAN: usize = 9000;
/// The service's limit on tasks not completed in a plan (`MaximumActiveTasksInProject`, planner-limits.md).
pub const MAX_ACTIVE_TASKS_IN_PLAN: usize = 2400;

/// A Planner id as the service generates it: 28 characters of `[A-Za-z0-9_-]`
/// (planner-identifiers-disclaimer.md). The service refuses a `planId` or `bucketId` of another form.
pub fn is_planner_id(id: &str) -> bool {
    id.len() == 28 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
