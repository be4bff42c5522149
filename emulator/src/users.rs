//! Users: `GET /users/{id | userPrincipalName}` and `GET /me` with `$select`, and `GET /users` with
//! `$filter=mail eq '…'` or `userPrincipalName eq '…'`, `$select` and `$top`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::error::GraphError;
use crate::paging;
use crate::router::{json_response, path_id, Version};
use crate::state::{App, Ctx};
use crate::store::User;
use crate::util::parse_query;

/// The properties `GET /users/{id}` returns by default (user-get.md), in its order.
const DEFAULT_PROPERTIES: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

fn user_json(user: &User) -> Map<String, Value> {
    let (given, surname) = match user.display_name.split_once(' ') {
        Some((g, s)) => (Value::from(g), Value::from(s)),
        None => (Value::Null, Value::Null),
    };
    let mut m = Map::new();
    m.insert("businessPhones".into(), json!([]));
    m.insert("displayName".into(), user.display_name.clone().into());
    m.insert("givenName".into(), given);
    m.insert("jobTitle".into(), Value::Null);
    m.insert("mail".into(), user.mail.clone().map_or(Value::Null, Value::from));
    m.insert("mobilePhone".into(), Value::Null);
    m.insert("officeLocation".into(), Value::Null);
    m.insert("preferredLanguage".into(), Value::Null);
    m.insert("surname".into(), surname);
    m.insert("userPrincipalName".into(), user.user_principal_name.clone().map_or(Value::Null, Value::from));
    m.insert("id".into(), user.id.clone().into());
    m
}

/// The `$select` list, checked against the properties the emulator knows.
fn selection(uri: &Uri) -> Result<Option<Vec<String>>, GraphError> {
    let Some((_, list)) = parse_query(uri.query().unwrap_or_default()).into_iter().find(|(k, _)| k == "$select") else { return Ok(None) };
    let names: Vec<String> = list.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect();
    for n in &names {
        if !DEFAULT_PROPERTIES.contains(&n.as_str()) {
            return Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "Request_BadRequest",
                format!("Could not find a property named '{n}' on type 'microsoft.graph.user'."),
            ));
        }
    }
    Ok(Some(names))
}

fn selected(user: &User, select: &Option<Vec<String>>) -> Value {
    let mut all = user_json(user);
    match select {
        None => Value::Object(all),
        Some(names) => Value::Object(names.iter().filter_map(|n| all.remove_entry(n)).collect()),
    }
}

fn context(ctx: &Ctx, version: Version, select: &Option<Vec<String>>, entity: bool) -> String {
    let columns = select.as_ref().map(|s| format!("({})", s.join(","))).unwrap_or_default();
    format!("{}/{}/$metadata#users{columns}{}", ctx.base, version.as_str(), if entity { "/$entity" } else { "" })
}

fn one(ctx: &Ctx, version: Version, uri: &Uri, user: &User) -> Result<Response, GraphError> {
    let select = selection(uri)?;
    let mut body = Map::new();
    body.insert("@odata.context".into(), context(ctx, version, &select, true).into());
    if let Value::Object(fields) = selected(user, &select) {
        body.extend(fields);
    }
    Ok(json_response(StatusCode::OK, Value::Object(body).to_string()))
}

fn not_found(id: &str) -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

/// `GET /{version}/users/{id | userPrincipalName}`; a UPN matches without regard to case.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let key = path_id(&uri, 0)?;
    ctx.caller()?;
    let user = app
        .store
        .users()
        .iter()
        .find(|u| u.id.eq_ignore_ascii_case(&key) || u.user_principal_name.as_deref().is_some_and(|upn| upn.eq_ignore_ascii_case(&key)))
        .ok_or_else(|| not_found(&key))?;
    one(&ctx, version, &uri, user)
}

/// `GET /{version}/me`: the caller. A caller the seed does not know is answered with what its token
/// says (id and name).
pub(crate) async fn me(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let caller = ctx.caller()?;
    let known = app.store.users().iter().find(|u| u.id == caller.id).cloned();
    let user = known.unwrap_or_else(|| User {
        id: caller.id.clone(),
        display_name: caller.display_name.clone().unwrap_or_default(),
        user_principal_name: None,
        mail: None,
    });
    one(&ctx, version, &uri, &user)
}

/// The one `$filter` the emulator takes: `mail eq '…'` or `userPrincipalName eq '…'` (the value
/// compared without regard to case, `''` for a quote inside it, as OData writes it).
fn filter(uri: &Uri) -> Result<Option<(String, String)>, GraphError> {
    let Some((_, text)) = parse_query(uri.query().unwrap_or_default()).into_iter().find(|(k, _)| k == "$filter") else { return Ok(None) };
    let unsupported = || {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
            format!("Unsupported query: $filter={text}; the emulator takes mail eq '…' or userPrincipalName eq '…'."),
        )
    };
    let (property, rest) = text.trim().split_once(' ').ok_or_else(unsupported)?;
    let value = rest.trim().strip_prefix("eq").map(str::trim).and_then(|v| v.strip_prefix('\'')).and_then(|v| v.strip_suffix('\'')).ok_or_else(unsupported)?;
    if property != "mail" && property != "userPrincipalName" {
        return Err(unsupported());
    }
    Ok(Some((property.to_owned(), value.replace("''", "'"))))
}

/// `GET /{version}/users`, filtered, in pages of `$top` (1–999) or `--page-size`.
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    ctx.caller()?;
    let select = selection(&uri)?;
    let wanted = filter(&uri)?;
    let matching: Vec<String> = app
        .store
        .users()
        .iter()
        .filter(|u| match &wanted {
            None => true,
            Some((p, v)) => {
                let field = if p == "mail" { &u.mail } else { &u.user_principal_name };
                field.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(v))
            }
        })
        .map(|u| selected(u, &select).to_string())
        .collect();
    let size = paging::top(&uri)?.unwrap_or(app.cfg.page_size);
    paging::page(&ctx, &uri, &context(&ctx, version, &select, false), &matching, size)
}
