#![cfg(not(target_arch = "wasm32"))]
//! Keeps the npm package's TypeScript declarations (`pkg-template/index.d.ts`) in step with the crate.
//!
//! For each resource the d.ts has an output interface (the created task: every property of the schema
//! table, service-set ones `readonly`) and an input interface (the task to create: exactly the writable
//! properties). This test reads those interfaces and checks each property's name, type, `readonly` and
//! `?` against `graph_tasks::schema`, the required properties against the validator, the category
//! interfaces against the category ranges, the preview types, the error kinds, and the option and
//! `GraphError` field names against the JS face (`src/wasm/bindings.rs`, `src/wasm/graph_error.js`).
//!
//! The d.ts keeps one property per line (`  [readonly ]name[?]: Type;`), so a line parser suffices.

use std::collections::BTreeSet;

use graph_tasks::contract::{self, ClientCode};
use graph_tasks::request::Endpoint;
use graph_tasks::response::check_created_task;
use graph_tasks::schema::{Access, FieldType, Resource, PREVIEW_TYPES};
use graph_tasks::validate::{validate_create, Mode};
use graph_tasks::ErrorKind;
use serde_json::json;

const DTS: &str = include_str!("../pkg-template/index.d.ts");
const WEB_DTS: &str = include_str!("../pkg-template/web.d.ts");
const BINDINGS: &str = include_str!("../src/wasm/bindings.rs");
const GRAPH_ERROR_JS: &str = include_str!("../src/wasm/graph_error.js");

#[derive(Debug, PartialEq)]
struct Prop {
    name: String,
    readonly: bool,
    optional: bool,
    ty: String,
}

/// The lines of the body of the declaration whose opening line is exactly `header`.
fn body(header: &str) -> Vec<&'static str> {
    let mut lines = DTS.lines();
    let found = lines.by_ref().any(|l| l.trim_end() == header);
    assert!(found, "index.d.ts has no line `{header}`");
    lines.take_while(|l| !l.starts_with('}')).collect()
}

fn is_comment(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("/**")
        || line.starts_with('*')
        || line.starts_with("*/")
        || line.starts_with("//")
}

/// The properties of an interface or class; methods and constructors are skipped.
fn props(header: &str) -> Vec<Prop> {
    let mut out = Vec::new();
    for raw in body(header) {
        let line = raw.trim();
        if is_comment(line) || line.starts_with("constructor(") || line.contains("():") {
            continue;
        }
        let line = line
            .strip_suffix(';')
            .unwrap_or_else(|| panic!("`{header}`: cannot read `{raw}` (one property per line, ending in `;`)"));
        let (readonly, line) = match line.strip_prefix("readonly ") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (name, ty) = if let Some(quoted) = line.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or_else(|| panic!("`{header}`: unterminated name in `{raw}`"));
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = line.find(['?', ':']).unwrap_or_else(|| panic!("`{header}`: cannot read `{raw}`"));
            (&line[..end], &line[end..])
        };
        let (optional, ty) = match ty.strip_prefix("?: ") {
            Some(ty) => (true, ty),
            None => (false, ty.strip_prefix(": ").unwrap_or_else(|| panic!("`{header}`: cannot read `{raw}`"))),
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '@' || c == '.'),
            "`{header}`: odd property name in `{raw}`"
        );
        out.push(Prop { name: name.to_owned(), readonly, optional, ty: ty.to_owned() });
    }
    out
}

/// The string literals of a one-line union alias `export type NAME = "a" | "b" …;`.
fn literals(name: &str) -> Vec<String> {
    let prefix = format!("export type {name} = ");
    let line = DTS
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("index.d.ts has no `{prefix}…` line"));
    line.trim_end_matches(';')
        .split(" | ")
        .map(|part| {
            part.strip_prefix('"')
                .and_then(|p| p.strip_suffix('"'))
                .unwrap_or_else(|| panic!("{name}: `{part}` is not a string literal"))
                .to_owned()
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    /// The task to create.
    Input,
    /// The task the service created.
    Output,
}

/// The TypeScript type a property of schema type `ty` must have (before `| null`).
fn ts_type(resource: Resource, ty: FieldType, side: Side) -> &'static str {
    match ty {
        FieldType::String | FieldType::DateTimeOffset | FieldType::Date => "string",
        FieldType::Int32 => "number",
        FieldType::Bool => "boolean",
        FieldType::IdentitySet => "IdentitySet",
        FieldType::Assignments => match side {
            Side::Input => "Record<string, PlannerAssignmentInput>",
            Side::Output => "Record<string, PlannerAssignment>",
        },
        FieldType::Categories => match resource {
            Resource::PlannerTask => "PlannerAppliedCategories",
            Resource::LegacyTask => "LegacyAppliedCategories",
        },
        // A create may only send the known names; a created task may carry a later one.
        FieldType::PreviewType => match side {
            Side::Input => "KnownPlannerPreviewType",
            Side::Output => "PlannerPreviewType",
        },
        FieldType::StringArray => "string[]",
        FieldType::Object => "Record<string, unknown>",
    }
}

/// The properties the validator requires on a create ("is required" for an empty task).
fn required_on_create(resource: Resource) -> BTreeSet<String> {
    let empty = json!({});
    let problems = validate_create(&&empty, resource, Mode::Client).expect_err("an empty task is refused");
    problems.into_iter().filter(|p| p.message.starts_with("is required")).map(|p| p.field).collect()
}

fn names(props: &[Prop]) -> Vec<&str> {
    props.iter().map(|p| p.name.as_str()).collect()
}

/// `details`, the navigation property a Planner task is created with and returned with (set by a PATCH
/// after the create, so not in the schema table): the last property of both interfaces.
fn split_details(resource: Resource, mut declared: Vec<Prop>, ty: &str) -> Vec<Prop> {
    if resource == Resource::PlannerTask {
        let details = declared.pop().expect("properties");
        assert_eq!(details, Prop { name: "details".into(), readonly: false, optional: true, ty: ty.into() });
    }
    declared
}

fn check_resource(resource: Resource, output: &str, input: &str, categories: &str) {
    let fields = resource.fields();

    // The created task: every property of the table, in the table's order.
    let declared = split_details(resource, props(&format!("export interface {output} {{")), "PlannerTaskDetails");
    let table: Vec<&str> = fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names(&declared),
        table,
        "{output} must declare exactly the properties of the schema table, in its order"
    );
    // The response check guarantees `id` (a non-empty string) and nothing else.
    assert!(check_created_task(Some(&&json!({ "title": "t" })), resource).is_err());
    assert!(check_created_task(Some(&&json!({ "id": "x" })), resource).is_ok());
    for (field, prop) in fields.iter().zip(&declared) {
        let base = ts_type(resource, field.ty, Side::Output);
        let (optional, ty) =
            if field.name == "id" { (false, base.to_owned()) } else { (true, format!("{base} | null")) };
        let expected = Prop { name: field.name.to_owned(), readonly: field.access == Access::ReadOnly, optional, ty };
        assert_eq!(prop, &expected, "{output}.{}", field.name);
    }

    // The task to create: exactly the writable properties; the required ones without `?` or null.
    let declared = split_details(resource, props(&format!("export interface {input} {{")), "PlannerTaskDetailsInput");
    let writable: Vec<_> = fields.iter().filter(|f| f.access == Access::Writable).collect();
    assert_eq!(
        names(&declared),
        writable.iter().map(|f| f.name).collect::<Vec<_>>(),
        "{input} must declare exactly the writable properties of the schema table, in its order"
    );
    let required = required_on_create(resource);
    assert!(required.contains("title"));
    for name in &required {
        assert!(writable.iter().any(|f| f.name == *name), "{name} is required but not writable");
    }
    for (field, prop) in writable.iter().zip(&declared) {
        let base = ts_type(resource, field.ty, Side::Input);
        let is_required = required.contains(field.name);
        let expected = Prop {
            name: field.name.to_owned(),
            readonly: false,
            optional: !is_required,
            ty: if is_required { base.to_owned() } else { format!("{base} | null") },
        };
        assert_eq!(prop, &expected, "{input}.{}", field.name);
    }

    // The categories: categoryLOW … categoryHIGH, each an optional boolean.
    let (low, high) = resource.category_range();
    let expected: Vec<Prop> = (low..=high)
        .map(|n| Prop { name: format!("category{n}"), readonly: false, optional: true, ty: "boolean".to_owned() })
        .collect();
    assert_eq!(props(&format!("export interface {categories} {{")), expected, "{categories}");
}

#[test]
fn planner_task_interfaces_match_the_schema() {
    check_resource(Resource::PlannerTask, "PlannerTask", "PlannerTaskInput", "PlannerAppliedCategories");
}

#[test]
fn legacy_task_interfaces_match_the_schema() {
    check_resource(Resource::LegacyTask, "LegacyTask", "LegacyTaskInput", "LegacyAppliedCategories");
}

#[test]
fn preview_types_match() {
    assert_eq!(literals("KnownPlannerPreviewType"), PREVIEW_TYPES);
    assert!(DTS.contains("export type PlannerPreviewType = KnownPlannerPreviewType | (string & {});"));
}

#[test]
fn error_kinds_match() {
    let all = [
        ErrorKind::Http,
        ErrorKind::Network,
        ErrorKind::Aborted,
        ErrorKind::Timeout,
        ErrorKind::Validation,
        ErrorKind::InvalidResponse,
        ErrorKind::Config,
    ];
    // A kind added to the enum must be added to `all` above (and then to the d.ts).
    for kind in all {
        match kind {
            ErrorKind::Http
            | ErrorKind::Network
            | ErrorKind::Aborted
            | ErrorKind::Timeout
            | ErrorKind::Validation
            | ErrorKind::InvalidResponse
            | ErrorKind::Config => {}
        }
    }
    let names: Vec<&str> = all.iter().map(|k| k.as_str()).collect();
    assert_eq!(literals("GraphErrorKind"), names);
    assert_eq!(contract::ERROR_KINDS, all, "the contract lists every kind");
}

/// The string arguments of every call `prefix"…"` in `source`, whitespace ignored.
fn call_args(source: &str, prefix: &str) -> BTreeSet<String> {
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    compact.split(prefix).skip(1).map(|rest| rest[..rest.find('"').expect("closing quote")].to_owned()).collect()
}

#[test]
fn graph_error_fields_match_the_js_face() {
    // The fields to_js_error sets on every GraphError: the contract's table.
    let set: BTreeSet<String> = contract::graph_error_field_names().into_iter().map(str::to_owned).collect();
    assert!(set.contains("kind") && set.contains("problems"), "the contract's fields: {set:?}");
    assert!(BINDINGS.contains("graph_error_fields(&error)"), "to_js_error sets the contract's fields");

    let class = props("export declare class GraphError extends Error {");
    let mut declared: BTreeSet<String> = class.iter().map(|p| p.name.clone()).collect();
    assert!(declared.remove("name"), "GraphError declares its name");
    assert_eq!(declared, set, "GraphError's fields must be the ones src/contract.rs lists");
    for p in &class {
        assert!(p.readonly && !p.optional, "GraphError.{} is always present and read-only", p.name);
        let ty = match p.name.as_str() {
            "name" => "\"GraphError\"",
            "kind" => "GraphErrorKind",
            "mayHaveBeenCreated" => "boolean",
            "problems" => "GraphProblem[]",
            "status" | "retryAfterMs" => "number | undefined",
            "code" => "ClientErrorCode | (string & {}) | undefined",
            "step" => "GraphErrorStep",
            "task" => "PlannerTask | undefined",
            _ => "string | undefined",
        };
        assert_eq!(p.ty, ty, "GraphError.{}", p.name);
    }

    let fields: BTreeSet<String> = props("export interface GraphErrorFields {").into_iter().map(|p| p.name).collect();
    assert_eq!(fields, set, "GraphErrorFields");

    // toJSON (graph_error.js) returns the fields, the name and the message; the d.ts says the same.
    assert!(
        GRAPH_ERROR_JS.contains("return { name: this.name, message: this.message, ...this };"),
        "graph_error.js toJSON"
    );
    let mut expected = set.clone();
    expected.insert("name".into());
    expected.insert("message".into());
    let picked =
        DTS.lines().find_map(|l| l.trim().strip_prefix("toJSON(): Pick<GraphError, ")).expect("toJSON in the d.ts");
    let picked: BTreeSet<String> =
        picked.trim_end_matches(">;").split(" | ").map(|s| s.trim_matches('"').to_owned()).collect();
    assert_eq!(picked, expected, "GraphError.toJSON in the d.ts");
}

#[test]
fn option_names_match_the_js_face() {
    let read: BTreeSet<String> = contract::option::ALL.iter().map(|s| s.to_string()).collect();
    let retry: BTreeSet<String> = contract::option::RETRY_ALL.iter().map(|s| s.to_string()).collect();
    // The JS face reads options by the contract's names only, never by a literal of its own.
    for prefix in
        ["string_option(options,\"", "option(options,\"", "number_option(options,\"", "number_option(&retry,\""]
    {
        assert_eq!(
            call_args(BINDINGS, prefix),
            BTreeSet::new(),
            "src/wasm/bindings.rs reads an option by a literal name"
        );
    }

    let section = DTS
        .split("// ─── Options")
        .nth(1)
        .and_then(|s| s.split("// ─── Errors").next())
        .expect("the Options section of index.d.ts");
    let mut declared = BTreeSet::new();
    for line in section.lines().map(str::trim).filter(|l| !is_comment(l)) {
        for part in line.split(['{', ';', '&', '|', '(']) {
            let part = part.trim();
            if let Some(end) = part.find([':', '?']) {
                let name = &part[..end];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) && part[end..].contains(':') {
                    declared.insert(name.to_owned());
                }
            }
        }
    }
    let retry_declared: BTreeSet<String> =
        props("export interface RetryOptions {").into_iter().map(|p| p.name).collect();
    assert_eq!(retry_declared, retry, "RetryOptions");
    let declared: BTreeSet<String> = declared.difference(&retry_declared).cloned().collect();
    assert_eq!(declared, read, "the options in index.d.ts must be the ones src/contract.rs lists");
}

#[test]
fn endpoint_names_match() {
    let names = literals("Endpoint");
    assert_eq!(names, ["planner", "me", "user", "createdByUser"]);
    for name in &names {
        let endpoint =
            graph_tasks::contract::endpoint_from_js(Some(name), Some("u")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = if name == "planner" { Resource::PlannerTask } else { Resource::LegacyTask };
        assert_eq!(endpoint.resource(), expected, "{name}");
    }
    assert!(
        graph_tasks::contract::endpoint_from_js(None, None).unwrap() == Endpoint::Planner,
        "the default is planner"
    );
    assert!(graph_tasks::contract::endpoint_from_js(Some("user"), None).is_err(), "user needs a userId");
    // The overloads: planner (or none) takes PlannerTaskOptions, the others LegacyTaskOptions.
    assert!(DTS.contains("| { endpoint?: undefined; userId?: undefined }"));
    assert!(DTS.contains("| { endpoint: \"planner\"; userId?: undefined }"));
    // One union member per endpoint, so that `options.endpoint === "me"` narrows.
    for legacy in ["me", "createdByUser"] {
        assert!(DTS.contains(&format!("| {{ endpoint: \"{legacy}\"; userId?: undefined }}")));
    }
    assert!(DTS.contains("| { endpoint: \"user\"; userId: string }"));
    assert!(DTS.contains(
        "export function createTask(task: PlannerTaskInput, options: PlannerTaskOptions): Promise<PlannerTask>;"
    ));
    assert!(DTS.contains(
        "export function createTask(task: LegacyTaskInput, options: LegacyTaskOptions): Promise<LegacyTask>;"
    ));
    assert!(WEB_DTS.contains("export * from \"./index.js\";"));
}

// ─── The npm README and the client's own error codes ───────────────────────────────────────────────

const NPM_README: &str = include_str!("../pkg-template/README.md");

/// The backticked names in the first cell of each row of the README table under `## heading`.
fn readme_table_names(heading: &str) -> BTreeSet<String> {
    let section = NPM_README
        .split(&format!("\n## {heading}\n"))
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_else(|| panic!("the npm README has no section `## {heading}`"));
    let mut names = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let first = row.split('|').nth(1).unwrap_or_default();
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                names.insert(part.to_owned());
            }
        }
    }
    names
}

/// The backticked names in the README's error table row of `field`, after the last `marker` of its
/// meaning cell.
fn readme_row_names(field: &str, marker: &str) -> BTreeSet<String> {
    let prefix = format!("| `{field}` |");
    let row = NPM_README.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no README row `{field}`"));
    let meaning = &row[prefix.len()..];
    let meaning = meaning.rsplit(marker).next().unwrap_or_default();
    meaning.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, p)| p.to_owned()).collect()
}

#[test]
fn client_error_codes_match_the_dts_and_the_readme() {
    let codes: Vec<&str> = ClientCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(literals("ClientErrorCode"), codes, "index.d.ts ClientErrorCode must list src/contract.rs's codes");
    let documented = readme_row_names("code", "): ");
    let codes: BTreeSet<String> = codes.into_iter().map(str::to_owned).collect();
    assert_eq!(documented, codes, "the npm README's `code` row must list src/contract.rs's codes");
}

#[test]
fn readme_tables_match_the_contract() {
    let options: BTreeSet<String> = contract::option::ALL.iter().map(|s| s.to_string()).collect();
    assert_eq!(readme_table_names("Options"), options, "the npm README's option table");
    let mut fields: BTreeSet<String> = contract::graph_error_field_names().into_iter().map(str::to_owned).collect();
    fields.insert("message".into());
    assert_eq!(readme_table_names("Errors"), fields, "the npm README's GraphError field table");
    let kinds: BTreeSet<String> = contract::ERROR_KINDS.iter().map(|k| format!("\"{}\"", k.as_str())).collect();
    let documented: BTreeSet<String> =
        readme_row_names("kind", "\0").into_iter().filter(|n| n.starts_with('"')).collect();
    assert_eq!(documented, kinds, "the npm README's `kind` row");
}

// ─── Task details ──────────────────────────────────────────────────────────────────────────────────

#[test]
fn details_types_match_the_core() {
    use graph_tasks::details::{validate_details, REFERENCE_TYPES};

    assert_eq!(literals("PlannerExternalReferenceType"), REFERENCE_TYPES);
    assert_eq!(literals("GraphErrorStep"), ["create", "details"]);
    let accepts = |details: serde_json::Value| {
        let mut problems = Vec::new();
        validate_details(&&details, &mut problems).is_some() && problems.is_empty()
    };
    // Every member each input interface declares is one the validator accepts, with a value of its type;
    // a member it does not declare is refused.
    let input = props("export interface PlannerTaskDetailsInput {");
    assert_eq!(names(&input), ["description", "previewType", "checklist", "references"]);
    assert!(accepts(json!({ "description": "d", "previewType": "checklist", "checklist": ["a"], "references": [] })));
    assert!(!accepts(json!({ "notes": "d" })));
    let item = props("export interface PlannerChecklistItemInput {");
    assert_eq!(names(&item), ["@odata.type", "title", "isChecked", "orderHint"]);
    assert!(item.iter().all(|p| p.optional == (p.name != "title")), "title is the one required member");
    let guid = "95e27074-6c4a-447a-aa24-9d718a0b86fa";
    assert!(accepts(json!({ "checklist": { guid: {
        "@odata.type": "#microsoft.graph.plannerChecklistItem", "title": "t", "isChecked": true, "orderHint": " !"
    } } })));
    assert!(!accepts(json!({ "checklist": { guid: { "isChecked": true } } })), "title is required");
    let short = props("export interface PlannerExternalReferenceShort {");
    assert_eq!(names(&short), ["url", "alias", "type"]);
    assert!(accepts(json!({ "references": [{ "url": "https://x.com", "alias": "a", "type": "Word" }] })));
    assert!(!accepts(json!({ "references": [{ "alias": "a" }] })), "url is required");
    let reference = props("export interface PlannerExternalReferenceInput {");
    assert_eq!(names(&reference), ["@odata.type", "alias", "type", "previewPriority"]);
    assert!(accepts(json!({ "references": { "https%3A//x%2Ecom": {
        "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "a", "type": "Other", "previewPriority": " !"
    } } })));
    // The output interfaces declare what the Rust model declares.
    let model = serde_json::to_value(graph_tasks::PlannerTaskDetails {
        id: Some("i".into()),
        odata_etag: Some("e".into()),
        description: Some("d".into()),
        preview_type: Some(graph_tasks::PlannerPreviewType::Automatic),
        checklist: Some(Default::default()),
        references: Some(Default::default()),
        additional_properties: Default::default(),
    })
    .unwrap();
    let model_names: Vec<&str> = model.as_object().unwrap().keys().map(String::as_str).collect();
    let output = props("export interface PlannerTaskDetails {");
    let mut declared = names(&output);
    declared.sort_unstable();
    assert_eq!(declared, model_names);
}
