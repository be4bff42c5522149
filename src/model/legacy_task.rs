use serde::{Deserialize, Serialize};

use super::{AdditionalProperties, PlannerAppliedCategories, PlannerPreviewType};

/// The 2015 beta `task` (`POST /me/tasks`, `/users/{id}/tasks`, `/drive/root/createdByUser/tasks`).
///
/// Unlike `plannerTask`, people are plain user-id strings and a task has one assignee.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyTask {
    /// The task id: 28 characters, case-sensitive, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version tag used for `If-Match` on updates, set by the service.
    #[serde(rename = "@odata.etag", skip_serializing_if = "Option::is_none")]
    pub odata_etag: Option<String>,
    /// The labels applied to the task (`category0` to `category5` in 2015).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_categories: Option<PlannerAppliedCategories>,
    /// The user id that assigned the task, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<String>,
    /// When the task was assigned, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_date_time: Option<String>,
    /// The user id the task is assigned to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    /// The order of the task in the assignee's list view (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_priority: Option<String>,
    /// The bucket the task belongs to; it must be in the task's plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_id: Option<String>,
    /// When `percentComplete` reached 100, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_date_time: Option<String>,
    /// The group conversation thread about the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_thread_id: Option<String>,
    /// The user id that created the task, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// When the task was created, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// When the task is due (ISO 8601, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date_time: Option<String>,
    /// Whether the task's details have a non-empty description, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_description: Option<bool>,
    /// The order of the task in the plan's list view (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_hint: Option<String>,
    /// Percentage complete; 100 means completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i32>,
    /// The plan the task belongs to; cannot change once set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// What the task's card shows, set by the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_type: Option<PlannerPreviewType>,
    /// When the task starts (ISO 8601, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    /// The title of the task; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Properties this model does not declare, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl LegacyTask {
    /// A task to create with a title.
    pub fn new(title: impl Into<String>) -> Self {
        LegacyTask { title: Some(title.into()), ..LegacyTask::default() }
    }
}
