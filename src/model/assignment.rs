use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AdditionalProperties, IdentitySet};
use crate::schema::{ASSIGNMENT_ODATA_TYPE, FIRST_ORDER_HINT};

/// `plannerAssignments`: the assignees of a task, keyed by user id. An open type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlannerAssignments(pub BTreeMap<String, PlannerAssignment>);

impl PlannerAssignments {
    /// Assigns the task to `user_id`, first in the user's list, as the docs' request does.
    pub fn assign(&mut self, user_id: impl Into<String>) -> &mut Self {
        self.0.insert(user_id.into(), PlannerAssignment::new());
        self
    }

    /// The number of assignees.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nobody is assigned.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `plannerAssignment`: one assignee's entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerAssignment {
    /// Always `#microsoft.graph.plannerAssignment`; the service refuses an assignment without it.
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    /// Who assigned the task (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<IdentitySet>,
    /// When the task was assigned (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_date_time: Option<String>,
    /// The task's place in the assignee's list; `" !"` puts it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_hint: Option<String>,
    /// Members not declared by the metadata, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl PlannerAssignment {
    /// A new assignment as a create sends it: the `@odata.type` and the order hint `" !"`.
    pub fn new() -> Self {
        PlannerAssignment {
            odata_type: Some(ASSIGNMENT_ODATA_TYPE.to_owned()),
            order_hint: Some(FIRST_ORDER_HINT.to_owned()),
            ..PlannerAssignment::default()
        }
    }
}
