//! Lists in pages: at most `--page-size` items (or `$top` where the docs say it works), and an
//! absolute `@odata.nextLink` to the rest, built from the host the client used, as Graph does.
//!
//! The link's `$skiptoken` is the offset of the next page. Graph's tokens are opaque and clients must
//! follow the whole link ("Do not try to extract the `$skiptoken`"), so a plain number is enough here.

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::error::GraphError;
use crate::router::json_response;
use crate::state::Ctx;
use crate::util::parse_query;

/// The `$skiptoken` of a request: where its page starts.
pub(crate) fn start(uri: &Uri) -> Result<usize, GraphError> {
    match parse_query(uri.query().unwrap_or_default()).into_iter().find(|(k, _)| k == "$skiptoken") {
        Some((_, v)) => v.parse().map_err(|_| GraphError::bad_request("The $skiptoken is not valid; follow @odata.nextLink as it was given.")),
        None => Ok(0),
    }
}

/// `$top` as a page size, 1 to 999 (for the lists whose docs support it).
pub(crate) fn top(uri: &Uri) -> Result<Option<usize>, GraphError> {
    match parse_query(uri.query().unwrap_or_default()).into_iter().find(|(k, _)| k == "$top") {
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (1..=999).contains(&n) => Ok(Some(n)),
            _ => Err(GraphError::bad_request("Invalid page size specified: $top must be between 1 and 999.")),
        },
        None => Ok(None),
    }
}

/// `{"@odata.context", "value": [one page of items], "@odata.nextLink"?}`. `items` are JSON texts,
/// spliced in without parsing them again.
pub(crate) fn page(ctx: &Ctx, uri: &Uri, context: &str, items: &[String], page_size: usize) -> Result<Response, GraphError> {
    let from = start(uri)?.min(items.len());
    let to = from.saturating_add(page_size).min(items.len());
    let shown = &items[from..to];
    let mut out = String::with_capacity(96 + shown.iter().map(|t| t.len() + 1).sum::<usize>());
    out.push_str("{\"@odata.context\":");
    out.push_str(&Value::from(context).to_string());
    out.push_str(",\"value\":[");
    for (i, t) in shown.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(t);
    }
    out.push(']');
    if to < items.len() {
        let mut query: Vec<String> =
            uri.query().unwrap_or_default().split('&').filter(|p| !p.is_empty() && !p.starts_with("$skiptoken=")).map(str::to_owned).collect();
        query.push(format!("$skiptoken={to}"));
        let link = format!("{}{}?{}", ctx.base, ctx.path, query.join("&"));
        out.push_str(",\"@odata.nextLink\":");
        out.push_str(&Value::from(link).to_string());
    }
    out.push('}');
    Ok(json_response(StatusCode::OK, out))
}
