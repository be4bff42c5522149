//! The property names of the two open types in the details: reference URLs and checklist ids.

/// The characters a reference key must not hold raw: "Based on OData, property names in Open Types
/// can't contain the following characters: `.`, `:`, `%`, `@`, `#` so they need to be encoded"
/// (plannerexternalreferences.md).
const RESERVED: &[u8] = b".:%@#";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The reference key for `url`: `%`, `.`, `:`, `@` and `#` percent-encoded (`%25`, `%2E`, `%3A`,
/// `%40`, `%23`), everything else as it is.
///
/// The docs' examples encode `:` and `.` and leave `/` alone
/// (`https%3A//contoso%2Esharepoint%2Ecom/...`); the three others get ordinary percent-encoding. `%`
/// is encoded too, so that a URL which already holds an escape (`a%20b`) comes back unchanged from
/// [`decode_reference_key`].
pub fn encode_reference_key(url: &str) -> String {
    let mut key = String::with_capacity(url.len() + 8);
    for c in url.chars() {
        let reserved = u8::try_from(c).ok().filter(|b| RESERVED.contains(b));
        match reserved {
            Some(b) => {
                key.push('%');
                key.push(char::from(HEX[usize::from(b >> 4)]));
                key.push(char::from(HEX[usize::from(b & 15)]));
            }
            None => key.push(c),
        }
    }
    key
}

/// Why a reference key is not a properly encoded URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKeyError {
    /// The key holds one of `.`, `:`, `%`, `@`, `#` unencoded (this one).
    Unencoded(char),
    /// A `%` is not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl ReferenceKeyError {
    /// What is wrong, as a sentence to follow the key's name.
    pub fn message(self) -> &'static str {
        match self {
            ReferenceKeyError::Unencoded(_) => {
                "is not an encoded URL: . : % @ # must be percent-encoded (https%3A//example%2Ecom); give references as an array of { url } to have them encoded"
            }
            ReferenceKeyError::BadEscape => "is not an encoded URL: every % must start an escape of two hex digits",
            ReferenceKeyError::NotUtf8 => "is not an encoded URL: its escapes do not decode to UTF-8 text",
        }
    }
}

/// The URL a reference key stands for, refusing a key that is not encoded as the service requires:
/// one that holds `.`, `:`, `%`, `@` or `#` other than as a `%XX` escape. Every `%XX` is decoded
/// (ordinary percent-decoding), so the result of [`encode_reference_key`] always decodes to its URL.
///
/// The emulator answers 400 for a key this refuses, and for one whose URL [`check_reference_url`]
/// refuses.
pub fn decode_reference_key(key: &str) -> Result<String, ReferenceKeyError> {
    let bytes = key.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let high = bytes.get(i + 1).copied().and_then(hex_value);
            let low = bytes.get(i + 2).copied().and_then(hex_value);
            match (high, low) {
                (Some(high), Some(low)) => out.push(high << 4 | low),
                _ => return Err(ReferenceKeyError::BadEscape),
            }
            i += 3;
        } else {
            if RESERVED.contains(&b) {
                return Err(ReferenceKeyError::Unencoded(char::from(b)));
            }
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ReferenceKeyError::NotUtf8)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Checks that `url` is what a reference must be: "valid URLs based on the HTTP/HTTPS protocols"
/// (plannerexternalreferences.md). That is an absolute `http://` or `https://` URL (any case) with a
/// host, and no spaces or control characters, which no URL holds raw. Returns the reason otherwise.
pub fn check_reference_url(url: &str) -> Result<(), &'static str> {
    let bytes = url.as_bytes();
    let after_scheme = if starts_with_ignoring_case(bytes, b"https://") {
        8
    } else if starts_with_ignoring_case(bytes, b"http://") {
        7
    } else {
        return Err("must be an absolute http:// or https:// URL");
    };
    if bytes.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err("must not contain spaces or control characters (percent-encode them)");
    }
    let rest = bytes.get(after_scheme..).unwrap_or_default();
    let authority_end = rest.iter().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    // The host sits after any `user@` and before any `:port`.
    let host_start = authority.iter().rposition(|&b| b == b'@').map_or(0, |at| at + 1);
    let host = authority.get(host_start..).unwrap_or_default();
    let host_end = if host.first() == Some(&b'[') {
        host.iter().position(|&b| b == b']').map_or(host.len(), |close| close + 1)
    } else {
        host.iter().position(|&b| b == b':').unwrap_or(host.len())
    };
    if host_end == 0 || host.get(..host_end) == Some(b"[]") {
        return Err("must name a host after the scheme");
    }
    Ok(())
}

fn starts_with_ignoring_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A GUID in its usual text form, `8-4-4-4-12` hex digits (either case): what the docs say a client
/// should use as a checklist item's id (plannerchecklistitems.md).
pub fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_docs_examples() {
        assert_eq!(encode_reference_key("http://developer.microsoft.com"), "http%3A//developer%2Emicrosoft%2Ecom");
        assert_eq!(
            encode_reference_key("https://contoso.sharepoint.com/teams/agile/documents/AnnualReport.pptx"),
            "https%3A//contoso%2Esharepoint%2Ecom/teams/agile/documents/AnnualReport%2Epptx"
        );
        assert_eq!(
            encode_reference_key("https://developer.microsoft.com/en-us/graph/graph-explorer"),
            "https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer"
        );
    }

    #[test]
    fn encodes_all_five_and_only_them() {
        assert_eq!(encode_reference_key("https://u@x.com/a%20b#top"), "https%3A//u%40x%2Ecom/a%2520b%23top");
        assert_eq!(encode_reference_key("https://例え.jp/?q=1&r=2"), "https%3A//例え%2Ejp/?q=1&r=2");
        let encoded = encode_reference_key("a.b:c%d@e#f");
        assert!(encoded.bytes().all(|b| !b".:@#".contains(&b)), "{encoded}");
    }

    #[test]
    fn decoding_inverts_encoding() {
        for url in [
            "https://u@x.com/a%20b#top",
            "http://developer.microsoft.com",
            "https://例え.jp/path?q=1",
            "https://x.com/%",
            "https://x.com/%%25",
            "",
        ] {
            assert_eq!(decode_reference_key(&encode_reference_key(url)).as_deref(), Ok(url), "{url}");
        }
    }

    #[test]
    fn decoding_refuses_keys_that_are_not_encoded() {
        assert_eq!(decode_reference_key("https://x%2Ecom"), Err(ReferenceKeyError::Unencoded(':')));
        assert_eq!(decode_reference_key("https%3A//x.com"), Err(ReferenceKeyError::Unencoded('.')));
        assert_eq!(decode_reference_key("https%3A//x%2Ecom/#a"), Err(ReferenceKeyError::Unencoded('#')));
        assert_eq!(decode_reference_key("https%3A//u@x"), Err(ReferenceKeyError::Unencoded('@')));
        for bad in ["https%3A//x%2", "https%3A//x%", "https%3A//x%G0", "%3"] {
            assert_eq!(decode_reference_key(bad), Err(ReferenceKeyError::BadEscape), "{bad}");
        }
        assert_eq!(decode_reference_key("https%3A//x%FF"), Err(ReferenceKeyError::NotUtf8));
        // Ordinary escapes of other characters decode too; lower-case hex is an escape like any other.
        assert_eq!(decode_reference_key("https%3a//x%2ecom/a%20b").as_deref(), Ok("https://x.com/a b"));
    }

    #[test]
    fn reference_urls() {
        for ok in [
            "https://x.com",
            "HTTP://X.COM/a?b#c",
            "https://u:p@x.com:8443/",
            "https://[::1]:8080/x",
            "https://例え.jp/",
            "http://localhost",
        ] {
            assert_eq!(check_reference_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "x.com",
            "ftp://x.com",
            "//x.com",
            "https:/x.com",
            "https://",
            "https:///path",
            "https://:80/",
            "https://u@/",
            "https://[]/",
            "https://x.com/a b",
            "https://x.com/\n",
            "mailto:a@x.com",
            "javascript:alert(1)",
        ] {
            assert!(check_reference_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn guids() {
        assert!(is_guid("95e27074-6c4a-447a-aa24-9d718a0b86fa"));
        assert!(is_guid("D280ED1A-9F6B-4F9C-A962-FB4D00DC50FF"));
        assert!(is_guid(&crate::request::uuid_v4([9; 16])));
        // The docs' own response key, one digit short.
        assert!(!is_guid("95e27074-6c4a-447a-aa24-9d718a0b86f"));
        assert!(!is_guid("95e27074-6c4a-447a-aa24-9d718a0b86fg"));
        assert!(!is_guid("95e270746c4a-447a-aa24-9d718a0b86fa0"));
        assert!(!is_guid("{95e27074-6c4a-447a-aa24-9d718a0b86}"));
    }
}
