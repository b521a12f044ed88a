//! `DateTime`: a UTC instant with nanosecond precision, plus the three Smithy text forms
//! (date-time, http-date, epoch-seconds). The civil-calendar math is written by hand
//! (Howard Hinnant's `days_from_civil` / `civil_from_days`) so the runtime needs neither
//! chrono nor time: they cost build time and we only need these few conversions.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// A point in time (UTC).
///
/// `secs` is floored and `nanos` always moves the clock forward (0..1e9), so the derived
/// ordering is chronological even before 1970.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

impl DateTime {
    /// Whole seconds since the Unix epoch; what most AWS timestamps are.
    pub const fn from_secs(secs: i64) -> Self {
        DateTime { secs, nanos: 0 }
    }

    /// Fractional seconds since the epoch, as CBOR and JSON numbers carry them.
    ///
    /// The fraction is rounded to the microsecond, as Python's `datetime.fromtimestamp`
    /// (and so botocore) does: an f64 near today's epoch cannot hold finer digits, so this
    /// turns `1704164645.123` into exactly `.123` rather than `.122999906`. Returns `None`
    /// for NaN, infinities and values whose seconds do not fit an `i64`.
    pub fn from_secs_f64(v: f64) -> Option<Self> {
        if !v.is_finite() {
            return None;
        }
        let floor = v.floor();
        // 2^63 is exactly representable; anything at or beyond it does not fit an i64.
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&floor) {
            return None;
        }
        let mut secs = floor as i64;
        let mut micros = ((v - floor) * 1_000_000.0).round() as u32;
        if micros >= 1_000_000 {
            secs = secs.checked_add(1)?;
            micros = 0;
        }
        Some(DateTime {
            secs,
            nanos: micros * 1_000,
        })
    }

    /// Milliseconds since the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        DateTime {
            secs: millis.div_euclid(1_000),
            nanos: millis.rem_euclid(1_000) as u32 * 1_000_000,
        }
    }

    /// Whole seconds and sub-second nanoseconds (which advance the clock, also before
    /// 1970); `None` when `nanos` is a full second or more.
    pub const fn from_parts(secs: i64, nanos: u32) -> Option<Self> {
        if nanos >= NANOS_PER_SEC {
            None
        } else {
            Some(DateTime { secs, nanos })
        }
    }

    /// Floored whole seconds since the epoch (`-1` for half a second before 1970).
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds past [`DateTime::secs`], always `0..1_000_000_000`.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float, for wires that carry doubles (lossy).
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts from the standard library's clock type; saturates at the `i64` range.
    pub fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => DateTime {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let whole = i64::try_from(d.as_secs()).map_or(i64::MIN, |s| -s);
                if d.subsec_nanos() == 0 {
                    DateTime {
                        secs: whole,
                        nanos: 0,
                    }
                } else {
                    match whole.checked_sub(1) {
                        Some(secs) => DateTime {
                            secs,
                            nanos: NANOS_PER_SEC - d.subsec_nanos(),
                        },
                        None => DateTime {
                            secs: i64::MIN,
                            nanos: 0,
                        },
                    }
                }
            }
        }
    }

    /// Converts to the standard library's clock type; `None` if the platform cannot
    /// represent the instant.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs.unsigned_abs(), self.nanos))
        } else {
            // secs + nanos = -(|secs| - nanos), computed without overflow.
            let before = Duration::new(self.secs.unsigned_abs(), 0)
                .checked_sub(Duration::new(0, self.nanos))?;
            UNIX_EPOCH.checked_sub(before)
        }
    }

    /// ISO 8601 / RFC 3339 in UTC, e.g. `2024-01-02T03:04:05Z` or `…05.123Z`.
    ///
    /// Like smithy-rs, the fraction is truncated to microseconds and its trailing zeros
    /// are trimmed. Years outside 0000–9999 use the ISO 8601 expanded form (`+10000-…`,
    /// `-0001-…`), which RFC 3339 does not allow; see [`DateTime::try_fmt_iso8601`].
    pub fn fmt_iso8601(&self) -> String {
        let mut s = String::with_capacity(27);
        // Writing into a String cannot fail.
        let _ = self.write_iso8601(&mut s);
        s
    }

    /// [`DateTime::fmt_iso8601`], or `None` for years before 0001 or after 9999, which
    /// Smithy's `date-time` format cannot carry.
    pub fn try_fmt_iso8601(&self) -> Option<String> {
        let (y, ..) = self.civil();
        (1..=9999).contains(&y).then(|| self.fmt_iso8601())
    }

    /// RFC 7231 IMF-fixdate, e.g. `Tue, 02 Jan 2024 03:04:05 GMT`, with the fraction
    /// dropped (smithy-rs stopped emitting it: S3 rejected it). Years outside 0001–9999
    /// are printed as numbers; see [`DateTime::try_fmt_http_date`].
    pub fn fmt_http_date(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        let days = self.secs.div_euclid(SECS_PER_DAY);
        // 1970-01-01 was a Thursday.
        let wd = WEEKDAYS[days.wrapping_add(4).rem_euclid(7) as usize];
        let mon = MONTHS[(mo - 1) as usize];
        format!("{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT")
    }

    /// [`DateTime::fmt_http_date`], or `None` for years before 0001 or after 9999.
    pub fn try_fmt_http_date(&self) -> Option<String> {
        let (y, ..) = self.civil();
        (1..=9999).contains(&y).then(|| self.fmt_http_date())
    }

    /// Smithy `epoch-seconds` text: the seconds, then `.` and the sub-second nanos with
    /// trailing zeros trimmed when there are any.
    ///
    /// This is the form smithy-rs and the Smithy date-time suite use: the fraction is the
    /// part that advances the clock, so before 1970 `(-2 s, 0.5 s)` prints `-2.5` although
    /// it is the decimal −1.5. The JSON codec writes decimal numbers instead.
    pub fn fmt_epoch(&self) -> String {
        let mut s = self.secs.to_string();
        if self.nanos != 0 {
            push_fraction(&mut s, self.nanos, 9);
        }
        s
    }

    /// Parses RFC 3339 (`2024-01-02T03:04:05.123+01:00`): offsets, lowercase `t`/`z`, a
    /// space instead of `T`, any number of fraction digits (truncated to nanoseconds), and
    /// the signed expanded years [`DateTime::fmt_iso8601`] writes.
    pub fn parse_iso8601(s: &str) -> Result<Self, DateTimeParseError> {
        parse_iso8601(s.as_bytes()).ok_or_else(|| invalid("RFC 3339 date-time", s))
    }

    /// Parses RFC 7231 IMF-fixdate (`Tue, 02 Jan 2024 03:04:05 GMT`), also with a
    /// fraction of up to nine digits, as Smithy allows.
    pub fn parse_http_date(s: &str) -> Result<Self, DateTimeParseError> {
        parse_http_date(s.trim().as_bytes()).ok_or_else(|| invalid("HTTP date", s))
    }

    /// Parses Smithy `epoch-seconds` text (`-?digits(.digits{1,9})?`) with the same
    /// convention as [`DateTime::fmt_epoch`].
    pub fn parse_epoch(s: &str) -> Result<Self, DateTimeParseError> {
        parse_epoch(s.as_bytes()).ok_or_else(|| invalid("epoch-seconds timestamp", s))
    }

    /// (year, month, day, hour, minute, second) in the proleptic Gregorian calendar.
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        let tod = self.secs.rem_euclid(SECS_PER_DAY) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, tod / 3600, tod / 60 % 60, tod % 60)
    }

    fn write_iso8601(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.civil();
        if (0..=9999).contains(&y) {
            write!(out, "{y:04}")?;
        } else if y > 9999 {
            write!(out, "+{y}")?;
        } else {
            write!(out, "-{:04}", y.unsigned_abs())?;
        }
        write!(out, "-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
        let micros = self.nanos / 1_000;
        if micros != 0 {
            let mut frac = String::with_capacity(8);
            push_fraction(&mut frac, micros, 6);
            out.write_str(&frac)?;
        }
        out.write_char('Z')
    }
}

impl fmt::Display for DateTime {
    /// ISO 8601, as [`DateTime::fmt_iso8601`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_iso8601(f)
    }
}

impl std::str::FromStr for DateTime {
    type Err = DateTimeParseError;

    /// Parses RFC 3339, as [`DateTime::parse_iso8601`].
    fn from_str(s: &str) -> Result<Self, DateTimeParseError> {
        DateTime::parse_iso8601(s)
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        DateTime::from_system_time(t)
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Text that is not a timestamp of the expected format. The codecs turn it into their
/// `DecodeError`; this module stays below them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeParseError(String);

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateTimeParseError {}

fn invalid(what: &str, s: &str) -> DateTimeParseError {
    // Cap the echoed input: it comes from the network.
    let shown: String = s.chars().take(64).collect();
    DateTimeParseError(format!("invalid {what}: {shown:?}"))
}

/// Appends `.` and `value` as a `width`-digit fraction with trailing zeros trimmed.
fn push_fraction(out: &mut String, mut value: u32, width: usize) {
    let mut digits = [b'0'; 9];
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
    let len = digits[..width]
        .iter()
        .rposition(|&b| b != b'0')
        .map_or(0, |i| i + 1);
    out.push('.');
    for &b in &digits[..len] {
        out.push(char::from(b));
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Hinnant's `civil_from_days`): the runtime's
/// one calendar routine, SigV4's `X-Amz-Date` included.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A byte cursor for the small date grammars below.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }

    /// Optional `.digits`: nanoseconds, keeping at most `max` digits (extra digits are
    /// accepted and truncated when `max` is 9 or more).
    fn fraction(&mut self, max: usize) -> Option<u32> {
        if self.eat(b'.').is_none() {
            return Some(0);
        }
        let start = self.i;
        let mut nanos = 0u32;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            let n = self.i - start;
            if n < 9 {
                nanos = nanos * 10 + u32::from(c - b'0');
            }
            self.i += 1;
        }
        let n = self.i - start;
        if n == 0 || n > max {
            return None;
        }
        for _ in n..9 {
            nanos *= 10;
        }
        Some(nanos)
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn from_civil(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59
    {
        return None;
    }
    days_from_civil(y, mo, d)
        .checked_mul(SECS_PER_DAY)?
        .checked_add(i64::from(h * 3600 + mi * 60 + s))
}

fn parse_iso8601(b: &[u8]) -> Option<DateTime> {
    let mut c = Cur { b, i: 0 };
    let year = match c.peek()? {
        sign @ (b'+' | b'-') => {
            c.i += 1;
            let start = c.i;
            let mut y: i64 = 0;
            while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                y = y.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
                c.i += 1;
            }
            // Expanded years have at least four digits; cap them to keep the math in range.
            if c.i - start < 4 || y > 1_000_000_000 {
                return None;
            }
            if sign == b'-' {
                -y
            } else {
                y
            }
        }
        _ => i64::from(c.digits(4)?),
    };
    c.eat(b'-')?;
    let mo = c.digits(2)?;
    c.eat(b'-')?;
    let d = c.digits(2)?;
    match c.peek()? {
        b'T' | b't' | b' ' => c.i += 1,
        _ => return None,
    }
    let h = c.digits(2)?;
    c.eat(b':')?;
    let mi = c.digits(2)?;
    c.eat(b':')?;
    let s = c.digits(2)?;
    let nanos = c.fraction(usize::MAX)?;
    let offset: i64 = match c.peek()? {
        b'Z' | b'z' => {
            c.i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.eat(b':')?;
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = i64::from(oh * 3600 + om * 60);
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    if !c.done() {
        return None;
    }
    let secs = from_civil(year, mo, d, h, mi, s)?.checked_sub(offset)?;
    Some(DateTime { secs, nanos })
}

fn parse_http_date(b: &[u8]) -> Option<DateTime> {
    let mut c = Cur { b, i: 0 };
    let wd = b.get(0..3)?;
    if !WEEKDAYS.iter().any(|w| w.as_bytes() == wd) {
        return None;
    }
    c.i = 3;
    c.eat(b',')?;
    c.eat(b' ')?;
    let d = c.digits(2)?;
    c.eat(b' ')?;
    let mon = b.get(c.i..c.i + 3)?;
    let mo = MONTHS.iter().position(|m| m.as_bytes() == mon)? as u32 + 1;
    c.i += 3;
    c.eat(b' ')?;
    let y = c.digits(4)?;
    c.eat(b' ')?;
    let h = c.digits(2)?;
    c.eat(b':')?;
    let mi = c.digits(2)?;
    c.eat(b':')?;
    let s = c.digits(2)?;
    let nanos = c.fraction(9)?;
    if b.get(c.i..)? != b" GMT" {
        return None;
    }
    let secs = from_civil(i64::from(y), mo, d, h, mi, s)?;
    Some(DateTime { secs, nanos })
}

fn parse_epoch(b: &[u8]) -> Option<DateTime> {
    let mut c = Cur { b, i: 0 };
    let neg = c.eat(b'-').is_some();
    let start = c.i;
    let mut secs: i64 = 0;
    while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
        // Accumulate negatively so i64::MIN parses too.
        secs = secs.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
        c.i += 1;
    }
    if c.i == start {
        return None;
    }
    if !neg {
        secs = secs.checked_neg()?;
    }
    let nanos = c.fraction(9)?;
    c.done().then_some(DateTime { secs, nanos })
}

#[cfg(feature = "serde")]
mod serde_impl {
    //! Hand-written serde support: a DateTime is an RFC 3339 string.

    use super::DateTime;
    use std::fmt;

    impl serde::Serialize for DateTime {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }

    struct Iso8601Visitor;

    impl serde::de::Visitor<'_> for Iso8601Visitor {
        type Value = DateTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
            DateTime::parse_iso8601(v).map_err(E::custom)
        }
    }

    impl<'de> serde::Deserialize<'de> for DateTime {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(Iso8601Visitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_wide_range() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn formats() {
        let t = DateTime::from_secs(1_704_164_645);
        assert_eq!(t.fmt_iso8601(), "2024-01-02T03:04:05Z");
        assert_eq!(t.to_string(), "2024-01-02T03:04:05Z");
        assert_eq!(t.fmt_http_date(), "Tue, 02 Jan 2024 03:04:05 GMT");
        assert_eq!(t.fmt_epoch(), "1704164645");
        let t = DateTime::from_parts(1_704_164_645, 120_000_000).unwrap();
        assert_eq!(t.fmt_iso8601(), "2024-01-02T03:04:05.12Z");
        assert_eq!(t.fmt_http_date(), "Tue, 02 Jan 2024 03:04:05 GMT");
        assert_eq!(t.fmt_epoch(), "1704164645.12");
        assert_eq!(
            DateTime::from_parts(0, 999).unwrap().fmt_iso8601(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            DateTime::from_millis(-1).fmt_iso8601(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn expanded_years() {
        let far = DateTime::from_secs(253_402_300_800); // 10000-01-01
        assert_eq!(far.fmt_iso8601(), "+10000-01-01T00:00:00Z");
        assert_eq!(far.try_fmt_iso8601(), None);
        assert_eq!(far.try_fmt_http_date(), None);
        assert_eq!(DateTime::parse_iso8601(&far.fmt_iso8601()), Ok(far));
        let bc = DateTime::from_secs(-62_167_219_201); // -0001-12-31T23:59:59
        assert_eq!(bc.fmt_iso8601(), "-0001-12-31T23:59:59Z");
        assert_eq!(DateTime::parse_iso8601(&bc.fmt_iso8601()), Ok(bc));
        // Extremes format without panicking.
        for t in [
            DateTime::from_secs(i64::MIN),
            DateTime::from_parts(i64::MAX, 999_999_999).unwrap(),
        ] {
            assert!(!t.fmt_iso8601().is_empty());
            assert!(!t.fmt_http_date().is_empty());
            assert!(!t.fmt_epoch().is_empty());
        }
    }

    #[test]
    fn parses_rfc3339_variants() {
        let want = DateTime::from_secs(1_704_164_645);
        for s in [
            "2024-01-02T03:04:05Z",
            "2024-01-02t03:04:05z",
            "2024-01-02 03:04:05Z",
            "2024-01-02T04:04:05+01:00",
            "2024-01-01T22:34:05-04:30",
            "2024-01-02T03:04:05.000Z",
        ] {
            assert_eq!(DateTime::parse_iso8601(s), Ok(want), "{s}");
        }
        let t = DateTime::parse_iso8601("2024-01-02T03:04:05.1234567891234Z").unwrap();
        assert_eq!(t.subsec_nanos(), 123_456_789);
        for bad in [
            "",
            "2024-01-02",
            "2024-01-02T03:04:05",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02T03:04:60Z",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05+1:00",
            "2024-01-02T03:04:05Zjunk",
            "+999999999999999999999-01-01T00:00:00Z",
            "２０２４-01-02T03:04:05Z",
        ] {
            assert!(DateTime::parse_iso8601(bad).is_err(), "{bad}");
        }
        assert_eq!(
            DateTime::parse_iso8601("2024-02-29T00:00:00Z").map(|t| t.secs()),
            Ok(1_709_164_800)
        );
    }

    #[test]
    fn parses_http_dates_and_epochs() {
        let want = DateTime::from_secs(1_704_164_645);
        assert_eq!(
            DateTime::parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Ok(want)
        );
        assert_eq!(
            DateTime::parse_http_date(" Tue, 02 Jan 2024 03:04:05 GMT "),
            Ok(want)
        );
        for bad in [
            "Tue, 02 Jan 2024 03:04:05",
            "Xyz, 02 Jan 2024 03:04:05 GMT",
            "Tue, 02 Foo 2024 03:04:05 GMT",
            "Tue",
        ] {
            assert!(DateTime::parse_http_date(bad).is_err(), "{bad}");
        }
        assert_eq!(DateTime::parse_epoch("1704164645"), Ok(want));
        assert_eq!(
            DateTime::parse_epoch("-9223372036854775808"),
            Ok(DateTime::from_secs(i64::MIN))
        );
        for bad in [
            "",
            "-",
            "1.",
            "1.1234567891",
            "1e3",
            "+1",
            "9223372036854775808",
            "1.-5",
            " 1",
        ] {
            assert!(DateTime::parse_epoch(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn float_and_millis_conversions() {
        assert_eq!(
            DateTime::from_secs_f64(1_704_164_645.123),
            DateTime::from_parts(1_704_164_645, 123_000_000)
        );
        assert_eq!(
            DateTime::from_secs_f64(-1.5),
            DateTime::from_parts(-2, 500_000_000)
        );
        assert_eq!(
            DateTime::from_secs_f64(0.9999999),
            DateTime::from_parts(1, 0)
        );
        assert_eq!(DateTime::from_secs_f64(f64::NAN), None);
        assert_eq!(DateTime::from_secs_f64(f64::INFINITY), None);
        assert_eq!(DateTime::from_secs_f64(1e19), None);
        assert_eq!(DateTime::from_secs_f64(-9.3e18), None);
        assert_eq!(
            DateTime::from_parts(-2, 500_000_000).unwrap().as_secs_f64(),
            -1.5
        );
        assert_eq!(
            DateTime::from_millis(-1500),
            DateTime::from_parts(-2, 500_000_000).unwrap()
        );
        assert_eq!(DateTime::from_parts(0, 1_000_000_000), None);
    }

    #[test]
    fn system_time_round_trip() {
        for t in [
            DateTime::from_secs(0),
            DateTime::from_parts(1_704_164_645, 5).unwrap(),
            DateTime::from_parts(-2, 500_000_000).unwrap(),
            DateTime::from_secs(-10),
        ] {
            let st = t.to_system_time().unwrap();
            assert_eq!(DateTime::from_system_time(st), t);
        }
        let now = DateTime::now();
        assert!(now.secs() > 1_700_000_000);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_is_an_iso_string() {
        let t = DateTime::from_parts(1_704_164_645, 500_000_000).unwrap();
        let s = serde_json::to_string(&t).unwrap();
        assert_eq!(s, "\"2024-01-02T03:04:05.5Z\"");
        assert_eq!(serde_json::from_str::<DateTime>(&s).unwrap(), t);
        assert!(serde_json::from_str::<DateTime>("12").is_err());
    }
}
