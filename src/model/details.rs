use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{AdditionalProperties, IdentitySet, PlannerPreviewType};
use crate::details::{encode_reference_key, CHECKLIST_ITEM_ODATA_TYPE, EXTERNAL_REFERENCE_ODATA_TYPE};

/// `plannerTaskDetails`: the description, checklist and references of one task
/// (`GET`/`PATCH /planner/tasks/{id}/details`). It has an etag of its own, which is not the task's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerTaskDetails {
    /// The id of the details (28 characters, set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The details' own version tag, for `If-Match` on their PATCH.
    #[serde(rename = "@odata.etag", skip_serializing_if = "Option::is_none")]
    pub odata_etag: Option<String>,
    /// The description of the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What the task's card shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_type: Option<PlannerPreviewType>,
    /// The checklist, keyed by item id (a GUID the client chooses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checklist: Option<PlannerChecklistItems>,
    /// The references, keyed by their URL in the encoded form the service requires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<PlannerExternalReferences>,
    /// Properties this model does not declare (`@odata.context`, properties added later), kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// `plannerChecklistItems`: an open type whose property names are item ids (GUIDs). A `None` value
/// is the `null` that removes an item in a PATCH.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlannerChecklistItems(pub BTreeMap<String, Option<PlannerChecklistItem>>);

impl PlannerChecklistItems {
    /// Adds a new unchecked item `id` (a GUID, e.g. [`crate::request::uuid_v4`] of random bytes) after
    /// the items added this way before it: its order hint chains onto theirs (`" !"`, `" ! !"`, ...,
    /// planner-order-hint-format.md), so the service keeps the order of the calls.
    pub fn push(&mut self, id: impl Into<String>, title: impl Into<String>) -> &mut PlannerChecklistItem {
        let position = self.0.len();
        let item = PlannerChecklistItem {
            odata_type: Some(CHECKLIST_ITEM_ODATA_TYPE.to_owned()),
            title: Some(title.into()),
            is_checked: Some(false),
            order_hint: Some(crate::details::chained_order_hint(position)),
            ..PlannerChecklistItem::default()
        };
        let slot = self.0.entry(id.into()).or_default();
        slot.insert(item)
    }

    /// The items (not the removals) sorted as the service orders them: by order hint, ordinally.
    pub fn in_order(&self) -> Vec<(&str, &PlannerChecklistItem)> {
        let mut items: Vec<(&str, &PlannerChecklistItem)> =
            self.0.iter().filter_map(|(id, item)| item.as_ref().map(|item| (id.as_str(), item))).collect();
        items.sort_by(|a, b| a.1.order_hint.as_deref().unwrap_or("").cmp(b.1.order_hint.as_deref().unwrap_or("")));
        items
    }

    /// The number of entries (items and removals).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `plannerChecklistItem`: one item of a task's checklist.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerChecklistItem {
    /// `microsoft.graph.plannerChecklistItem`; the service refuses a new item without it.
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    /// The text of the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// True when the item is checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_checked: Option<bool>,
    /// The item's place in the checklist (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_hint: Option<String>,
    /// Who last changed the item (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<IdentitySet>,
    /// When the item last changed (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    /// Members not declared by the metadata, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

/// `plannerExternalReferences`: an open type whose property names are URLs, encoded as the service
/// requires (see [`encode_reference_key`]). A `None` value is the `null` that removes a reference.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlannerExternalReferences(pub BTreeMap<String, Option<PlannerExternalReference>>);

impl PlannerExternalReferences {
    /// Adds a reference to `url` (plain, not encoded) after the ones added this way before it: its
    /// `previewPriority` chains onto theirs, so the service keeps the order of the calls.
    pub fn push(&mut self, url: &str, mut reference: PlannerExternalReference) -> &mut PlannerExternalReference {
        if reference.odata_type.is_none() {
            reference.odata_type = Some(EXTERNAL_REFERENCE_ODATA_TYPE.to_owned());
        }
        if reference.preview_priority.is_none() {
            reference.preview_priority = Some(crate::details::chained_order_hint(self.0.len()));
        }
        let slot = self.0.entry(encode_reference_key(url)).or_default();
        slot.insert(reference)
    }

    /// The reference to `url` (plain, not encoded).
    pub fn get(&self, url: &str) -> Option<&PlannerExternalReference> {
        self.0.get(&encode_reference_key(url)).and_then(Option::as_ref)
    }

    /// The number of entries (references and removals).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `plannerExternalReference`: one reference (a link or a file) on a task.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannerExternalReference {
    /// `microsoft.graph.plannerExternalReference`; the service refuses a new reference without it.
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    /// A name for the reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// What the reference is.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<PlannerExternalReferenceType>,
    /// The reference's place among the previews (order-hint format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_priority: Option<String>,
    /// Who last changed the reference (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<IdentitySet>,
    /// When the reference last changed (set by the service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    /// Members not declared by the metadata, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl PlannerExternalReference {
    /// A reference named `alias` of `reference_type`.
    pub fn new(alias: impl Into<String>, reference_type: PlannerExternalReferenceType) -> Self {
        PlannerExternalReference {
            alias: Some(alias.into()),
            reference_type: Some(reference_type),
            ..PlannerExternalReference::default()
        }
    }
}

/// The `type` of a reference. The docs list `PowerPoint`, `Word`, `Excel` and `Other`; the property is
/// a plain string, so a value the service returns beyond those is kept in `Unknown`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlannerExternalReferenceType {
    /// A PowerPoint file.
    PowerPoint,
    /// A Word file.
    Word,
    /// An Excel file.
    Excel,
    /// Anything else (a web page, another file type).
    Other,
    /// A value not documented today, kept verbatim.
    Unknown(String),
}

impl PlannerExternalReferenceType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            PlannerExternalReferenceType::PowerPoint => "PowerPoint",
            PlannerExternalReferenceType::Word => "Word",
            PlannerExternalReferenceType::Excel => "Excel",
            PlannerExternalReferenceType::Other => "Other",
            PlannerExternalReferenceType::Unknown(name) => name,
        }
    }
}

impl From<&str> for PlannerExternalReferenceType {
    fn from(name: &str) -> Self {
        match name {
            "PowerPoint" => PlannerExternalReferenceType::PowerPoint,
            "Word" => PlannerExternalReferenceType::Word,
            "Excel" => PlannerExternalReferenceType::Excel,
            "Other" => PlannerExternalReferenceType::Other,
            other => PlannerExternalReferenceType::Unknown(other.to_owned()),
        }
    }
}

impl Serialize for PlannerExternalReferenceType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PlannerExternalReferenceType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(PlannerExternalReferenceType::from(&*name))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    /// The response of plannertaskdetails-update.md, verbatim but for the 35-character key, which the
    /// docs cut short by one digit.
    fn documented_response() -> Value {
        json!({
          "description": "Task details properties:\nchecklist:Sub items\nreferences:Related links",
          "previewType": "automatic",
          "references": {
            "https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer": {
              "@odata.type": "#microsoft.graph.plannerExternalReference",
              "alias": "Graph Explorer", "type": "Other", "previewPriority": "8599273",
              "lastModifiedBy": { "user": { "id": "fbab97d0-4932-4511-b675-204639209557" } },
              "lastModifiedDateTime": "2017-04-24T22:52:29.814Z"
            },
            "http%3A//developer%2Emicrosoft%2Ecom": {
              "@odata.type": "#microsoft.graph.plannerExternalReference",
              "alias": "Documentation", "type": "Other", "previewPriority": "90727736",
              "lastModifiedBy": { "user": { "id": "fbab97d0-4932-4511-b675-204639209557" } },
              "lastModifiedDateTime": "2017-04-24T22:52:29.814Z"
            }
          },
          "checklist": {
            "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff": {
              "@odata.type": "#microsoft.graph.plannerChecklistItem",
              "isChecked": true, "title": "Try reading task details", "orderHint": "a93c93c5^",
              "lastModifiedBy": { "user": { "id": "fbab97d0-4932-4511-b675-204639209557" } },
              "lastModifiedDateTime": "2017-04-24T22:52:29.814Z"
            },
            "95e27074-6c4a-447a-aa24-9d718a0b86fa": {
              "@odata.type": "#microsoft.graph.plannerChecklistItem",
              "isChecked": true, "title": "Update task details", "orderHint": "8587094707721254251P]",
              "lastModifiedBy": { "user": { "id": "fbab97d0-4932-4511-b675-204639209557" } },
              "lastModifiedDateTime": "2017-04-24T22:52:29.814Z"
            }
          },
          "id": "gcrYAaAkgU2EQUvpkNNXLGQAGTtu"
        })
    }

    #[test]
    fn documented_response_round_trips_with_typed_values() {
        let original = documented_response();
        let details: PlannerTaskDetails = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&details).unwrap(), original);
        assert!(details.additional_properties.is_empty());
        let references = details.references.as_ref().unwrap();
        let explorer = references.get("https://developer.microsoft.com/en-us/graph/graph-explorer").unwrap();
        assert_eq!(explorer.reference_type, Some(PlannerExternalReferenceType::Other));
        assert_eq!(explorer.alias.as_deref(), Some("Graph Explorer"));
        let checklist = details.checklist.as_ref().unwrap();
        let titles: Vec<&str> =
            checklist.in_order().into_iter().map(|(_, item)| item.title.as_deref().unwrap_or("")).collect();
        // "8587…" sorts before "a93c…": the service's order, not the keys'.
        assert_eq!(titles, ["Update task details", "Try reading task details"]);
    }

    #[test]
    fn unknown_properties_and_values_are_kept() {
        let original = json!({
            "@odata.etag": "W/\"x\"", "@odata.context": "ctx", "later": [1],
            "previewType": "someLaterKind",
            "checklist": { "95e27074-6c4a-447a-aa24-9d718a0b86fa": { "title": "t", "newField": true }, "gone": null },
            "references": { "https%3A//x%2Ecom": { "type": "Pdf", "extra": { "a": 1 } } }
        });
        let details: PlannerTaskDetails = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&details).unwrap(), original);
        assert_eq!(details.odata_etag.as_deref(), Some("W/\"x\""));
        assert!(details.additional_properties.contains_key("later"));
        let reference = details.references.as_ref().unwrap().get("https://x.com").unwrap();
        assert_eq!(reference.reference_type, Some(PlannerExternalReferenceType::Unknown("Pdf".into())));
        assert_eq!(details.checklist.as_ref().unwrap().0.get("gone"), Some(&None));
    }

    #[test]
    fn builders_make_what_the_client_sends() {
        let mut details = PlannerTaskDetails::default();
        let mut checklist = PlannerChecklistItems::default();
        checklist.push("95e27074-6c4a-447a-aa24-9d718a0b86fa", "first");
        checklist.push("15e27074-6c4a-447a-aa24-9d718a0b86fa", "second").is_checked = Some(true);
        details.checklist = Some(checklist);
        let mut references = PlannerExternalReferences::default();
        references.push(
            "https://x.com/a.pptx",
            PlannerExternalReference::new("Deck", PlannerExternalReferenceType::PowerPoint),
        );
        details.references = Some(references);
        assert_eq!(
            serde_json::to_value(&details).unwrap(),
            json!({
                "checklist": {
                    "95e27074-6c4a-447a-aa24-9d718a0b86fa": {
                        "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "first", "isChecked": false, "orderHint": " !"
                    },
                    "15e27074-6c4a-447a-aa24-9d718a0b86fa": {
                        "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "second", "isChecked": true, "orderHint": " ! !"
                    }
                },
                "references": {
                    "https%3A//x%2Ecom/a%2Epptx": {
                        "@odata.type": EXTERNAL_REFERENCE_ODATA_TYPE, "alias": "Deck", "type": "PowerPoint",
                        "previewPriority": " !"
                    }
                }
            })
        );
        // What the builders make passes the client's own validation, in the raw Graph form.
        let value = serde_json::to_value(&details).unwrap();
        let mut problems = Vec::new();
        assert!(crate::details::validate_details(&&value, &mut problems).is_some(), "{problems:?}");
    }
}
