//! The task resources as Rust types, for Rust callers (serde, `camelCase`, every field optional).
//!
//! Each model keeps the properties it does not know in `additional_properties`, so that nothing a
//! server sends is lost on the way to the caller. The JS face does not go through these types: it
//! checks the server's own object against [`crate::schema`] and hands it back as it is.

mod assignment;
mod categories;
mod details;
mod identity;
mod legacy_task;
mod planner_task;
mod preview_type;

pub use assignment::{PlannerAssignment, PlannerAssignments};
pub use categories::PlannerAppliedCategories;
pub use details::{
    PlannerChecklistItem, PlannerChecklistItems, PlannerExternalReference, PlannerExternalReferenceType,
    PlannerExternalReferences, PlannerTaskDetails,
};
pub use identity::{Identity, IdentitySet};
pub use legacy_task::LegacyTask;
pub use planner_task::{PlannerArchivalInfo, PlannerTask};
pub use preview_type::PlannerPreviewType;

/// Properties a model does not declare, kept verbatim.
pub type AdditionalProperties = std::collections::BTreeMap<String, serde_json::Value>;

#[cfg(test)]
mod tests;
