//! Small text helpers that keep `core::fmt` (and its kilobytes) out of the wasm.

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// `n` in decimal.
pub fn decimal(n: u64) -> String {
    let mut out = String::with_capacity(4);
    push_decimal(&mut out, n);
    out
}

/// `text` with every whole occurrence of `token` replaced by `replacement`, or `None` when there is
/// none. An occurrence counts in its raw form and in any JSON-escaped form (`\/`, `\u0041`, `\"`,
/// `\\`, mixed freely), since a server may echo the token inside a JSON string. It is whole when an
/// alphanumeric edge of the token does not continue into another alphanumeric character: a short token
/// such as `Request` is redacted where it stands alone and left alone inside `TooManyRequests`, which
/// is a word of the service's, not an echo.
///
/// The text is decoded once into (character, source span) pairs and searched with Knuth–Morris–Pratt,
/// so a hostile body cannot make this quadratic. Hand-written, because `str::replace` with a `&str`
/// pattern pulls core's two-way searcher and its panic formatting (several kilobytes) into the wasm,
/// and no library matches JSON escapes.
pub fn redact_token(text: &str, token: &str, replacement: &str) -> Option<String> {
    let pat = token.as_bytes();
    let hay = text.as_bytes();
    if pat.is_empty() || hay.len() < pat.len() {
        return None;
    }
    // decoded[k] = (byte, start, end): one character of the text as JSON would read it, and the bytes
    // of the text it came from.
    let mut decoded: Vec<(u8, usize, usize)> = Vec::with_capacity(hay.len());
    let mut i = 0;
    while let Some(&b) = hay.get(i) {
        if b == b'\\' {
            match hay.get(i + 1) {
                Some(&e @ (b'/' | b'\\' | b'"')) => {
                    decoded.push((e, i, i + 2));
                    i += 2;
                    continue;
                }
                Some(b'u') => {
                    let code = hay
                        .get(i + 2..i + 6)
                        .and_then(|h| h.iter().try_fold(0u32, |n, &d| (d as char).to_digit(16).map(|d| n * 16 + d)));
                    if let Some(code) = code.filter(|c| (0x20..0x7f).contains(c)) {
                        decoded.push((code as u8, i, i + 6));
                        i += 6;
                        continue;
                    }
                }
                _ => {}
            }
        }
        decoded.push((b, i, i + 1));
        i += 1;
    }
    let failure = kmp_failure(pat);
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    let first_is_word = pat.first().is_some_and(|&b| is_word(b));
    let last_is_word = pat.last().is_some_and(|&b| is_word(b));
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut matched = 0;
    for (k, &(b, _, end)) in decoded.iter().enumerate() {
        while matched > 0 && pat.get(matched) != Some(&b) {
            matched = failure.get(matched - 1).copied().unwrap_or(0);
        }
        if pat.get(matched) == Some(&b) {
            matched += 1;
        }
        if matched == pat.len() {
            let first = k + 1 - pat.len();
            let before = first.checked_sub(1).and_then(|p| decoded.get(p)).map(|d| d.0);
            let after = decoded.get(k + 1).map(|d| d.0);
            let whole = !(first_is_word && before.is_some_and(is_word) || last_is_word && after.is_some_and(is_word));
            if whole {
                let start = decoded.get(first).map_or(0, |d| d.1);
                spans.push((start, end));
                matched = 0;
            } else {
                matched = failure.get(matched - 1).copied().unwrap_or(0);
            }
        }
    }
    if spans.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut copied = 0;
    for (start, end) in spans {
        out.extend_from_slice(hay.get(copied..start).unwrap_or_default());
        out.extend_from_slice(replacement.as_bytes());
        copied = end;
    }
    out.extend_from_slice(hay.get(copied..).unwrap_or_default());
    // Only ASCII runs (the token's characters and their escapes) were replaced, so this is UTF-8.
    String::from_utf8(out).ok()
}

/// failure[i]: the length of the longest proper prefix of pat[..=i] that is also its suffix.
fn kmp_failure(pat: &[u8]) -> Vec<usize> {
    let mut failure = vec![0usize; pat.len()];
    let mut k = 0;
    for i in 1..pat.len() {
        while k > 0 && pat.get(i) != pat.get(k) {
            k = failure.get(k - 1).copied().unwrap_or(0);
        }
        if pat.get(i) == pat.get(k) {
            k += 1;
        }
        if let Some(slot) = failure.get_mut(i) {
            *slot = k;
        }
    }
    failure
}

/// Appends `text` as a JSON string literal (for bodies written as text: the `$batch` envelope, the
/// details PATCH), escaping what JSON requires and nothing else.
pub fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Runs that need no escape are copied whole (a token or a body is almost all one run).
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&rest[..at]);
        let b = rest.as_bytes()[at];
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        // An ASCII byte: the next index is a char boundary.
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn json_strings_escape_controls() {
        let mut out = String::new();
        push_json_string(&mut out, "a\u{1}b\n\\");
        assert_eq!(out, r#""a\u0001b\n\\""#);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), "a\u{1}b\n\\");
    }

    #[test]
    fn redacts_whole_tokens_in_raw_and_json_escaped_forms() {
        let r = |text: &str, token: &str| redact_token(text, token, "[redacted]");
        assert_eq!(r("Bearer tok tok", "tok").as_deref(), Some("Bearer [redacted] [redacted]"));
        assert_eq!(r("TooManyRequests", "Request"), None);
        assert_eq!(r("a Request b", "Request").as_deref(), Some("a [redacted] b"));
        assert_eq!(r(r#"{"t":"ab\/c"}"#, "ab/c").as_deref(), Some(r#"{"t":"[redacted]"}"#));
        assert_eq!(r(r#"{"t":"\u0061b\u002Fc"}"#, "ab/c").as_deref(), Some(r#"{"t":"[redacted]"}"#));
        assert_eq!(r(r#""x\\u0061""#, "a"), None, "an escaped backslash is not an escape");
        assert_eq!(r("eyJ.abc.def.", "eyJ.abc.def").as_deref(), Some("[redacted]."));
        assert_eq!(r("aaaa", "aa").as_deref(), None, "inside a word");
        assert_eq!(r("aa aa", "aa").as_deref(), Some("[redacted] [redacted]"));
        assert_eq!(r("é tok é", "tok").as_deref(), Some("é [redacted] é"));
        assert_eq!(r("", "x"), None);
        assert_eq!(r("abc", ""), None);
        assert_eq!(r("xaabaaa aabaaa", "aabaaa").as_deref(), Some("xaabaaa [redacted]"));
    }

    #[test]
    fn decimals() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
