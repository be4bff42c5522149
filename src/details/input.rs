//! The caller's `details`: every documented rule checked before anything is sent, and the PATCH body.

use super::keys::{check_reference_url, decode_reference_key, encode_reference_key, is_guid};
use super::{
    chained_order_hint, CHECKLIST_ITEM_ODATA_TYPE, EXTERNAL_REFERENCE_ODATA_TYPE, MAX_CHECKLIST_ITEMS, MAX_REFERENCES,
    REFERENCE_TYPES,
};
use crate::error::Problem;
use crate::json::{JsonKind, JsonNode, JsonView};
use crate::request::uuid_v4;
use crate::schema::{Resource, ASSIGNMENT_ODATA_TYPE, FIRST_ORDER_HINT, PREVIEW_TYPES};
use crate::text::push_decimal;
use crate::text::push_json_string;
use crate::validate::{check_order_hint, validate_create, AssignmentFix, Mode};

/// The details of a new task, checked, in the order the caller gave them.
///
/// No length limit is applied to any text: the docs document none for the description, a checklist
/// title or an alias (facts.md, planner-limits.md), so the service is left to decide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DetailsInput {
    /// `description`.
    pub description: Option<String>,
    /// `previewType`, one of the documented names.
    pub preview_type: Option<String>,
    /// The checklist items, in the caller's order.
    pub checklist: Vec<ChecklistEntry>,
    /// The references, in the caller's order.
    pub references: Vec<ReferenceEntry>,
}

/// One checklist item to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistEntry {
    /// The item id the caller chose (raw Graph form); `None` for an item given in an array, which gets
    /// a fresh UUID v4 when the body is built.
    pub id: Option<String>,
    /// The title, not blank.
    pub title: String,
    /// `isChecked`, when given.
    pub is_checked: Option<bool>,
    /// The order hint: the caller's (raw form, may be absent) or one that keeps the array's order.
    pub order_hint: Option<String>,
}

/// One reference to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceEntry {
    /// The property name: the URL encoded as the service requires.
    pub key: String,
    /// `alias`, when given.
    pub alias: Option<String>,
    /// `type`, one of the documented values, when given.
    pub reference_type: Option<String>,
    /// `previewPriority`: the caller's (raw form, may be absent) or one that keeps the array's order.
    pub preview_priority: Option<String>,
}

impl DetailsInput {
    /// True when there is nothing to PATCH, so the follow-up calls are skipped.
    pub fn is_empty(&self) -> bool {
        self.description.is_none()
            && self.preview_type.is_none()
            && self.checklist.is_empty()
            && self.references.is_empty()
    }

    /// The JSON body of the details PATCH. Items given without an id get a UUID v4 made of
    /// `random_bytes()` (the caller's source of randomness, so the core stays deterministic).
    ///
    /// Built once per create: a PATCH retried after a 412 sends the same keys and values, so repeating
    /// it cannot add an item twice.
    pub fn patch_body(&self, mut random_bytes: impl FnMut() -> [u8; 16]) -> String {
        let mut out = String::with_capacity(256);
        let mut object = JsonObject::open(&mut out);
        if let Some(description) = &self.description {
            object.string("description", description);
        }
        if let Some(preview_type) = &self.preview_type {
            object.string("previewType", preview_type);
        }
        if !self.checklist.is_empty() {
            let mut checklist = object.object("checklist");
            for item in &self.checklist {
                let id = match &item.id {
                    Some(id) => id.clone(),
                    None => uuid_v4(random_bytes()),
                };
                let mut value = checklist.object(&id);
                value.string("@odata.type", CHECKLIST_ITEM_ODATA_TYPE);
                value.string("title", &item.title);
                if let Some(checked) = item.is_checked {
                    value.boolean("isChecked", checked);
                }
                if let Some(hint) = &item.order_hint {
                    value.string("orderHint", hint);
                }
                value.close();
            }
            checklist.close();
        }
        if !self.references.is_empty() {
            let mut references = object.object("references");
            for reference in &self.references {
                let mut value = references.object(&reference.key);
                value.string("@odata.type", EXTERNAL_REFERENCE_ODATA_TYPE);
                if let Some(alias) = &reference.alias {
                    value.string("alias", alias);
                }
                if let Some(ty) = &reference.reference_type {
                    value.string("type", ty);
                }
                if let Some(priority) = &reference.preview_priority {
                    value.string("previewPriority", priority);
                }
                value.close();
            }
            references.close();
        }
        object.close();
        out
    }
}

/// A create checked as a whole: the task's own rules and its details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatedCreate {
    /// What the client adds to assignments (see [`AssignmentFix`]).
    pub fixes: Vec<AssignmentFix>,
    /// The details to PATCH after the create, when the task carries any.
    pub details: Option<DetailsInput>,
}

impl ValidatedCreate {
    /// The create's JSON body: the snapshot's own `text` when the client changes nothing, else the
    /// snapshot (`task`, parsed from `text`) written again without `details` (set by a PATCH once the
    /// task exists) and with the assignment fields the docs require that the caller left out, each
    /// appended after the assignment's own members. Everything else is written as it was read.
    pub fn body(&self, task: &JsonNode<'_>, text: &str) -> String {
        if self.fixes.is_empty() && self.details.is_none() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() + 64 * self.fixes.len());
        let drop_details = self.details.is_some();
        task.write_members(
            &mut out,
            &mut |path, key| drop_details && path.is_empty() && key == "details",
            &mut |path, out| {
                let [assignments, user_id] = path else { return };
                if assignments != "assignments" {
                    return;
                }
                let Some(fix) = self.fixes.iter().find(|fix| fix.user_id == *user_id) else { return };
                if fix.add_odata_type {
                    out.push_str(",\"@odata.type\":");
                    push_json_string(out, ASSIGNMENT_ODATA_TYPE);
                }
                if fix.add_order_hint {
                    out.push_str(",\"orderHint\":");
                    push_json_string(out, FIRST_ORDER_HINT);
                }
            },
        );
        out
    }
}

/// Checks a task for a create by the client, `details` included, and reports every problem at once.
///
/// `details` is not a property of the create: the client sends the task without it, then PATCHes the
/// details. Only `plannerTask` has them here; the 2015 endpoints refuse a `details` member.
pub fn validate_create_request<V: JsonView>(task: &V, resource: Resource) -> Result<ValidatedCreate, Vec<Problem>> {
    let created = validate_create(task, resource, Mode::Client);
    let mut problems = match &created {
        Ok(_) => Vec::new(),
        Err(problems) => problems.clone(),
    };
    let details = match task.get("details") {
        None => None,
        Some(_) if resource != Resource::PlannerTask => {
            problems.push(Problem::new("details", "can only be set on the planner endpoint"));
            None
        }
        Some(details) => validate_details(&details, &mut problems),
    };
    match created {
        Ok(fixes) if problems.is_empty() => Ok(ValidatedCreate { fixes, details }),
        _ => Err(problems),
    }
}

/// Checks the `details` of a new task (its paths start with `details`), pushing every problem; returns
/// the checked input when there was none.
///
/// Accepted forms: `checklist` as an array of titles or `{ title, isChecked }`, or the Graph form keyed
/// by GUID; `references` as an array of `{ url, alias, type }`, or the Graph form keyed by encoded URL.
pub fn validate_details<V: JsonView>(details: &V, problems: &mut Vec<Problem>) -> Option<DetailsInput> {
    let before = problems.len();
    if details.kind() != JsonKind::Object {
        problems.push(Problem::new("details", must_be("an object", details.kind())));
        return None;
    }
    only(details, "details", &["description", "previewType", "checklist", "references"], problems);
    let mut input = DetailsInput {
        description: details.get("description").and_then(|d| string(&d, "details.description", problems)),
        ..DetailsInput::default()
    };
    if let Some(preview) = details.get("previewType") {
        let path = "details.previewType";
        input.preview_type = string(&preview, path, problems).filter(|t| {
            let known = PREVIEW_TYPES.contains(&t.as_str());
            if !known {
                problems
                    .push(Problem::new(path, "must be one of automatic, noPreview, checklist, description, reference"));
            }
            known
        });
    }
    if let Some(checklist) = details.get("checklist") {
        let path = "details.checklist";
        let over = "has more than 20 items, the most the service allows (MaximumChecklistItemsOnTask)";
        for (i, (key, item)) in open_type(&checklist, path, MAX_CHECKLIST_ITEMS, over, problems).into_iter().enumerate()
        {
            let item_path = entry_path(path, &key, i);
            if let Some(entry) = checklist_item(key, &item, &item_path, i, problems) {
                input.checklist.push(entry);
            }
        }
    }
    if let Some(references) = details.get("references") {
        let path = "details.references";
        let over = "has more than 10 references, the most the service allows (MaximumReferencesOnTask)";
        // The path of each accepted entry, to name the first of two with the same URL.
        let mut paths: Vec<String> = Vec::new();
        for (i, (key, item)) in open_type(&references, path, MAX_REFERENCES, over, problems).into_iter().enumerate() {
            let item_path = entry_path(path, &key, i);
            let Some(entry) = reference(key, &item, &item_path, i, problems) else { continue };
            // Two array entries with the same URL would be one key: the second would silently win.
            if let Some(first) = input.references.iter().position(|e| e.key == entry.key) {
                let mut m = String::from("repeats the URL of ");
                m.push_str(paths.get(first).map_or("", String::as_str));
                problems.push(Problem::new(child(&item_path, "url"), m));
                continue;
            }
            input.references.push(entry);
            paths.push(item_path);
        }
    }
    (problems.len() == before).then_some(input)
}

/// The entries of a checklist or references value: `(key, value)`, the key `None` for an array (the
/// short form), else the raw Graph form's property name. Checks the service's limit.
fn open_type<V: JsonView>(
    value: &V,
    path: &str,
    limit: usize,
    over_limit: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(Option<String>, V)> {
    let mut entries = Vec::new();
    match value.kind() {
        JsonKind::Array => {
            for item in value.items() {
                entries.push((None, item));
            }
        }
        JsonKind::Object => {
            for (key, item) in value.members() {
                entries.push((Some(key.into_owned()), item));
            }
        }
        other => problems.push(Problem::new(path, must_be("an array, or an object in the Graph form", other))),
    }
    if entries.len() > limit {
        problems.push(Problem::new(path, over_limit));
    }
    entries
}

/// The path of entry `position` (array) or `key` (raw form) of the open type at `parent`.
fn entry_path(parent: &str, key: &Option<String>, position: usize) -> String {
    match key {
        Some(key) => child(parent, key),
        None => indexed(parent, position),
    }
}

fn checklist_item<V: JsonView>(
    id: Option<String>,
    item: &V,
    path: &str,
    position: usize,
    problems: &mut Vec<Problem>,
) -> Option<ChecklistEntry> {
    let before = problems.len();
    if id.as_deref().is_some_and(|id| !is_guid(id)) {
        problems.push(Problem::new(
            path,
            "must be a GUID such as 95e27074-6c4a-447a-aa24-9d718a0b86fa (the docs' rule for item ids)",
        ));
    }
    let mut entry = ChecklistEntry { title: String::new(), is_checked: None, order_hint: None, id };
    match item.kind() {
        // The short form: a title alone.
        JsonKind::String if entry.id.is_none() => entry.title = title(item, path, problems)?,
        JsonKind::Object => {
            let title_path = child(path, "title");
            match item.get("title") {
                Some(t) => entry.title = title(&t, &title_path, problems).unwrap_or_default(),
                None => problems.push(Problem::new(title_path, "is required")),
            }
            if let Some(checked) = item.get("isChecked") {
                entry.is_checked = checked.as_bool();
                if entry.is_checked.is_none() {
                    problems.push(Problem::new(child(path, "isChecked"), must_be("a boolean", checked.kind())));
                }
            }
            if entry.id.is_some() {
                only(item, path, &["@odata.type", "title", "isChecked", "orderHint"], problems);
                odata_type(item, CHECKLIST_ITEM_ODATA_TYPE, path, problems);
                entry.order_hint =
                    item.get("orderHint").and_then(|h| order_hint(&h, &child(path, "orderHint"), problems));
            } else {
                only(item, path, &["title", "isChecked"], problems);
            }
        }
        other => {
            let expected =
                if entry.id.is_some() { "a plannerChecklistItem object" } else { "a title or { title, isChecked }" };
            problems.push(Problem::new(path, must_be(expected, other)));
        }
    }
    if entry.id.is_none() {
        // The short form keeps the array's order; a new item is unchecked unless it says otherwise.
        entry.order_hint = Some(chained_order_hint(position));
        entry.is_checked = Some(entry.is_checked.unwrap_or(false));
    }
    (problems.len() == before).then_some(entry)
}

fn reference<V: JsonView>(
    key: Option<String>,
    item: &V,
    path: &str,
    position: usize,
    problems: &mut Vec<Problem>,
) -> Option<ReferenceEntry> {
    let before = problems.len();
    if item.kind() != JsonKind::Object {
        problems.push(Problem::new(path, must_be("an object", item.kind())));
        return None;
    }
    let mut entry = ReferenceEntry { key: String::new(), alias: None, reference_type: None, preview_priority: None };
    match key {
        // The short form: the URL is a member, encoded into the key here, and the array's order kept.
        None => {
            only(item, path, &["url", "alias", "type"], problems);
            let url_path = child(path, "url");
            match item.get("url").map(|u| string(&u, &url_path, problems)) {
                None => problems.push(Problem::new(url_path, "is required")),
                Some(None) => {}
                Some(Some(url)) => match check_reference_url(&url) {
                    Ok(()) => entry.key = encode_reference_key(&url),
                    Err(reason) => problems.push(Problem::new(url_path, reason)),
                },
            }
            entry.preview_priority = Some(chained_order_hint(position));
        }
        Some(key) => {
            only(item, path, &["@odata.type", "alias", "type", "previewPriority"], problems);
            odata_type(item, EXTERNAL_REFERENCE_ODATA_TYPE, path, problems);
            match decode_reference_key(&key) {
                Err(e) => problems.push(Problem::new(path, e.message())),
                Ok(url) => {
                    if let Err(reason) = check_reference_url(&url) {
                        let mut m = String::from("is not an encoded http(s) URL: the URL ");
                        m.push_str(reason);
                        problems.push(Problem::new(path, m));
                    }
                }
            }
            entry.preview_priority =
                item.get("previewPriority").and_then(|p| order_hint(&p, &child(path, "previewPriority"), problems));
            entry.key = key;
        }
    }
    entry.alias = item.get("alias").and_then(|a| string(&a, &child(path, "alias"), problems));
    if let Some(ty) = item.get("type") {
        let type_path = child(path, "type");
        entry.reference_type = string(&ty, &type_path, problems).filter(|t| {
            let known = REFERENCE_TYPES.contains(&t.as_str());
            if !known {
                problems.push(Problem::new(type_path.clone(), "must be one of PowerPoint, Word, Excel, Other"));
            }
            known
        });
    }
    (problems.len() == before).then_some(entry)
}

/// Refuses the members of `object` not in `allowed`: a misspelt name would otherwise be dropped silently,
/// and a service-set one (`lastModifiedBy`, `id`) cannot be sent.
fn only<V: JsonView>(object: &V, path: &str, allowed: &[&str], problems: &mut Vec<Problem>) {
    for (name, _) in object.members() {
        if !allowed.contains(&&*name) {
            let mut m = String::from("cannot be sent: use ");
            for (i, a) in allowed.iter().enumerate() {
                if i > 0 {
                    m.push_str(", ");
                }
                m.push_str(a);
            }
            problems.push(Problem::new(child(path, &name), m));
        }
    }
}

fn title<V: JsonView>(value: &V, path: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let title = string(value, path, problems)?;
    if title.trim().is_empty() {
        problems.push(Problem::new(path, "must not be blank"));
        return None;
    }
    Some(title)
}

fn string<V: JsonView>(value: &V, path: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let text = value.as_str().map(|t| t.into_owned());
    if text.is_none() {
        problems.push(Problem::new(path, must_be("a string", value.kind())));
    }
    text
}

fn order_hint<V: JsonView>(value: &V, path: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let hint = string(value, path, problems)?;
    let before = problems.len();
    check_order_hint(&hint, path, problems);
    (problems.len() == before).then_some(hint)
}

/// The `@odata.type` the caller wrote, if any: `expected`, with or without the leading `#`. The body
/// always carries `expected`.
fn odata_type<V: JsonView>(item: &V, expected: &str, path: &str, problems: &mut Vec<Problem>) {
    let Some(value) = item.get("@odata.type") else { return };
    if !value.as_str().is_some_and(|t| *t == *expected || t.strip_prefix('#') == Some(expected)) {
        let mut m = String::from("must be ");
        m.push_str(expected);
        problems.push(Problem::new(child(path, "@odata.type"), m));
    }
}

fn must_be(expected: &str, found: JsonKind) -> String {
    let mut m = String::from("must be ");
    m.push_str(expected);
    m.push_str(", not ");
    m.push_str(found.describe());
    m
}

fn child(parent: &str, key: &str) -> String {
    let mut p = String::with_capacity(parent.len() + key.len() + 1);
    p.push_str(parent);
    p.push('.');
    p.push_str(key);
    p
}

fn indexed(parent: &str, index: usize) -> String {
    let mut p = String::with_capacity(parent.len() + 4);
    p.push_str(parent);
    p.push('[');
    push_decimal(&mut p, index as u64);
    p.push(']');
    p
}

/// A JSON object written as text, member by member; keys and strings are escaped as JSON requires.
/// Hand-written rather than serde_json, whose formatting machinery would add to the wasm.
struct JsonObject<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> JsonObject<'a> {
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        JsonObject { out, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_json_string(self.out, key);
        self.out.push(':');
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        push_json_string(self.out, value);
    }

    fn boolean(&mut self, key: &str, value: bool) {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
    }

    fn object(&mut self, key: &str) -> JsonObject<'_> {
        self.key(key);
        JsonObject::open(self.out)
    }

    fn close(self) {
        self.out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::JsonTree;
    use serde_json::{json, Value};

    fn body_of(text: &str) -> Result<String, Vec<Problem>> {
        let tree = JsonTree::parse(text, |n| n.parse().unwrap()).unwrap();
        let validated = validate_create_request(&tree.root(), Resource::PlannerTask)?;
        Ok(validated.body(&tree.root(), text))
    }

    #[test]
    fn the_body_is_the_snapshot_unless_the_client_adds_or_leaves_out_members() {
        let plain = r##"{"planId":"p","title":"t\u00e9","assignments":{"u1":{"@odata.type":"#microsoft.graph.plannerAssignment","orderHint":"x!"}}}"##;
        assert_eq!(body_of(plain).unwrap(), plain);
        let fixed = body_of(
            r##"{"planId":"p","title":"t","assignments":{"u1":{},"u2":{"orderHint":"a!"}},"details":{"description":"d"},"x":[1]}"##,
        );
        assert_eq!(
            fixed.unwrap(),
            r##"{"planId":"p","title":"t","assignments":{"u1":{"@odata.type":"#microsoft.graph.plannerAssignment","orderHint":" !"},"u2":{"orderHint":"a!","@odata.type":"#microsoft.graph.plannerAssignment"}},"x":[1]}"##
        );
        // A user id that needs escaping in JSON is matched by its value.
        let escaped = body_of(r##"{"planId":"p","title":"t","assignments":{"a\"b":{}}}"##).unwrap();
        let sent: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(sent["assignments"]["a\"b"]["orderHint"], " !");
    }

    fn check(details: Value) -> Result<DetailsInput, Vec<Problem>> {
        let mut problems = Vec::new();
        match validate_details(&&details, &mut problems) {
            Some(input) if problems.is_empty() => Ok(input),
            _ => Err(problems),
        }
    }

    fn fields(details: Value) -> Vec<String> {
        check(details).expect_err("should be refused").into_iter().map(|p| p.field).collect()
    }

    fn counter() -> impl FnMut() -> [u8; 16] {
        let mut n = 0u8;
        move || {
            n += 1;
            [n; 16]
        }
    }

    fn body(details: Value) -> Value {
        let input = check(details).unwrap();
        serde_json::from_str(&input.patch_body(counter())).unwrap()
    }

    #[test]
    fn every_field_in_the_short_forms() {
        let patch = body(json!({
            "description": "Quarterly \"numbers\"\n\t\u{1}",
            "previewType": "checklist",
            "checklist": ["Collect", { "title": "Check", "isChecked": true }, { "title": "Send" }],
            "references": [
                { "url": "https://contoso.sharepoint.com/q3.xlsx", "alias": "Q3", "type": "Excel" },
                { "url": "http://developer.microsoft.com" }
            ]
        }));
        let first = uuid_v4([1; 16]);
        assert!(is_guid(&first));
        let second = uuid_v4([2; 16]);
        let third = uuid_v4([3; 16]);
        assert_eq!(
            patch,
            json!({
                "description": "Quarterly \"numbers\"\n\t\u{1}",
                "previewType": "checklist",
                "checklist": {
                    first: { "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "Collect", "isChecked": false, "orderHint": " !" },
                    second: { "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "Check", "isChecked": true, "orderHint": " ! !" },
                    third: { "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "Send", "isChecked": false, "orderHint": " ! ! !" }
                },
                "references": {
                    "https%3A//contoso%2Esharepoint%2Ecom/q3%2Exlsx": {
                        "@odata.type": EXTERNAL_REFERENCE_ODATA_TYPE, "alias": "Q3", "type": "Excel", "previewPriority": " !"
                    },
                    "http%3A//developer%2Emicrosoft%2Ecom": {
                        "@odata.type": EXTERNAL_REFERENCE_ODATA_TYPE, "previewPriority": " ! !"
                    }
                }
            })
        );
    }

    #[test]
    fn the_body_keeps_the_given_order() {
        let titles: Vec<String> = (0..MAX_CHECKLIST_ITEMS).map(|i| format!("item {i}")).collect();
        let input = check(json!({ "checklist": titles })).unwrap();
        let text = input.patch_body(counter());
        // Object members in the text follow the array, and the order hints sort the same way.
        let positions: Vec<usize> = titles.iter().map(|t| text.find(&format!("\"{t}\"")).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
        let parsed: crate::model::PlannerTaskDetails = serde_json::from_str(&text).unwrap();
        let checklist = parsed.checklist.unwrap();
        let ordered: Vec<&str> =
            checklist.in_order().into_iter().map(|(_, item)| item.title.as_deref().unwrap()).collect();
        assert_eq!(ordered, titles.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn raw_graph_forms_pass_through() {
        let patch = body(json!({
            "checklist": {
                "95e27074-6c4a-447a-aa24-9d718a0b86fa": {
                    "@odata.type": "#microsoft.graph.plannerChecklistItem", "title": "Update task details", "isChecked": true
                },
                "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff": { "title": "Second", "orderHint": "8587094707721254251P]" }
            },
            "references": {
                "http%3A//developer%2Emicrosoft%2Ecom": {
                    "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Documentation",
                    "previewPriority": " !", "type": "Other"
                }
            }
        }));
        assert_eq!(
            patch,
            json!({
                "checklist": {
                    "95e27074-6c4a-447a-aa24-9d718a0b86fa": {
                        "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "Update task details", "isChecked": true
                    },
                    "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff": {
                        "@odata.type": CHECKLIST_ITEM_ODATA_TYPE, "title": "Second", "orderHint": "8587094707721254251P]"
                    }
                },
                "references": {
                    "http%3A//developer%2Emicrosoft%2Ecom": {
                        "@odata.type": EXTERNAL_REFERENCE_ODATA_TYPE, "alias": "Documentation", "type": "Other",
                        "previewPriority": " !"
                    }
                }
            })
        );
    }

    #[test]
    fn limits_of_the_service() {
        let titles = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
        assert!(check(json!({ "checklist": titles(20) })).is_ok());
        let problems = check(json!({ "checklist": titles(21) })).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "details.checklist");
        assert_eq!(
            problems[0].message,
            "has more than 20 items, the most the service allows (MaximumChecklistItemsOnTask)"
        );
        let urls = |n: usize| (0..n).map(|i| json!({ "url": format!("https://x.com/{i}") })).collect::<Vec<_>>();
        assert!(check(json!({ "references": urls(10) })).is_ok());
        assert_eq!(fields(json!({ "references": urls(11) })), ["details.references"]);
        let keyed: serde_json::Map<String, Value> =
            (0..21u8).map(|i| (uuid_v4([i; 16]), json!({ "title": "t" }))).collect();
        assert_eq!(fields(json!({ "checklist": keyed })), ["details.checklist"]);
    }

    #[test]
    fn every_problem_with_its_path() {
        let problems = check(json!({
            "description": 5,
            "previewType": "preview",
            "checklist": ["ok", "  ", { "title": "" }, { "isChecked": "yes", "title": "x" }, { "done": true }, 7],
            "references": [
                { "url": "ftp://x.com" },
                { "url": "https://x.com", "type": "Pdf" },
                { "alias": "no url" },
                { "url": "https://x.com" },
                "https://y.com"
            ],
            "notes": "x",
            "id": "abc"
        }))
        .unwrap_err();
        let mut f: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        f.sort_unstable();
        assert_eq!(
            f,
            [
                "details.checklist[1]",
                "details.checklist[2].title",
                "details.checklist[3].isChecked",
                "details.checklist[4].done",
                "details.checklist[4].title",
                "details.checklist[5]",
                "details.description",
                "details.id",
                "details.notes",
                "details.previewType",
                "details.references[0].url",
                "details.references[1].type",
                "details.references[2].url",
                "details.references[4]",
            ]
        );
        // [3] repeats [1]'s URL, but [1] was refused for its type, so there is nothing to repeat.
        let problems =
            check(json!({ "references": [{ "url": "https://x.com" }, { "url": "https://x.com" }] })).unwrap_err();
        assert_eq!(
            problems,
            vec![Problem::new("details.references[1].url", "repeats the URL of details.references[0]")]
        );
    }

    #[test]
    fn raw_form_problems() {
        let mut f = fields(json!({
            "checklist": {
                "not-a-guid": { "title": "t" },
                "95e27074-6c4a-447a-aa24-9d718a0b86fa": null,
                "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff": {
                    "@odata.type": "microsoft.graph.checklistItem", "lastModifiedBy": {}, "orderHint": "é", "x": 1
                }
            },
            "references": {
                "https://x.com": { "type": "Other" },
                "https%3A//x%2Ecom": { "previewPriority": 3, "lastModifiedDateTime": "2026-01-01T00:00:00Z" },
                "ftp%3A//x%2Ecom": {},
                "https%3A//y%2Ecom": "Other"
            }
        }));
        f.sort_unstable();
        assert_eq!(
            f,
            [
                "details.checklist.95e27074-6c4a-447a-aa24-9d718a0b86fa",
                "details.checklist.d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff.@odata.type",
                "details.checklist.d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff.lastModifiedBy",
                "details.checklist.d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff.orderHint",
                "details.checklist.d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff.title",
                "details.checklist.d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff.x",
                "details.checklist.not-a-guid",
                "details.references.ftp%3A//x%2Ecom",
                "details.references.https%3A//x%2Ecom.lastModifiedDateTime",
                "details.references.https%3A//x%2Ecom.previewPriority",
                "details.references.https%3A//y%2Ecom",
                "details.references.https://x.com",
            ]
        );
    }

    #[test]
    fn details_must_be_an_object_of_known_forms() {
        for bad in [json!(null), json!("text"), json!([])] {
            assert_eq!(fields(bad), ["details"]);
        }
        assert_eq!(fields(json!({ "checklist": "a, b" })), ["details.checklist"]);
        assert_eq!(fields(json!({ "references": true })), ["details.references"]);
        let empty = check(json!({ "checklist": [], "references": {} })).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.patch_body(|| unreachable!()), "{}");
    }

    #[test]
    fn an_empty_description_is_still_a_patch() {
        let input = check(json!({ "description": "" })).unwrap();
        assert!(!input.is_empty());
        assert_eq!(input.patch_body(|| unreachable!()), r#"{"description":""}"#);
    }

    #[test]
    fn the_create_and_its_details_are_checked_together() {
        let task = json!({
            "planId": "xqQg5FS2LkCp935s-FIFm2QAFkHM", "priority": 11,
            "details": { "checklist": [""] }
        });
        let problems = validate_create_request(&&task, Resource::PlannerTask).unwrap_err();
        let f: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(f, ["priority", "title", "details.checklist[0]"]);
        let task = json!({ "planId": "xqQg5FS2LkCp935s-FIFm2QAFkHM", "title": "t", "details": { "description": "d" } });
        let validated = validate_create_request(&&task, Resource::PlannerTask).unwrap();
        assert_eq!(validated.details.unwrap().description.as_deref(), Some("d"));
        let legacy = json!({ "title": "t", "details": { "description": "d" } });
        let problems = validate_create_request(&&legacy, Resource::LegacyTask).unwrap_err();
        assert_eq!(problems, vec![Problem::new("details", "can only be set on the planner endpoint")]);
        let plain = json!({ "planId": "p", "title": "t" });
        assert_eq!(validate_create_request(&&plain, Resource::PlannerTask).unwrap().details, None);
    }

    #[test]
    fn hostile_text_stays_inside_its_string() {
        let input = check(json!({
            "description": "\",\"previewType\":\"noPreview",
            "checklist": ["}\u{0}\u{1f}\\"],
        }))
        .unwrap();
        let parsed: Value = serde_json::from_str(&input.patch_body(counter())).unwrap();
        assert_eq!(parsed["description"], "\",\"previewType\":\"noPreview");
        assert!(parsed.get("previewType").is_none());
        let item = parsed["checklist"].as_object().unwrap().values().next().unwrap();
        assert_eq!(item["title"], "}\u{0}\u{1f}\\");
    }
}
