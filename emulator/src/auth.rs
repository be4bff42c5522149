//! Who is calling: `Authorization: Bearer <token>`, with the unverified `oid` and `name` claims of
//! a JWT as the caller.

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use graph_tasks::model::{Identity, IdentitySet};

use crate::error::GraphError;
use crate::state::App;
use crate::store::{DEFAULT_USER_ID, DEFAULT_USER_NAME};
use crate::util::base64url_decode;

/// The caller, from the bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The user id (`oid` of a JWT, else the default user).
    pub(crate) id: String,
    /// The display name (`name` of a JWT, else the seed's name for the user).
    pub(crate) display_name: Option<String>,
}

impl Caller {
    /// The caller as an identitySet: `{"user":{"displayName":..,"id":..}}`.
    pub(crate) fn identity_set(&self) -> IdentitySet {
        IdentitySet {
            user: Some(Identity { id: Some(self.id.clone()), display_name: self.display_name.clone(), ..Identity::default() }),
            ..IdentitySet::default()
        }
    }
}

/// The 401 Graph answers, with its `WWW-Authenticate`.
pub(crate) fn unauthorized(message: &str) -> GraphError {
    GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
        .with_header("www-authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"")
}

/// Reads the caller from `Authorization: Bearer <token>`; a 401 otherwise (no token, an empty one,
/// or not `--token`).
pub(crate) fn authenticate(app: &App, headers: &HeaderMap) -> Result<Caller, GraphError> {
    let Some(value) = headers.get("authorization") else {
        return Err(unauthorized("Access token is empty."));
    };
    let value = value.to_str().map_err(|_| unauthorized("Access token validation failure."))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(unauthorized("Access token is empty."));
    }
    if let Some(required) = &app.cfg.token {
        if token != required {
            return Err(unauthorized("Access token validation failure. Invalid audience."));
        }
    }
    let (oid, name) = jwt_claims(token);
    let id = oid.unwrap_or_else(|| DEFAULT_USER_ID.to_owned());
    let display_name = name.or_else(|| app.store.user_name(&id).map(str::to_owned)).or_else(|| (id == DEFAULT_USER_ID).then(|| DEFAULT_USER_NAME.to_owned()));
    Ok(Caller { id, display_name })
}

/// The unverified `oid` and `name` claims of a JWT (`header.payload.signature`, base64url).
pub(crate) fn jwt_claims(token: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return (None, None);
    }
    let Some(payload) = base64url_decode(parts[1]).and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else {
        return (None, None);
    };
    let claim = |name: &str| payload.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    (claim("oid"), claim("name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::base64_encode;

    #[test]
    fn jwt() {
        let payload = base64_encode(br#"{"oid":"u-1","name":"Ann"}"#).trim_end_matches('=').replace('+', "-").replace('/', "_");
        assert_eq!(jwt_claims(&format!("eyJhbGciOiJub25lIn0.{payload}.sig")), (Some("u-1".into()), Some("Ann".into())));
        assert_eq!(jwt_claims("opaque-token"), (None, None));
        assert_eq!(jwt_claims("a.!!.c"), (None, None));
    }
}
