//! Dates as Graph writes them: `Edm.DateTimeOffset`, `Edm.Date`, and the HTTP date of `Retry-After`.
//!
//! Hand-written rather than a date crate: the three formats are tiny, and every kilobyte of code ships
//! to browsers in the wasm.

/// A parsed instant, comparable across offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix_seconds: i64,
    /// The fraction of the second in picoseconds (the metadata allows 12 fractional digits).
    pub picos: u64,
}

impl Instant {
    /// Milliseconds since the epoch (fraction truncated).
    pub fn unix_millis(self) -> i64 {
        self.unix_seconds.saturating_mul(1000).saturating_add((self.picos / 1_000_000_000) as i64)
    }
}

/// Days from 1970-01-01 to the civil date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01 (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A cursor over ASCII digits and fixed punctuation.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { bytes: text.as_bytes(), at: 0 }
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<(u64, usize)> {
        let start = self.at;
        let mut value: u64 = 0;
        while self.at < self.bytes.len() && self.at - start < max {
            let b = *self.bytes.get(self.at)?;
            if !b.is_ascii_digit() {
                break;
            }
            value = value * 10 + u64::from(b - b'0');
            self.at += 1;
        }
        let n = self.at - start;
        (n >= min).then_some((value, n))
    }

    fn fixed(&mut self, n: usize) -> Option<u32> {
        self.digits(n, n).map(|(v, _)| v as u32)
    }

    fn byte(&mut self, expected: u8) -> Option<()> {
        (self.peek()? == expected).then(|| self.at += 1)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

fn parse_date_part(c: &mut Cursor<'_>) -> Option<(i64, u32, u32)> {
    // The metadata pattern allows years of four or more digits; nine keep the arithmetic in range.
    let (year, _) = c.digits(4, 9)?;
    c.byte(b'-')?;
    let month = c.fixed(2)?;
    c.byte(b'-')?;
    let day = c.fixed(2)?;
    let year = year as i64;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// Parses an `Edm.DateTimeOffset` as the Graph metadata pattern defines it:
/// `YYYY-MM-DDThh:mm:ss[.f{1,12}](Z|±hh:mm)`. An offset is required.
pub fn parse_datetime_offset(text: &str) -> Option<Instant> {
    let mut c = Cursor::new(text);
    let (year, month, day) = parse_date_part(&mut c)?;
    c.byte(b'T')?;
    let hour = c.fixed(2)?;
    c.byte(b':')?;
    let minute = c.fixed(2)?;
    c.byte(b':')?;
    let second = c.fixed(2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut picos = 0u64;
    if c.peek() == Some(b'.') {
        c.byte(b'.')?;
        let (fraction, digits) = c.digits(1, 12)?;
        picos = fraction * 10u64.pow(12 - digits as u32);
    }
    let offset_seconds: i64 = match c.peek()? {
        b'Z' => {
            c.byte(b'Z')?;
            0
        }
        sign @ (b'+' | b'-') => {
            c.byte(sign)?;
            let oh = c.fixed(2)?;
            c.byte(b':')?;
            let om = c.fixed(2)?;
            if om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            if sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };
    if !c.done() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let unix_seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some(Instant { unix_seconds, picos })
}

/// Parses an `Edm.Date`: `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<(i64, u32, u32)> {
    let mut c = Cursor::new(text);
    let date = parse_date_part(&mut c)?;
    c.done().then_some(date)
}

const MONTHS: [&[u8; 3]; 12] =
    [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// Parses an HTTP date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7),
/// the only form a sender may generate today.
pub fn parse_http_date(text: &str) -> Option<Instant> {
    let text = text.trim();
    // A char pattern rather than ", ": &str patterns pull core's two-way searcher into the wasm.
    let (_, rest) = text.split_once(',')?;
    let rest = rest.strip_prefix(' ')?;
    let mut c = Cursor::new(rest);
    let day = c.fixed(2)?;
    c.byte(b' ')?;
    let month_name = c.rest().get(..3)?;
    let month = MONTHS.iter().position(|m| m.as_slice() == month_name)? as u32 + 1;
    c.at += 3;
    c.byte(b' ')?;
    let year = i64::from(c.fixed(4)?);
    c.byte(b' ')?;
    let hour = c.fixed(2)?;
    c.byte(b':')?;
    let minute = c.fixed(2)?;
    c.byte(b':')?;
    let second = c.fixed(2)?;
    if c.rest() != b" GMT" || hour > 23 || minute > 59 || second > 60 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let unix_seconds =
        days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second.min(59));
    Some(Instant { unix_seconds, picos: 0 })
}

fn push_padded(out: &mut String, value: u64, width: usize) {
    let digits = crate::text::decimal(value);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Formats an instant as Graph does: UTC, seven fractional digits (`2015-03-25T18:36:49.2407981Z`).
pub fn format_graph_datetime(unix_nanos: i128) -> String {
    let seconds = unix_nanos.div_euclid(1_000_000_000) as i64;
    let nanos = unix_nanos.rem_euclid(1_000_000_000) as u64;
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let secs_of_day = seconds.rem_euclid(86_400) as u64;
    let mut out = String::with_capacity(28);
    push_padded(&mut out, year.max(0) as u64, 4);
    out.push('-');
    push_padded(&mut out, u64::from(month), 2);
    out.push('-');
    push_padded(&mut out, u64::from(day), 2);
    out.push('T');
    push_padded(&mut out, secs_of_day / 3600, 2);
    out.push(':');
    push_padded(&mut out, secs_of_day / 60 % 60, 2);
    out.push(':');
    push_padded(&mut out, secs_of_day % 60, 2);
    out.push('.');
    push_padded(&mut out, nanos / 100, 7);
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_datetimes() {
        let a = parse_datetime_offset("2015-03-25T18:36:49.2407981Z").unwrap();
        assert_eq!(a.unix_seconds, 1_427_308_609);
        assert_eq!(a.picos, 240_798_100_000);
        let b = parse_datetime_offset("2015-03-25T20:36:49.2407981+02:00").unwrap();
        assert_eq!(a, b);
        assert!(parse_datetime_offset("2014-01-01T00:00:00Z").is_some());
        assert!(parse_datetime_offset("2014-01-01T00:00:00.123456789012Z").is_some());
        assert!(parse_datetime_offset("12014-01-01T00:00:00-05:30").is_some());
    }

    #[test]
    fn rejects_what_the_pattern_rejects() {
        for bad in [
            "",
            "2014-01-01",
            "2014-01-01T00:00:00",                // no offset
            "2014-01-01 00:00:00Z",               // space
            "2014-13-01T00:00:00Z",               // month
            "2014-02-30T00:00:00Z",               // day
            "2014-01-01T24:00:00Z",               // hour
            "2014-01-01T00:60:00Z",               // minute
            "2014-01-01T00:00:00.Z",              // empty fraction
            "2014-01-01T00:00:00.1234567890123Z", // 13 digits
            "2014-01-01T00:00:00+0100",           // offset without colon
            "2014-01-01T00:00:00Zjunk",
            "14-01-01T00:00:00Z",
            "２０１４-01-01T00:00:00Z",
        ] {
            assert!(parse_datetime_offset(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn leap_days() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2000-02-29").is_some());
        assert!(parse_date("1900-02-29").is_none());
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.unix_seconds, 784_111_777);
        assert!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").is_none());
        assert!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").is_none());
        assert!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").is_none());
    }

    #[test]
    fn formats_seven_digits() {
        let t = parse_datetime_offset("2015-03-25T18:36:49.2407981Z").unwrap();
        let nanos = i128::from(t.unix_seconds) * 1_000_000_000 + i128::from(t.picos / 1000);
        assert_eq!(format_graph_datetime(nanos), "2015-03-25T18:36:49.2407981Z");
        assert_eq!(format_graph_datetime(0), "1970-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 10_956, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
