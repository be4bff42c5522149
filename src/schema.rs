//! The property table of each task resource: its JSON type and whether a client may send it.
//!
//! Validation, the response shape check, the emulator and the TypeScript type check all read this one
//! table, so a property added here is checked everywhere at once. The serde models in [`crate::model`]
//! are tested against it (see `model::tests`), which keeps the two in step.

/// The JSON shape a property must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    String,
    /// A whole number within `i32` (Edm.Int32).
    Int32,
    /// A boolean.
    Bool,
    /// An ISO 8601 date-time with an offset (Edm.DateTimeOffset).
    DateTimeOffset,
    /// A calendar date `YYYY-MM-DD` (Edm.Date).
    Date,
    /// A `microsoft.graph.identitySet` object.
    IdentitySet,
    /// The open `plannerAssignments` object: user id → `plannerAssignment`.
    Assignments,
    /// The open applied-categories object: category name → boolean.
    Categories,
    /// A `plannerPreviewType` name.
    PreviewType,
    /// An array of strings.
    StringArray,
    /// Any object (complex types this client passes through untouched).
    Object,
}

/// Who sets a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The client may send it on create.
    Writable,
    /// Only the service sets it; a create that carries it is refused.
    ReadOnly,
}

/// One property of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The JSON property name.
    pub name: &'static str,
    /// Its JSON shape.
    pub ty: FieldType,
    /// Who sets it.
    pub access: Access,
}

const fn w(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, access: Access::Writable }
}

const fn r(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, access: Access::ReadOnly }
}

use FieldType as T;

/// `plannerTask` (v1.0, the beta extras from facts.md §2, and `@odata.etag`).
///
/// Access follows facts.md: the docs' "Read-only" properties plus the server-computed ones that the
/// Update table omits (counts, `createdBy`, `completedBy`) are read-only.
pub const PLANNER_TASK: &[Field] = &[
    r("id", T::String),
    r("@odata.etag", T::String),
    w("planId", T::String),
    w("bucketId", T::String),
    w("title", T::String),
    w("orderHint", T::String),
    w("assigneePriority", T::String),
    w("percentComplete", T::Int32),
    w("priority", T::Int32),
    w("startDateTime", T::DateTimeOffset),
    w("dueDateTime", T::DateTimeOffset),
    r("createdDateTime", T::DateTimeOffset),
    r("completedDateTime", T::DateTimeOffset),
    r("completedBy", T::IdentitySet),
    r("createdBy", T::IdentitySet),
    r("hasDescription", T::Bool),
    w("previewType", T::PreviewType),
    r("referenceCount", T::Int32),
    r("checklistItemCount", T::Int32),
    r("activeChecklistItemCount", T::Int32),
    w("conversationThreadId", T::String),
    w("appliedCategories", T::Categories),
    w("assignments", T::Assignments),
    // beta extras (facts.md §2, beta-USNat.csdl)
    r("archivalInfo", T::Object),
    r("creationSource", T::Object),
    w("goalIds", T::StringArray),
    r("hasChat", T::Bool),
    r("isArchived", T::Bool),
    w("isOnMyDay", T::Bool),
    r("isOnMyDayLastModifiedDate", T::Date),
    r("lastModifiedBy", T::IdentitySet),
    r("lastModifiedDateTime", T::DateTimeOffset),
    w("recurrence", T::Object),
    r("specifiedCompletionRequirements", T::String),
];

/// The 2015 beta `task` (old-beta-task-resource.md): user ids are plain strings, one assignee.
pub const LEGACY_TASK: &[Field] = &[
    r("id", T::String),
    r("@odata.etag", T::String),
    w("appliedCategories", T::Categories),
    r("assignedBy", T::String),
    r("assignedDateTime", T::DateTimeOffset),
    w("assignedTo", T::String),
    w("assigneePriority", T::String),
    w("bucketId", T::String),
    r("completedDateTime", T::DateTimeOffset),
    w("conversationThreadId", T::String),
    r("createdBy", T::String),
    r("createdDateTime", T::DateTimeOffset),
    w("dueDateTime", T::DateTimeOffset),
    r("hasDescription", T::Bool),
    w("orderHint", T::String),
    w("percentComplete", T::Int32),
    w("planId", T::String),
    r("previewType", T::PreviewType),
    w("startDateTime", T::DateTimeOffset),
    w("title", T::String),
];

/// `plannerPreviewType` members known today; the service may add more.
pub const PREVIEW_TYPES: &[&str] = &["automatic", "noPreview", "checklist", "description", "reference"];

/// The `@odata.type` every assignment value must declare.
pub const ASSIGNMENT_ODATA_TYPE: &str = "#microsoft.graph.plannerAssignment";

/// The order hint a client sends for "first in the list" (planner-order-hint-format.md).
pub const FIRST_ORDER_HINT: &str = " !";

/// Which resource a request creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// `plannerTask`, created by `POST /planner/tasks`.
    PlannerTask,
    /// The 2015 beta `task`, created by `POST /me/tasks` and its siblings.
    LegacyTask,
}

impl Resource {
    /// The property table of this resource.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Resource::PlannerTask => PLANNER_TASK,
            Resource::LegacyTask => LEGACY_TASK,
        }
    }

    /// The property `name`, when the resource declares it.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        // Lengths first: most names differ in length, and the comparison of those stays inline.
        self.fields().iter().find(|f| f.name.len() == name.len() && f.name == name)
    }

    /// The highest `categoryN` allowed, and the lowest.
    ///
    /// plannerTask: `category1`…`category25` (beta doc; the v1.0 plan details label 25 too).
    /// The 2015 `task`: `category0`…`category5` (appliedCategoriesCollection, 2015 text).
    pub fn category_range(self) -> (u32, u32) {
        match self {
            Resource::PlannerTask => (1, 25),
            Resource::LegacyTask => (0, 5),
        }
    }
}

/// The number `N` of a property named `categoryN` inside `resource`'s range.
pub fn category_number(resource: Resource, name: &str) -> Option<u32> {
    let digits = name.strip_prefix("category")?;
    // "category01" is not a category: only canonical decimal numbers are.
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    let (low, high) = resource.category_range();
    (low..=high).contains(&n).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names() {
        assert_eq!(category_number(Resource::PlannerTask, "category1"), Some(1));
        assert_eq!(category_number(Resource::PlannerTask, "category25"), Some(25));
        assert_eq!(category_number(Resource::PlannerTask, "category26"), None);
        assert_eq!(category_number(Resource::PlannerTask, "category0"), None);
        assert_eq!(category_number(Resource::PlannerTask, "category01"), None);
        assert_eq!(category_number(Resource::PlannerTask, "category"), None);
        assert_eq!(category_number(Resource::PlannerTask, "Category1"), None);
        assert_eq!(category_number(Resource::LegacyTask, "category0"), Some(0));
        assert_eq!(category_number(Resource::LegacyTask, "category5"), Some(5));
        assert_eq!(category_number(Resource::LegacyTask, "category6"), None);
    }

    #[test]
    fn names_are_unique() {
        for resource in [Resource::PlannerTask, Resource::LegacyTask] {
            let fields = resource.fields();
            for (i, f) in fields.iter().enumerate() {
                assert!(fields[i + 1..].iter().all(|g| g.name != f.name), "{} twice", f.name);
            }
        }
    }
}
