//! From endpoint and options to the exact request: method, URL, headers and body.

use crate::contract::ClientCode;
use crate::error::Error;
use crate::schema::Resource;

/// Graph v1.0, where `plannerTask` lives.
pub const DEFAULT_V1_BASE: &str = "https://graph.microsoft.com/v1.0";
/// Graph beta, where the 2015 `task` endpoints lived.
pub const DEFAULT_BETA_BASE: &str = "https://graph.microsoft.com/beta";

/// Which "create task" operation to call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /planner/tasks` (v1.0): a `plannerTask`. The default.
    Planner,
    /// `POST /me/tasks` (2015 beta): a `task` for the signed-in user.
    Me,
    /// `POST /users/{id}/tasks` (2015 beta): a `task` for that user.
    User(String),
    /// `POST /drive/root/createdByUser/tasks` (2015 beta).
    CreatedByUser,
}

impl Endpoint {
    /// The resource this endpoint creates.
    pub fn resource(&self) -> Resource {
        match self {
            Endpoint::Planner => Resource::PlannerTask,
            _ => Resource::LegacyTask,
        }
    }

    /// The base URL used when the caller gives none.
    pub fn default_base(&self) -> &'static str {
        match self {
            Endpoint::Planner => DEFAULT_V1_BASE,
            _ => DEFAULT_BETA_BASE,
        }
    }

    /// The path below the base, with the user id percent-encoded as one segment.
    pub fn path(&self) -> String {
        match self {
            Endpoint::Planner => "/planner/tasks".to_owned(),
            Endpoint::Me => "/me/tasks".to_owned(),
            Endpoint::CreatedByUser => "/drive/root/createdByUser/tasks".to_owned(),
            Endpoint::User(id) => {
                let mut p = String::from("/users/");
                push_path_segment(&mut p, id);
                p.push_str("/tasks");
                p
            }
        }
    }
}

/// Appends `segment` percent-encoded so that it stays one path segment: everything but RFC 3986's
/// unreserved characters is encoded, so `/`, `?`, `#`, `%` and non-ASCII cannot change the URL's shape.
/// The segments `.` and `..` cannot be protected this way and are refused by [`crate::contract::endpoint_from_js`].
pub fn push_path_segment(out: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~' | b'.') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Whether `fetch` would connect to this machine for a base URL's host (what stands between `//` and
/// the port): `Some(true)` for loopback, `None` where fetch cannot parse the host. Natively this is
/// [`crate::host::loopback`], a WHATWG host parser of the crate's own; the wasm layer passes the
/// platform's URL parser (the one its fetch uses), so that the wasm carries no parser and the verdict
/// is made on exactly the host fetch connects to.
pub type LoopbackHost = fn(&str) -> Option<bool>;

/// The base URL checked for transport security: `https:` anywhere, `http:` only to a loopback host
/// (127.0.0.0/8, `::1`, `localhost`) for the local emulator. A trailing slash is dropped.
///
/// The host is read as the WHATWG URL parser (the one `fetch` uses) reads it, by `loopback` (see
/// [`LoopbackHost`]), so a host that fetch would look up in DNS is never taken for loopback, and a URL
/// that fetch cannot parse is a `config` error before anything is sent. Forms that WHATWG accepts but
/// no one means (control characters, extra slashes after the scheme) are refused too.
pub fn checked_base_url(base: &str, loopback: LoopbackHost) -> Result<String, Error> {
    let invalid = |m: &'static str| Err(Error::config(ClientCode::InvalidBaseUrl, m));
    let trimmed = base.trim_end_matches('/');
    if trimmed.bytes().any(|b| b <= 0x20 || b == 0x7f) {
        return invalid("baseUrl must not hold spaces or control characters");
    }
    let lower = trimmed.to_ascii_lowercase();
    let (scheme_ok, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(Error::config(
            ClientCode::InsecureBaseUrl,
            "baseUrl must be an absolute https:// URL (http:// only for a loopback emulator)",
        ));
    };
    // For http(s) WHATWG reads `\` as `/`, so the authority ends at either.
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return invalid("baseUrl must name a host and carry no user name or password");
    }
    if rest.contains(['?', '#']) {
        return invalid("baseUrl must not carry a query or fragment");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((inner, after)) => (authority.get(..inner.len() + 2).unwrap_or_default(), after),
            None => return invalid("baseUrl has an unclosed IPv6 address"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, authority.get(host.len()..).unwrap_or(port)),
            None => (authority, ""),
        },
    };
    if !(port.is_empty() || port.strip_prefix(':').is_some_and(is_port)) {
        return invalid("baseUrl has a port that is not a number from 0 to 65535");
    }
    let Some(loopback) = loopback(host) else {
        return invalid("baseUrl's host cannot be parsed (as fetch would parse it)");
    };
    if !scheme_ok && !loopback {
        return Err(Error::config(
            ClientCode::InsecureBaseUrl,
            "baseUrl must use https: a bearer token is only sent over plain http to a loopback emulator",
        ));
    }
    Ok(trimmed.to_owned())
}

fn is_port(text: &str) -> bool {
    text.is_empty() || (text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<u16>().is_ok())
}

/// Refuses a token that cannot be a bearer credential (empty, or one that would break the header).
pub fn check_token(token: &str) -> Result<(), Error> {
    if token.trim().is_empty() {
        return Err(Error::config(ClientCode::MissingToken, "the access token is empty"));
    }
    if !token.bytes().all(|b| b > 0x20 && b < 0x7f) {
        return Err(Error::config(
            ClientCode::InvalidToken,
            "the access token holds characters a bearer token cannot have",
        ));
    }
    Ok(())
}

/// Refuses a header value a caller passed that would break the request (CR, LF, non-ASCII).
pub fn check_header_value(name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() || !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        let mut m = String::from(name);
        m.push_str(" must be non-empty printable ASCII");
        return Err(Error::config(ClientCode::InvalidHeader, m));
    }
    Ok(())
}

/// A random (version 4) UUID from 16 random bytes, e.g. for `client-request-id`.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// Everything a transport needs to send one create, except the body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateRequest {
    /// The absolute URL.
    pub url: String,
    /// The `client-request-id` sent, so that errors can name it.
    pub client_request_id: String,
    /// Header name → value, in sending order, without `Authorization` (which the transport adds from
    /// the token it holds, so the token never sits in a value that might be logged).
    pub headers: Vec<(&'static str, String)>,
}

/// The options that shape a request; the token is not among them on purpose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// The base URL; the endpoint's default when `None`.
    pub base_url: Option<String>,
    /// `Workbook-Session-Id`, sent when given.
    pub workbook_session_id: Option<String>,
    /// `client-request-id`; a UUID v4 is generated when `None`.
    pub client_request_id: Option<String>,
}

/// A create's URL and headers, checked, before it has a `client-request-id`: a call whose task its
/// validation then refuses never sends, so it is given none (in Node, the first one loads WebCrypto,
/// about 3 ms of a cold start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTarget {
    url: String,
    client_request_id: Option<String>,
    workbook_session_id: Option<String>,
}

/// Checks what shapes the request for `endpoint`: the base URL, and the header values given.
pub fn check_create_target(
    endpoint: &Endpoint,
    options: &RequestOptions,
    loopback: LoopbackHost,
) -> Result<CreateTarget, Error> {
    let mut url = checked_base_url(options.base_url.as_deref().unwrap_or(endpoint.default_base()), loopback)?;
    if let Some(id) = &options.client_request_id {
        check_header_value("clientRequestId", id)?;
    }
    if let Some(session) = &options.workbook_session_id {
        check_header_value("workbookSessionId", session)?;
    }
    url.push_str(&endpoint.path());
    Ok(CreateTarget {
        url,
        client_request_id: options.client_request_id.clone(),
        workbook_session_id: options.workbook_session_id.clone(),
    })
}

impl CreateTarget {
    /// The request, with the caller's `client-request-id` or else one `new_id` makes (a UUID v4, e.g.
    /// [`uuid_v4`] of random bytes), so that the core stays free of any source of randomness.
    pub fn with_id(self, new_id: impl FnOnce() -> String) -> CreateRequest {
        let client_request_id = self.client_request_id.unwrap_or_else(new_id);
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Accept", "application/json".to_owned()),
            ("client-request-id", client_request_id.clone()),
        ];
        if let Some(session) = self.workbook_session_id {
            headers.push(("Workbook-Session-Id", session));
        }
        CreateRequest { url: self.url, client_request_id, headers }
    }
}

/// Builds the request for `endpoint` ([`check_create_target`], then [`CreateTarget::with_id`]).
pub fn build_create_request(
    endpoint: &Endpoint,
    options: &RequestOptions,
    loopback: LoopbackHost,
    new_id: impl FnOnce() -> String,
) -> Result<CreateRequest, Error> {
    Ok(check_create_target(endpoint, options, loopback)?.with_id(new_id))
}

/// `Bearer <token>`.
pub fn authorization_value(token: &str) -> String {
    let mut v = String::with_capacity(token.len() + 7);
    v.push_str("Bearer ");
    v.push_str(token);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::host::loopback;

    fn new_id() -> String {
        uuid_v4([0; 16])
    }

    #[test]
    fn endpoints_and_default_bases() {
        let req = build_create_request(&Endpoint::Planner, &RequestOptions::default(), loopback, new_id).unwrap();
        assert_eq!(req.url, "https://graph.microsoft.com/v1.0/planner/tasks");
        let req = build_create_request(&Endpoint::Me, &RequestOptions::default(), loopback, new_id).unwrap();
        assert_eq!(req.url, "https://graph.microsoft.com/beta/me/tasks");
        let req = build_create_request(&Endpoint::CreatedByUser, &RequestOptions::default(), loopback, new_id).unwrap();
        assert_eq!(req.url, "https://graph.microsoft.com/beta/drive/root/createdByUser/tasks");
        let req =
            build_create_request(&Endpoint::User("ab@c.com".into()), &RequestOptions::default(), loopback, new_id)
                .unwrap();
        assert_eq!(req.url, "https://graph.microsoft.com/beta/users/ab%40c.com/tasks");
    }

    #[test]
    fn endpoint_names() {
        assert_eq!(crate::contract::endpoint_from_js(None, None).unwrap(), Endpoint::Planner);
        assert_eq!(crate::contract::endpoint_from_js(Some("user"), Some("u")).unwrap(), Endpoint::User("u".into()));
        assert_eq!(crate::contract::endpoint_from_js(Some("user"), None).unwrap_err().kind, ErrorKind::Config);
        assert_eq!(crate::contract::endpoint_from_js(Some("user"), Some("")).unwrap_err().kind, ErrorKind::Config);
        assert_eq!(crate::contract::endpoint_from_js(Some("tasks"), None).unwrap_err().kind, ErrorKind::Config);
        for dots in [".", ".."] {
            let e = crate::contract::endpoint_from_js(Some("user"), Some(dots)).unwrap_err();
            assert_eq!(e.code.as_deref(), Some("invalidUserId"));
        }
    }

    #[test]
    fn user_id_is_one_segment() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a?b#c", "a%3Fb%23c"),
            ("...", "..."),
            ("a..b", "a..b"),
            ("a.b", "a.b"),
            ("100%", "100%25"),
            ("Zoë 東京", "Zo%C3%AB%20%E6%9D%B1%E4%BA%AC"),
            ("x\r\ny", "x%0D%0Ay"),
        ];
        for (id, encoded) in cases {
            let mut out = String::new();
            push_path_segment(&mut out, id);
            assert_eq!(out, encoded);
            assert!(!out.contains(['/', '?', '#']));
        }
    }

    /// The verdict for each base URL (`ok`, or the error's code), as fetch's parser reads the host:
    /// `tests/fixtures/base-urls.json`, which `tests/hardening.rs` runs in Node and Chromium, where the
    /// platform's own URL parser reads it.
    fn base_url_verdicts() -> Vec<(String, String)> {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/base-urls.json")).expect("the fixture is JSON");
        serde_json::from_value(table["verdicts"].clone()).expect("verdicts are [url, verdict] pairs")
    }

    #[test]
    fn base_url_verdicts_follow_whatwg() {
        let verdicts = base_url_verdicts();
        assert!(verdicts.len() >= 40);
        for (url, verdict) in verdicts {
            let got = match checked_base_url(&url, loopback) {
                Ok(_) => "ok".to_owned(),
                Err(e) => e.code.unwrap_or_default(),
            };
            assert_eq!(got, verdict, "{url}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            checked_base_url("https://graph.microsoft.com/v1.0/", loopback).unwrap(),
            "https://graph.microsoft.com/v1.0"
        );
        assert_eq!(
            checked_base_url("HTTPS://graph.microsoft.com/beta", loopback).unwrap(),
            "HTTPS://graph.microsoft.com/beta"
        );
        for ok in ["http://127.0.0.1:8787/v1.0", "http://localhost/v1.0", "http://[::1]:9/beta", "http://127.255.0.3"] {
            assert!(checked_base_url(ok, loopback).is_ok(), "{ok}");
        }
        for bad in [
            "http://graph.microsoft.com/v1.0",
            "http://127.0.0.1.evil.com/v1.0",
            "http://localhost.evil.com/",
            "http://[::2]/",
            "http://127.0.0.1@evil.com/",
            "https://user:pw@graph.microsoft.com/",
            "ftp://127.0.0.1/",
            "//graph.microsoft.com",
            "graph.microsoft.com",
            "https:///v1.0",
            "https://graph.microsoft.com/v1.0?x=1",
            "http://10.0.0.1/",
            "http://128.0.0.1/",
        ] {
            let e = checked_base_url(bad, loopback).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn headers() {
        let options = RequestOptions {
            base_url: Some("http://127.0.0.1:8787/v1.0/".into()),
            workbook_session_id: Some("session-1".into()),
            client_request_id: Some("my-id".into()),
        };
        let req = build_create_request(&Endpoint::Planner, &options, loopback, || unreachable!()).unwrap();
        assert_eq!(req.url, "http://127.0.0.1:8787/v1.0/planner/tasks");
        assert_eq!(req.client_request_id, "my-id");
        assert_eq!(
            req.headers,
            vec![
                ("Content-Type", "application/json".to_owned()),
                ("Accept", "application/json".to_owned()),
                ("client-request-id", "my-id".to_owned()),
                ("Workbook-Session-Id", "session-1".to_owned()),
            ]
        );
        let bad = RequestOptions { workbook_session_id: Some("a\r\nX-Evil: 1".into()), ..Default::default() };
        assert_eq!(
            build_create_request(&Endpoint::Planner, &bad, loopback, new_id).unwrap_err().kind,
            ErrorKind::Config
        );
    }

    #[test]
    fn a_refused_target_makes_no_id() {
        // Every check is made before an id is asked for: a bad header value or base URL refuses the
        // call without one, and a good target asks for one only when the caller gave none.
        let bad_header = RequestOptions { client_request_id: Some("a\nb".into()), ..Default::default() };
        let bad_base = RequestOptions { base_url: Some("http://example.com/v1.0".into()), ..Default::default() };
        for bad in [bad_header, bad_base] {
            let made = std::cell::Cell::new(0);
            let refused = build_create_request(&Endpoint::Planner, &bad, loopback, || {
                made.set(made.get() + 1);
                "id".into()
            });
            assert_eq!(refused.unwrap_err().kind, ErrorKind::Config);
            assert_eq!(made.get(), 0);
        }
        let target = check_create_target(&Endpoint::Planner, &RequestOptions::default(), loopback).unwrap();
        assert_eq!(
            target.with_id(|| "generated".into()),
            build_create_request(&Endpoint::Planner, &RequestOptions::default(), loopback, || "generated".into())
                .unwrap()
        );
    }

    #[test]
    fn generated_client_request_id_is_uuid_v4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        let req = build_create_request(&Endpoint::Planner, &RequestOptions::default(), loopback, || uuid_v4([7; 16]))
            .unwrap();
        assert_eq!(req.client_request_id, "07070707-0707-4707-8707-070707070707");
    }

    #[test]
    fn tokens() {
        assert!(check_token("eyJ0eXAi.abc.def").is_ok());
        assert!(check_token("").is_err());
        assert!(check_token("  ").is_err());
        assert!(check_token("a\r\nb").is_err());
        assert!(check_token("a b").is_err());
        assert_eq!(authorization_value("t"), "Bearer t");
    }
}
