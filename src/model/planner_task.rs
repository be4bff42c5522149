use serde::{Deserialize, Serialize};

use super::{
    AdditionalProperties, IdentitySet, PlannerAppliedCategories, PlannerAssignments, PlannerPreviewType,
    PlannerTaskDetails,
};

/// `plannerTask`: a Planner task (Graph v1.0, plus the beta properties).
///
/// On create, set `plan_id` and `title`, and any writable property; the service fills in the rest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerTask {
    /// The task id: 28 characters, case-sensitive, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version tag used for `If-Match` on updates, set by the service.
    #[serde(rename = "@odata.etag", skip_serializing_if = "Option::is_none")]
    pub odata_etag: Option<String>,
    /// The plan the task belongs to; required on create and must exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// The bucket the task belongs to; it must be in the task's plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_id: Option<String>,
    /// The title of the task; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The order of the task in the plan's list view (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_hint: Option<String>,
    /// The order of the task in the "assigned to me" list view (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_priority: Option<String>,
    /// Percentage complete; 100 means completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i32>,
    /// Priority 0 (highest) to 10; Planner writes 1 urgent, 3 important, 5 medium, 9 low.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// When the task starts (ISO 8601, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    /// When the task is due (ISO 8601, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date_time: Option<String>,
    /// When the task was created, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// When `percentComplete` reached 100, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_date_time: Option<String>,
    /// Who completed the task, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_by: Option<IdentitySet>,
    /// Who created the task, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<IdentitySet>,
    /// Whether the task's details have a non-empty description, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_description: Option<bool>,
    /// What the task's card shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_type: Option<PlannerPreviewType>,
    /// The number of external references, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_count: Option<i32>,
    /// The number of checklist items, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checklist_item_count: Option<i32>,
    /// The number of unchecked checklist items, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_checklist_item_count: Option<i32>,
    /// The group conversation thread about the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_thread_id: Option<String>,
    /// The labels applied to the task (`category1` to `category25`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_categories: Option<PlannerAppliedCategories>,
    /// The assignees, keyed by user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignments: Option<PlannerAssignments>,
    /// Beta: why and when the task was archived, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archival_info: Option<PlannerArchivalInfo>,
    /// Beta: where the task came from (`plannerTaskCreation`), set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_source: Option<serde_json::Value>,
    /// Beta (deprecated 2025-03-26): the goals the task contributes to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal_ids: Option<Vec<String>>,
    /// Beta: whether a chat is attached, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_chat: Option<bool>,
    /// Beta: whether the task is archived, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archived: Option<bool>,
    /// Beta: whether the task is on the user's "My Day".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_on_my_day: Option<bool>,
    /// Beta: when `isOnMyDay` last changed (a date), set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_on_my_day_last_modified_date: Option<String>,
    /// Beta: who last changed the task, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<IdentitySet>,
    /// Beta: when the task last changed, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    /// Beta: the recurrence (`plannerTaskRecurrence`), kept as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<serde_json::Value>,
    /// Beta: what must be done to complete the task (flags such as `checklistCompletion`), set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specified_completion_requirements: Option<String>,
    /// The task's details (description, checklist, references). Not part of the create: `create_task`
    /// sends the task without them, then PATCHes them, and returns them as the service holds them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<PlannerTaskDetails>,
    /// Properties this model does not declare (`@odata.context`, properties added later), kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl PlannerTask {
    /// A task to create: a title in a plan.
    pub fn new(plan_id: impl Into<String>, title: impl Into<String>) -> Self {
        PlannerTask { plan_id: Some(plan_id.into()), title: Some(title.into()), ..PlannerTask::default() }
    }
}

/// `plannerArchivalInfo` (beta): the archive status of a task.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerArchivalInfo {
    /// Why the task was archived or restored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Who archived or restored it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_changed_by: Option<IdentitySet>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_changed_date_time: Option<String>,
    /// Members not declared by the metadata, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}
