//! The host of a base URL, parsed as the WHATWG URL Standard parses it: the parser `fetch` uses.
//!
//! The client sends a bearer token over plain http only to loopback, so "is this loopback?" must be
//! answered for exactly the host `fetch` will connect to. WHATWG reads `127.1`, `0x7f.0.0.1`,
//! `0177.0.0.1` and `2130706433` as 127.0.0.1, refuses `127.0.0.08` (an invalid octal part), and
//! treats `127.0.0.+1` as a host *name* to look up in DNS. Rust's integer parsing accepts a leading
//! `+`, so the parts are read digit by digit here. Hand-written because no small, `no_std`-friendly
//! crate implements the WHATWG host parser, and the `url` crate would add tens of kilobytes of wasm.

/// A parsed host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An IPv4 address.
    Ipv4(u32),
    /// An IPv6 address, as eight 16-bit pieces.
    Ipv6([u16; 8]),
    /// A domain, ASCII-lowercased (a non-ASCII one is kept as given: fetch maps it with IDNA, and
    /// it is never loopback here).
    Domain(String),
}

impl Host {
    /// Whether `fetch` would connect to this machine: 127.0.0.0/8, `::1`, `::ffff:127.0.0.0/104`, or
    /// `localhost` (which WHATWG resolvers and Node keep on the machine).
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Ipv4(address) => address >> 24 == 127,
            Host::Ipv6(pieces) => match pieces {
                [0, 0, 0, 0, 0, 0, 0, 1] => true,
                [0, 0, 0, 0, 0, 0xffff, high, _] => high >> 8 == 127,
                _ => false,
            },
            Host::Domain(name) => name == "localhost",
        }
    }
}

/// Whether `fetch` would connect to this machine for `host` (a [`crate::request::LoopbackHost`]):
/// [`parse_host`], then [`Host::is_loopback`]. The wasm layer uses the platform's own parser instead,
/// and [`is_loopback_hostname`] on what it makes of the host.
pub fn loopback(host: &str) -> Option<bool> {
    parse_host(host).map(|host| host.is_loopback())
}

/// [`Host::is_loopback`] for a host as the WHATWG URL parser serializes it (`new URL(…).hostname`):
/// an IPv4 address as four decimal parts, an IPv6 address in brackets as compressed lowercase hex
/// pieces (never with an embedded IPv4 part), a domain lowercased.
pub fn is_loopback_hostname(name: &str) -> bool {
    if name == "localhost" || name == "[::1]" {
        return true;
    }
    if let Some(pieces) = name.strip_prefix("[::ffff:").and_then(|rest| rest.strip_suffix(']')) {
        // ::ffff:127.0.0.0/104 serializes as ::ffff:7fXX:Y (the sixth piece 0xffff, the seventh
        // 0x7f00 to 0x7fff, four digits long because it is at least 0x1000).
        return matches!(pieces.split_once(':'), Some((high, low))
            if high.len() == 4 && high.starts_with("7f") && !low.is_empty() && !low.contains(':'));
    }
    // A serialized domain never ends in a number (a host that does parses as IPv4), so a last part
    // of digits means an IPv4 address, whose first part is then its first octet.
    name.starts_with("127.")
        && name.rsplit('.').next().is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses the host part of a special (http/https) URL's authority, `None` where WHATWG fails (so
/// that `fetch` would throw). `input` is what stands between `//` (or the user info) and the port.
pub fn parse_host(input: &str) -> Option<Host> {
    if let Some(inner) = input.strip_prefix('[') {
        return parse_ipv6(inner.strip_suffix(']')?).map(Host::Ipv6);
    }
    let decoded = percent_decode(input)?;
    if decoded.is_empty() {
        return None;
    }
    if !decoded.is_ascii() {
        // IDNA would map it (full-width digits can become an IPv4 address): never loopback, and the
        // transport check refuses it over plain http.
        return Some(Host::Domain(decoded));
    }
    let lower = decoded.to_ascii_lowercase();
    if lower.bytes().any(is_forbidden_domain_byte) {
        return None;
    }
    if ends_in_a_number(&lower) {
        return parse_ipv4(&lower).map(Host::Ipv4);
    }
    Some(Host::Domain(lower))
}

/// WHATWG's forbidden domain code points (ASCII part): C0 controls, space, `#`, `%`, `/`, `:`, `<`,
/// `>`, `?`, `@`, `[`, `\`, `]`, `^`, `|`, DEL.
fn is_forbidden_domain_byte(b: u8) -> bool {
    b <= 0x20 || b == 0x7f || b"#%/:<>?@[\\]^|".contains(&b)
}

fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |at: usize| bytes.get(at).and_then(|&h| (h as char).to_digit(16));
            if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// WHATWG "ends in a number": the last label (ignoring one trailing dot) is all digits, or `0x`
/// followed by hex digits.
fn ends_in_a_number(host: &str) -> bool {
    let trimmed = host.strip_suffix('.').filter(|rest| !rest.is_empty()).unwrap_or(host);
    let last = trimmed.rsplit('.').next().unwrap_or(trimmed);
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x").is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One IPv4 part: decimal, `0x` hex (possibly empty: 0) or `0`-led octal, digits only.
fn parse_ipv4_number(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = part.strip_prefix('0').filter(|rest| !rest.is_empty()) {
        (octal, 8)
    } else {
        (part, 10)
    };
    if part.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = c.to_digit(radix)?;
        value = value.checked_mul(u64::from(radix))?.checked_add(u64::from(digit))?;
        if value > u64::from(u32::MAX) {
            // Past any valid address: stop before the number can overflow.
            return Some(value);
        }
    }
    Some(value)
}

fn parse_ipv4(host: &str) -> Option<u32> {
    let trimmed = host.strip_suffix('.').filter(|rest| !rest.is_empty()).unwrap_or(host);
    let parts: Vec<&str> = trimmed.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        numbers.push(parse_ipv4_number(part)?);
    }
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|&n| n > 255) {
        return None;
    }
    let last_limit = 1u64 << (8 * (5 - numbers.len()));
    if *last >= last_limit {
        return None;
    }
    let mut address = *last;
    for (i, &n) in leading.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    u32::try_from(address).ok()
}

/// WHATWG's IPv6 parser: up to eight hex pieces, one `::`, and an optional dotted IPv4 tail.
fn parse_ipv6(input: &str) -> Option<[u16; 8]> {
    let mut pieces = [0u16; 8];
    let bytes = input.as_bytes();
    let mut index = 0usize;
    let mut compress: Option<usize> = None;
    let mut i = 0usize;
    if bytes.first() == Some(&b':') {
        if bytes.get(1) != Some(&b':') {
            return None;
        }
        i = 2;
        index = 1;
        compress = Some(1);
    }
    while i < bytes.len() {
        if index == 8 {
            return None;
        }
        if bytes.get(i) == Some(&b':') {
            if compress.is_some() {
                return None;
            }
            i += 1;
            index += 1;
            compress = Some(index);
            continue;
        }
        let mut value: u32 = 0;
        let mut length = 0;
        while length < 4 {
            match bytes.get(i).and_then(|&b| (b as char).to_digit(16)) {
                Some(digit) => {
                    value = value * 16 + digit;
                    i += 1;
                    length += 1;
                }
                None => break,
            }
        }
        if bytes.get(i) == Some(&b'.') {
            // The IPv4 tail: at most two pieces left, four decimal parts without leading zeros.
            if length == 0 || index > 6 {
                return None;
            }
            i -= length;
            let tail = input.get(i..)?;
            let parts: Vec<&str> = tail.split('.').collect();
            if parts.len() != 4 {
                return None;
            }
            let mut octets = [0u16; 4];
            for (slot, part) in octets.iter_mut().zip(&parts) {
                if part.is_empty() || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
                    return None;
                }
                let mut n: u16 = 0;
                for c in part.chars() {
                    n = n * 10 + c.to_digit(10)? as u16;
                }
                if n > 255 {
                    return None;
                }
                *slot = n;
            }
            let [a, b, c, d] = octets;
            *pieces.get_mut(index)? = a << 8 | b;
            *pieces.get_mut(index + 1)? = c << 8 | d;
            index += 2;
            break;
        }
        match bytes.get(i) {
            Some(b':') => {
                i += 1;
                if i >= bytes.len() {
                    return None;
                }
            }
            Some(_) => return None,
            None => {}
        }
        *pieces.get_mut(index)? = value as u16;
        index += 1;
    }
    match compress {
        Some(start) => {
            // Move the pieces after `::` to the end.
            let moved = index - start;
            let mut end = 7;
            for k in (0..moved).rev() {
                let from = start + k;
                if from != end {
                    pieces.swap(from, end);
                }
                end = end.checked_sub(1)?;
            }
        }
        None if index != 8 => return None,
        None => {}
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_hostnames() {
        // What `new URL("http://" + host).hostname` gives for hosts of tests/fixtures/base-urls.json.
        for name in
            ["localhost", "127.0.0.1", "127.255.0.3", "127.0.0.0", "[::1]", "[::ffff:7f00:1]", "[::ffff:7fff:ffff]"]
        {
            assert!(is_loopback_hostname(name), "{name}");
        }
        for name in [
            "127.0.0.1.evil.com",
            "127.evil.com",
            "localhost.evil.com",
            "localhost.",
            "128.0.0.1",
            "0.0.0.0",
            "10.0.0.1",
            "[::]",
            "[::2]",
            "[::1:0]",
            "[::ffff:7f00]",
            "[::ffff:7f00:0:1]",
            "[::ffff:8000:1]",
            "[1::ffff:7f00:1]",
            "[::ffff:7f0:1]",
            "graph.microsoft.com",
            "",
        ] {
            assert!(!is_loopback_hostname(name), "{name}");
        }
    }

    fn v4(text: &str) -> Option<Host> {
        parse_host(text)
    }

    #[test]
    fn ipv4_forms_as_whatwg_reads_them() {
        let loopback = Some(Host::Ipv4(0x7f00_0001));
        for form in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "0x7f.0.0.1",
            "0x7F.1",
            "0177.0.0.1",
            "2130706433",
            "0x7f000001",
            "127.0.0.1.",
            "127.0.0.%31",
            "017700000001",
        ] {
            assert_eq!(v4(form), loopback, "{form}");
        }
        for invalid in
            ["127.0.0.08", "127.0.0.256", "1.2.3.4.5", "256.0.0.1", "127.0.0.0x100", "4294967296", "0x", "09"]
        {
            let parsed = v4(invalid);
            assert!(parsed.is_none() || parsed == Some(Host::Ipv4(0)), "{invalid}: {parsed:?}");
        }
        assert_eq!(v4("0x"), Some(Host::Ipv4(0)));
        assert_eq!(v4("127.0.0.08"), None);
        // Not a number at the end: a host name that DNS resolves, never loopback.
        for name in ["127.0.0.+1", "127.+0.+0.+1", "127.0.0.1x", "127.0.0.-1", "+127.0.0.1"] {
            let parsed = v4(name);
            assert!(matches!(parsed, Some(Host::Domain(_)) | None), "{name}: {parsed:?}");
            assert!(!parsed.is_some_and(|h| h.is_loopback()), "{name}");
        }
        assert_eq!(v4("LOCALHOST"), Some(Host::Domain("localhost".into())));
        assert_eq!(v4("a b"), None);
    }

    #[test]
    fn ipv6_forms() {
        let one = Some(Host::Ipv6([0, 0, 0, 0, 0, 0, 0, 1]));
        for form in ["[::1]", "[0:0:0:0:0:0:0:1]", "[::0001]", "[0::1]", "[::0:1]"] {
            assert_eq!(v4(form), one, "{form}");
        }
        assert!(v4("[::ffff:127.0.0.1]").unwrap().is_loopback());
        assert!(!v4("[::2]").unwrap().is_loopback());
        assert!(!v4("[::]").unwrap().is_loopback());
        for bad in ["[::1", "[:1]", "[1:::1]", "[::1::]", "[1:2:3:4:5:6:7:8:9]", "[::127.0.0.01]", "[g::1]", "[1:]"] {
            assert_eq!(v4(bad), None, "{bad}");
        }
    }
}
