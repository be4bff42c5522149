//! Task details: the description, checklist and references, which the create endpoint does not take.
//!
//! They live in `plannerTaskDetails`, a resource of their own with its own etag, so a complete task
//! takes three more calls after the create: read the details for their etag, PATCH them with
//! `If-Match`, and read the task again for the etag and counts the PATCH changed. This module is the
//! pure part of that: the input's validation ([`validate_details`]), the PATCH body
//! ([`DetailsInput::patch_body`]), the reference-key encoding the service requires
//! ([`encode_reference_key`], [`decode_reference_key`]), the requests and responses of the follow-up
//! calls, and whether to retry them ([`decide_follow_up`]). Their sequence is [`crate::flow::Flow`]'s;
//! the waiting is the wasm layer's.

mod input;
mod keys;
mod steps;

pub use input::{
    validate_create_request, validate_details, ChecklistEntry, DetailsInput, ReferenceEntry, ValidatedCreate,
};
pub use keys::{check_reference_url, decode_reference_key, encode_reference_key, is_guid, ReferenceKeyError};
pub use steps::{
    build_follow_up_request, decide_follow_up, read_follow_up_response, FollowUp, FollowUpDecision, FollowUpOutcome,
    FollowUpRequest, MAX_PRECONDITION_RETRIES,
};

/// The `@odata.type` a new checklist item declares, as the details PATCH example writes it
/// (plannertaskdetails-update.md; responses add a leading `#`).
pub const CHECKLIST_ITEM_ODATA_TYPE: &str = "microsoft.graph.plannerChecklistItem";
/// The `@odata.type` a new reference declares, as the details PATCH example writes it.
pub const EXTERNAL_REFERENCE_ODATA_TYPE: &str = "microsoft.graph.plannerExternalReference";
/// The service's limit on checklist items per task (`MaximumChecklistItemsOnTask`, planner-limits.md).
pub const MAX_CHECKLIST_ITEMS: usize = 20;
/// The service's limit on references per task (`MaximumReferencesOnTask`, planner-limits.md).
pub const MAX_REFERENCES: usize = 10;
/// The reference types the docs list (plannerexternalreference.md).
pub const REFERENCE_TYPES: &[&str] = &["PowerPoint", "Word", "Excel", "Other"];

/// The order hint of the item at `position` (0-based) in a list built front to back:
/// `" !"`, `" ! !"`, `" ! ! !"`, ...
///
/// planner-order-hint-format.md: an item placed after `<previous>` with nothing after it gets
/// `"<previous> !"` (the empty next hint, then `!`), and a value "can also be composed of previous
/// calculations"; its own example adds items to the bottom of an empty list as `" !"` then `" ! !"`.
/// Each hint is a prefix of the next, so they sort in list order, and the service replaces them with
/// short values that keep it. 20 items (the limit) make a 40-character hint.
pub fn chained_order_hint(position: usize) -> String {
    let mut hint = String::with_capacity(2 * (position + 1));
    for _ in 0..=position {
        hint.push_str(" !");
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_hints_sort_in_list_order() {
        assert_eq!(chained_order_hint(0), " !");
        assert_eq!(chained_order_hint(1), " ! !");
        assert_eq!(chained_order_hint(2), " ! ! !");
        let hints: Vec<String> = (0..MAX_CHECKLIST_ITEMS).map(chained_order_hint).collect();
        let mut sorted = hints.clone();
        sorted.sort();
        assert_eq!(sorted, hints);
        let mut problems = Vec::new();
        for hint in &hints {
            crate::validate::check_order_hint(hint, "h", &mut problems);
        }
        assert!(problems.is_empty());
    }
}
