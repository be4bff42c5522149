//! Small helpers the emulator needs and the core does not offer: randomness, ids, base64,
//! HTTP dates and percent-decoding. None of them is a Graph rule.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use graph_tasks::datetime::civil_from_days;

/// SplitMix64's output function: a bijection on `u64` that scrambles a counter well.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A lock-free source of unpredictable-enough values: a random per-process key mixed with a
/// counter. Because [`mix64`] is a bijection, two calls in one process never return the same value.
pub(crate) struct Ids {
    key: u64,
    counter: AtomicU64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids::new()
    }
}

impl Ids {
    /// A generator keyed by the OS's randomness (through `RandomState`) and the clock.
    pub(crate) fn new() -> Self {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(now_nanos() as u128);
        h.write_u32(std::process::id());
        Ids { key: h.finish(), counter: AtomicU64::new(0) }
    }

    /// The next 64 random-looking bits.
    pub(crate) fn next_u64(&self) -> u64 {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        mix64(self.key ^ mix64(n))
    }

    /// A Planner-style id: 28 characters of `[A-Za-z0-9_-]`, case-sensitive.
    pub(crate) fn planner_id(&self) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::with_capacity(28);
        let mut bits = 0u64;
        let mut left = 0;
        for _ in 0..28 {
            if left < 6 {
                bits = self.next_u64();
                left = 60; // ten characters per 64 bits
            }
            out.push(char::from(ALPHABET[(bits & 63) as usize]));
            bits >>= 6;
            left -= 6;
        }
        out
    }

    /// A random UUID (version 4), as the core formats it.
    pub(crate) fn uuid(&self) -> String {
        let a = self.next_u64().to_le_bytes();
        let b = self.next_u64().to_le_bytes();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a);
        bytes[8..].copy_from_slice(&b);
        graph_tasks::request::uuid_v4(bytes)
    }
}

/// A small deterministic generator (SplitMix64) for `--chaos-seed`.
#[derive(Clone, Debug)]
pub(crate) struct SeededRng(u64);

impl SeededRng {
    /// A generator that always yields the same sequence for `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        SeededRng(seed)
    }

    /// The next 64 bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// A uniform number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Nanoseconds since the Unix epoch.
pub(crate) fn now_nanos() -> i128 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_millis() -> i64 {
    (now_nanos() / 1_000_000) as i64
}

fn split_seconds(unix_seconds: i64) -> ((i64, u32, u32), u64, i64) {
    let days = unix_seconds.div_euclid(86_400);
    (civil_from_days(days), unix_seconds.rem_euclid(86_400) as u64, days)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate), for the `Date` header.
pub(crate) fn http_date(unix_seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let ((y, m, d), s, days) = split_seconds(unix_seconds);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m.clamp(1, 12) - 1) as usize],
        y,
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2021-05-18T19:03:10`, the form of `innerError.date` in Graph's examples.
pub(crate) fn inner_error_date(unix_seconds: i64) -> String {
    let ((y, m, d), s, _) = split_seconds(unix_seconds);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, s / 3600, s / 60 % 60, s % 60)
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(char::from(T[(n >> 18) as usize & 63]));
        out.push(char::from(T[(n >> 12) as usize & 63]));
        out.push(if chunk.len() > 1 { char::from(T[(n >> 6) as usize & 63]) } else { '=' });
        out.push(if chunk.len() > 2 { char::from(T[n as usize & 63]) } else { '=' });
    }
    out
}

/// Decodes base64url (and plain base64), padding optional; `None` on any other character.
pub(crate) fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Percent-decodes `text` once; `None` when an escape is malformed or the result is not UTF-8.
/// `+` stays `+` (paths); pass `plus_as_space` for query strings.
pub(crate) fn percent_decode(text: &str, plus_as_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                // from_str_radix alone would accept "+f".
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let s = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(s, 16).ok()?);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The `name=value` pairs of a query string, decoded; malformed pairs are skipped.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k, true)?, percent_decode(v, true)?))
        })
        .collect()
}

/// Seconds as Graph writes `Retry-After`: whole seconds, or up to three decimals (`1.5`, `0.734`).
pub(crate) fn format_seconds(millis: u64) -> String {
    let whole = millis / 1000;
    let frac = millis % 1000;
    if frac == 0 {
        return whole.to_string();
    }
    let mut s = format!("{whole}.{frac:03}");
    while s.ends_with('0') {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_planner_ids_and_distinct() {
        let ids = Ids::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = ids.planner_id();
            assert!(graph_tasks::validate::is_planner_id(&id), "{id}");
            assert!(seen.insert(id));
        }
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(inner_error_date(784_111_777), "1994-11-06T08:49:37");
    }

    #[test]
    fn base64_both_ways() {
        assert_eq!(base64_encode(b"'1-Task  @@@@@@@@@@@@@@@X'"), "JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc=");
        assert_eq!(base64url_decode("JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc").unwrap(), b"'1-Task  @@@@@@@@@@@@@@@X'");
        assert_eq!(base64url_decode("eyJvaWQiOiJ4In0").unwrap(), br#"{"oid":"x"}"#);
        assert!(base64url_decode("a.b").is_none());
    }

    #[test]
    fn percent() {
        assert_eq!(percent_decode("a%2Fb", false).unwrap(), "a/b");
        assert_eq!(percent_decode("a+b", false).unwrap(), "a+b");
        assert_eq!(percent_decode("a+b", true).unwrap(), "a b");
        assert_eq!(percent_decode("%C3%A9", false).unwrap(), "é");
        assert!(percent_decode("%zz", false).is_none());
        assert!(percent_decode("%C3", false).is_none());
        assert_eq!(parse_query("last=5&clientRequestId=a%20b"), [("last".into(), "5".into()), ("clientRequestId".into(), "a b".into())]);
    }

    #[test]
    fn seconds() {
        assert_eq!(format_seconds(1500), "1.5");
        assert_eq!(format_seconds(2000), "2");
        assert_eq!(format_seconds(734), "0.734");
        assert_eq!(format_seconds(2128), "2.128");
    }

    #[test]
    fn seeded_is_deterministic() {
        let mut a = SeededRng::new(7);
        let mut b = SeededRng::new(7);
        for _ in 0..10 {
            let x = a.next_f64();
            assert!((0.0..1.0).contains(&x));
            assert_eq!(x, b.next_f64());
        }
    }
}
