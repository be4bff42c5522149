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

/// `text` with every occurrence of `needle` replaced, or `None` when there is none.
///
/// Knuth–Morris–Pratt, so a hostile body cannot make redaction quadratic; and hand-written, because
/// `str::replace` with a `&str` pattern pulls core's two-way searcher and its panic formatting
/// (several kilobytes) into the wasm.
pub fn replace_all(text: &str, needle: &str, replacement: &str) -> Option<String> {
    let (hay, pat) = (text.as_bytes(), needle.as_bytes());
    if pat.is_empty() || hay.len() < pat.len() {
        return None;
    }
    // failure[i]: the length of the longest proper prefix of pat[..=i] that is also its suffix.
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
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut matched = 0;
    for (i, &b) in hay.iter().enumerate() {
        while matched > 0 && pat.get(matched) != Some(&b) {
            matched = failure.get(matched - 1).copied().unwrap_or(0);
        }
        if pat.get(matched) == Some(&b) {
            matched += 1;
        }
        if matched == pat.len() {
            let start = i + 1 - pat.len();
            let buffer = out.get_or_insert_with(|| Vec::with_capacity(hay.len()));
            buffer.extend_from_slice(hay.get(copied..start).unwrap_or_default());
            buffer.extend_from_slice(replacement.as_bytes());
            copied = i + 1;
            matched = 0;
        }
    }
    let mut buffer = out?;
    buffer.extend_from_slice(hay.get(copied..).unwrap_or_default());
    // Whole UTF-8 sequences were replaced by a UTF-8 string, so the result is UTF-8.
    String::from_utf8(buffer).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_like_str_replace() {
        for (text, needle) in [
            ("Bearer tok tok", "tok"),
            ("aaaa", "aa"),
            ("abababab", "abab"),
            ("no match", "xyz"),
            ("tok", "tok"),
            ("é tok é", "tok"),
            ("aabaabaaa", "aabaaa"),
            ("", "x"),
            ("short", "longer needle"),
        ] {
            let expected = text.contains(needle).then(|| text.replace(needle, "[redacted]"));
            assert_eq!(replace_all(text, needle, "[redacted]"), expected, "{text} / {needle}");
        }
        assert_eq!(replace_all("abc", "", "x"), None);
    }

    #[test]
    fn decimals() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
