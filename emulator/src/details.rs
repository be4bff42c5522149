//! `plannerTaskDetails` as the service keeps them: the details a new task starts with, and a PATCH
//! merged into them (checklist and references keyed by the client, `null` deletes, limits, the
//! values the service sets). The rules shared with the client come from the core
//! (`graph_tasks::details`: key encoding, GUIDs, limits, `@odata.type` names).

use serde_json::{json, Map, Value};

use graph_tasks::details::{
    check_reference_url, decode_reference_key, is_guid, CHECKLIST_ITEM_ODATA_TYPE, EXTERNAL_REFERENCE_ODATA_TYPE, MAX_CHECKLIST_ITEMS, MAX_REFERENCES,
};
use graph_tasks::schema::PREVIEW_TYPES;
use graph_tasks::Problem;

/// Why a PATCH of the details was refused.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Rejection {
    /// 400 with these problems.
    Invalid(Vec<Problem>),
    /// 403 `MaximumChecklistItemsOnTask`.
    TooManyChecklistItems,
    /// 403 `MaximumReferencesOnTask`.
    TooManyReferences,
}

/// What the service sets on each item it changes.
pub(crate) struct Stamp<'a> {
    /// The caller as an identitySet.
    pub(crate) by: &'a Value,
    /// `lastModifiedDateTime`.
    pub(crate) now: &'a str,
    /// The details' new `@odata.etag`.
    pub(crate) etag: String,
}

/// The task's counters that follow its details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) has_description: bool,
    pub(crate) checklist_items: usize,
    pub(crate) active_checklist_items: usize,
    pub(crate) references: usize,
}

/// The details of a new task: empty, with an etag of their own. Their id is the task's id (the docs
/// do not say how the two relate; Planner uses the same id).
pub(crate) fn initial(task_id: &str, etag: &str) -> Value {
    json!({ "@odata.etag": etag, "id": task_id, "description": null, "previewType": "automatic", "references": {}, "checklist": {} })
}

/// [`initial`] as the text the store keeps, written straight (its members in the order a
/// `Value` writes them) rather than built as a `Value` and serialized: every create writes one,
/// and that was 3% of the emulator's CPU under the bench.
pub(crate) fn initial_text(task_id: &str, etag: &str) -> String {
    let mut out = Vec::with_capacity(160);
    out.extend_from_slice(b"{\"@odata.etag\":");
    // A string always serializes, and a Vec takes any write.
    let _ = serde_json::to_writer(&mut out, etag);
    out.extend_from_slice(b",\"checklist\":{},\"description\":null,\"id\":");
    let _ = serde_json::to_writer(&mut out, task_id);
    out.extend_from_slice(b",\"previewType\":\"automatic\",\"references\":{}}");
    String::from_utf8(out).unwrap_or_else(|_| initial(task_id, etag).to_string())
}

/// The counters `details` give their task.
pub(crate) fn counts(details: &Value) -> Counts {
    let items = details.get("checklist").and_then(Value::as_object);
    Counts {
        has_description: details.get("description").and_then(Value::as_str).is_some_and(|d| !d.is_empty()),
        checklist_items: items.map_or(0, Map::len),
        active_checklist_items: items.map_or(0, |m| m.values().filter(|i| i.get("isChecked").and_then(Value::as_bool) != Some(true)).count()),
        references: details.get("references").and_then(Value::as_object).map_or(0, Map::len),
    }
}

/// Writes the counters into a task body.
pub(crate) fn set_task_counts(task: &mut Value, c: Counts) {
    task["hasDescription"] = c.has_description.into();
    task["checklistItemCount"] = c.checklist_items.into();
    task["activeChecklistItemCount"] = c.active_checklist_items.into();
    task["referenceCount"] = c.references.into();
}

fn type_ok(value: &Value, names: &[&str]) -> bool {
    value.as_str().is_some_and(|t| names.iter().any(|n| t.strip_prefix('#').unwrap_or(t) == *n))
}

/// The largest service hint among `existing`: service hints are 20-digit numbers, so that they
/// sort ordinally in the order the service gives them.
fn last_hint<'a>(existing: impl Iterator<Item = &'a Value>, field: &str) -> u64 {
    existing.filter_map(|v| v.get(field).and_then(Value::as_str)).filter(|h| h.len() == 20).filter_map(|h| h.parse::<u64>().ok()).max().unwrap_or(0)
}

/// A field an entry may carry, and the JSON types it takes.
type FieldRule = (&'static str, fn(&Value) -> bool);

/// One open-type collection of the details: `checklist` or `references`.
struct Collection<'a> {
    name: &'static str,
    /// The `@odata.type` names a new entry may declare.
    odata_types: &'a [&'a str],
    /// The type's name in responses (`plannerChecklistItem`).
    response_type: &'static str,
    fields: &'a [FieldRule],
    /// The field that holds the entry's place: `orderHint` or `previewPriority`.
    hint_field: &'static str,
    check_key: &'a dyn Fn(&str) -> Result<(), String>,
}

/// Merges one open-type collection (`checklist` or `references`) of a PATCH into `current`.
///
/// A `null` value deletes its key. An object adds a new entry (which must declare its `@odata.type`)
/// or updates the fields it names. The entries the PATCH places (new ones, and those with a hint of
/// their own) get service hints after all others, in the order of the client's hints (those without
/// one last): the service keeps the order the client asked for and writes its own values.
fn merge_collection(current: &mut Map<String, Value>, patch: &Map<String, Value>, c: &Collection<'_>, stamp: &Stamp<'_>, problems: &mut Vec<Problem>) {
    let Collection { name, odata_types, response_type, fields, hint_field, check_key } = *c;
    let mut placed: Vec<(Option<String>, String)> = Vec::new();
    for (key, value) in patch {
        let path = format!("{name}.{key}");
        if let Err(why) = check_key(key) {
            problems.push(Problem::new(path, why));
            continue;
        }
        let Some(fields_given) = value.as_object() else {
            if value.is_null() {
                current.remove(key);
            } else {
                problems.push(Problem::new(path, "must be an object or null"));
            }
            continue;
        };
        let is_new = !current.contains_key(key);
        match fields_given.get("@odata.type") {
            Some(t) if type_ok(t, odata_types) => {}
            Some(_) => problems.push(Problem::new(format!("{path}.@odata.type"), format!("must be {}", odata_types[0]))),
            None if is_new => problems.push(Problem::new(format!("{path}.@odata.type"), "is required for a new entry")),
            None => {}
        }
        for (field, v) in fields_given {
            if field == "@odata.type" {
                continue;
            }
            match fields.iter().find(|(f, _)| f == field) {
                Some((_, ok)) if ok(v) => {}
                Some(_) => problems.push(Problem::new(format!("{path}.{field}"), "has the wrong type")),
                None if field == "lastModifiedBy" || field == "lastModifiedDateTime" => problems.push(Problem::new(format!("{path}.{field}"), "is read-only")),
                None => problems.push(Problem::new(format!("{path}.{field}"), format!("is not a property of {response_type}"))),
            }
        }
        if name == "checklist" && is_new && !fields_given.get("title").is_some_and(Value::is_string) {
            problems.push(Problem::new(format!("{path}.title"), "is required for a new checklist item"));
        }
        if !problems.is_empty() {
            continue;
        }
        let entry = current.entry(key.clone()).or_insert_with(|| json!({}));
        for (field, v) in fields_given {
            if field != hint_field {
                entry[field] = v.clone();
            }
        }
        entry["@odata.type"] = format!("#microsoft.graph.{response_type}").into();
        entry["lastModifiedBy"] = stamp.by.clone();
        entry["lastModifiedDateTime"] = stamp.now.into();
        if is_new || fields_given.contains_key(hint_field) {
            let client_hint = fields_given.get(hint_field).and_then(Value::as_str).map(str::to_owned);
            placed.push((client_hint, key.clone()));
        }
    }
    // Hints the client gives first, in ordinal order; none last; ties in key order.
    placed.sort_by(|a, b| (a.0.is_none(), &a.0, &a.1).cmp(&(b.0.is_none(), &b.0, &b.1)));
    let placed_keys: Vec<&String> = placed.iter().map(|(_, k)| k).collect();
    let mut last = last_hint(current.iter().filter(|(k, _)| !placed_keys.contains(k)).map(|(_, v)| v), hint_field);
    for (_, key) in &placed {
        if let Some(entry) = current.get_mut(key) {
            last += 1;
            entry[hint_field] = format!("{last:020}").into();
        }
    }
}

/// `current` with `patch` merged in, or why the PATCH is refused (nothing changes then).
pub(crate) fn apply_patch(current: &Value, patch: &Value, stamp: &Stamp<'_>) -> Result<Value, Rejection> {
    let Some(patch) = patch.as_object() else { return Err(Rejection::Invalid(vec![Problem::new("", "the body must be a JSON object")])) };
    let mut details = current.clone();
    let mut problems = Vec::new();
    for (name, value) in patch {
        match name.as_str() {
            "description" => match value {
                Value::String(_) | Value::Null => details["description"] = value.clone(),
                _ => problems.push(Problem::new("description", "must be a string")),
            },
            "previewType" => match value.as_str() {
                Some(p) if PREVIEW_TYPES.contains(&p) => details["previewType"] = value.clone(),
                _ => problems.push(Problem::new("previewType", format!("must be one of {}", PREVIEW_TYPES.join(", ")))),
            },
            "checklist" | "references" if value.is_null() => {}
            "checklist" | "references" if !value.is_object() => problems.push(Problem::new(name.as_str(), "must be an object")),
            "checklist" | "references" => {}
            "id" | "@odata.etag" => problems.push(Problem::new(name.as_str(), "is read-only")),
            _ if name.starts_with("@odata.") => {}
            _ => problems.push(Problem::new(name.as_str(), "is not a property of plannerTaskDetails")),
        }
    }
    let is_string = |v: &Value| v.is_string();
    let is_bool = |v: &Value| v.is_boolean();
    let is_string_or_null = |v: &Value| v.is_string() || v.is_null();
    if let Some(items) = patch.get("checklist").and_then(Value::as_object) {
        let mut merged = details.get("checklist").and_then(Value::as_object).cloned().unwrap_or_default();
        let check_key = |k: &str| if is_guid(k) { Ok(()) } else { Err("a checklist item's id must be a GUID".to_owned()) };
        let fields: [FieldRule; 3] = [("title", is_string), ("isChecked", is_bool), ("orderHint", is_string)];
        let checklist = Collection {
            name: "checklist",
            odata_types: &[CHECKLIST_ITEM_ODATA_TYPE, "microsoft.graph.checklistItem"],
            response_type: "plannerChecklistItem",
            fields: &fields,
            hint_field: "orderHint",
            check_key: &check_key,
        };
        merge_collection(&mut merged, items, &checklist, stamp, &mut problems);
        if merged.len() > MAX_CHECKLIST_ITEMS && problems.is_empty() {
            return Err(Rejection::TooManyChecklistItems);
        }
        details["checklist"] = merged.into();
    }
    if let Some(refs) = patch.get("references").and_then(Value::as_object) {
        let mut merged = details.get("references").and_then(Value::as_object).cloned().unwrap_or_default();
        let check_key = |k: &str| match decode_reference_key(k) {
            Ok(url) => check_reference_url(&url).map_err(|why| format!("the decoded URL {url:?} {why}")),
            Err(e) => Err(format!("is not encoded as the service requires: {}", e.message())),
        };
        let fields: [FieldRule; 3] = [("alias", is_string_or_null), ("type", is_string_or_null), ("previewPriority", is_string)];
        let references = Collection {
            name: "references",
            odata_types: &[EXTERNAL_REFERENCE_ODATA_TYPE, "microsoft.graph.externalReference"],
            response_type: "plannerExternalReference",
            fields: &fields,
            hint_field: "previewPriority",
            check_key: &check_key,
        };
        merge_collection(&mut merged, refs, &references, stamp, &mut problems);
        if merged.len() > MAX_REFERENCES && problems.is_empty() {
            return Err(Rejection::TooManyReferences);
        }
        details["references"] = merged.into();
    }
    if !problems.is_empty() {
        return Err(Rejection::Invalid(problems));
    }
    details["@odata.etag"] = stamp.etag.clone().into();
    Ok(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "95e27074-6c4a-447a-aa24-9d718a0b86fa";
    const B: &str = "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff";

    fn stamp(by: &Value) -> Stamp<'_> {
        Stamp { by, now: "2026-12-01T00:00:00.0000000Z", etag: "W/\"new\"".into() }
    }

    #[test]
    fn initial_text_is_the_initial_value_serialized() {
        for (id, etag) in [("01gzSlKkIUSUl6DF_EilrmQAKDhh", "W/\"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc=\""), ("a\"b\\c\u{1}é", "")] {
            assert_eq!(initial_text(id, etag), initial(id, etag).to_string());
        }
    }

    #[test]
    fn checklist_add_update_delete_and_order() {
        let by = json!({ "user": { "id": "u" } });
        let start = initial("t", "W/\"old\"");
        let patch = json!({ "description": "d", "checklist": {
            B: { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "second", "orderHint": " ! !" },
            A: { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "first", "orderHint": " !" } } });
        let d = apply_patch(&start, &patch, &stamp(&by)).unwrap();
        assert_eq!(d["@odata.etag"], "W/\"new\"");
        assert_eq!(d["checklist"][A]["@odata.type"], "#microsoft.graph.plannerChecklistItem");
        assert_eq!(d["checklist"][A]["lastModifiedBy"], by);
        let (a, b) = (d["checklist"][A]["orderHint"].as_str().unwrap(), d["checklist"][B]["orderHint"].as_str().unwrap());
        assert!(a < b, "{a} {b}");
        assert_eq!(counts(&d), Counts { has_description: true, checklist_items: 2, active_checklist_items: 2, references: 0 });
        let d = apply_patch(&d, &json!({ "checklist": { A: { "isChecked": true }, B: null } }), &stamp(&by)).unwrap();
        assert_eq!(d["checklist"][A]["isChecked"], true);
        assert_eq!(d["checklist"][A]["orderHint"].as_str(), Some(a));
        assert!(d["checklist"].get(B).is_none());
        assert_eq!(counts(&d).active_checklist_items, 0);
    }

    /// The client's PATCH (the core's `patch_body`) is what the emulator takes, and what it answers
    /// reads back into the core's model in the client's order: the two cannot drift apart.
    #[test]
    fn the_clients_patch_is_taken_and_read_back_by_the_clients_model() {
        use graph_tasks::details::validate_details;
        use graph_tasks::model::PlannerTaskDetails;
        let input = json!({
            "description": "Numbers for Q3", "previewType": "checklist",
            "checklist": ["Collect", "Check", "Send"],
            "references": [{ "url": "https://contoso.sharepoint.com/q3.xlsx", "alias": "Q3", "type": "Excel" }]
        });
        let mut problems = Vec::new();
        let checked = validate_details(&&input, &mut problems).unwrap_or_else(|| panic!("{problems:?}"));
        let mut n = 0u8;
        let body: Value = serde_json::from_str(&checked.patch_body(|| {
            n += 1;
            [n; 16]
        }))
        .unwrap();
        let by = json!({ "user": { "id": "u" } });
        let details = apply_patch(&initial("t", "W/\"e\""), &body, &stamp(&by)).unwrap();
        let typed: PlannerTaskDetails = serde_json::from_value(details).unwrap();
        let checklist = typed.checklist.unwrap();
        let titles: Vec<&str> = checklist.in_order().into_iter().map(|(_, item)| item.title.as_deref().unwrap_or_default()).collect();
        assert_eq!(titles, ["Collect", "Check", "Send"]);
        let reference = typed.references.unwrap();
        assert_eq!(reference.get("https://contoso.sharepoint.com/q3.xlsx").and_then(|r| r.alias.as_deref()), Some("Q3"));
        assert_eq!(typed.description.as_deref(), Some("Numbers for Q3"));
    }

    #[test]
    fn refusals() {
        let by = json!({});
        let start = initial("t", "W/\"old\"");
        let bad = |patch: Value| match apply_patch(&start, &patch, &stamp(&by)) {
            Err(Rejection::Invalid(p)) => p.into_iter().map(|p| p.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(bad(json!({ "checklist": { A: { "title": "no type" } } })), [format!("checklist.{A}.@odata.type")]);
        assert_eq!(
            bad(json!({ "checklist": { "not-a-guid": { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "x" } } })),
            ["checklist.not-a-guid"]
        );
        assert_eq!(
            bad(json!({ "references": { "https://example.com": { "@odata.type": "microsoft.graph.plannerExternalReference" } } })),
            ["references.https://example.com"]
        );
        assert_eq!(bad(json!({ "id": "x", "previewType": "big" })), ["id", "previewType"]);
        let many: Map<String, Value> = (0..21)
            .map(|i| (format!("00000000-0000-0000-0000-{i:012}"), json!({ "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "t" })))
            .collect();
        assert_eq!(apply_patch(&start, &json!({ "checklist": many }), &stamp(&by)), Err(Rejection::TooManyChecklistItems));
        let refs: Map<String, Value> =
            (0..11).map(|i| (format!("https%3A//example%2Ecom/{i}"), json!({ "@odata.type": "#microsoft.graph.plannerExternalReference" }))).collect();
        assert_eq!(apply_patch(&start, &json!({ "references": refs }), &stamp(&by)), Err(Rejection::TooManyReferences));
        let ok = apply_patch(&start, &json!({ "references": { "https%3A//example%2Ecom/a": { "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "A", "type": "Word" } } }), &stamp(&by)).unwrap();
        assert_eq!(counts(&ok).references, 1);
    }
}
