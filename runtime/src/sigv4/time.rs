//! The `YYYYMMDDTHHMMSSZ` timestamp SigV4 signs, formatted without allocating.

use std::time::{SystemTime, UNIX_EPOCH};

use super::SigningError;

/// `X-Amz-Date` value (`20150830T123600Z`); the first 8 bytes are the scope date.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate([u8; 16]);

impl AmzDate {
    /// Formats `time` in UTC; times before 1970 or after 9999 cannot be signed.
    pub(crate) fn new(time: SystemTime) -> Result<Self, SigningError> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| SigningError::TimeOutOfRange)?
            .as_secs();
        let days = i64::try_from(secs / 86_400).map_err(|_| SigningError::TimeOutOfRange)?;
        let rem = secs % 86_400;
        let (year, month, day) = crate::datetime::civil_from_days(days);
        // Days are non-negative, so the year is at least 1970.
        let year = u64::try_from(year).map_err(|_| SigningError::TimeOutOfRange)?;
        if year > 9999 {
            return Err(SigningError::TimeOutOfRange);
        }
        let mut out = *b"00000000T000000Z";
        put_digits(&mut out[0..4], year);
        put_digits(&mut out[4..6], u64::from(month));
        put_digits(&mut out[6..8], u64::from(day));
        put_digits(&mut out[9..11], rem / 3600);
        put_digits(&mut out[11..13], rem % 3600 / 60);
        put_digits(&mut out[13..15], rem % 60);
        Ok(AmzDate(out))
    }

    /// The full `YYYYMMDDTHHMMSSZ` stamp.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever written.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The `YYYYMMDD` part used in the credential scope.
    pub(crate) fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or("")
    }
}

/// Writes `value` as zero-padded decimal filling `out` (most significant digit first).
fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        AmzDate::new(UNIX_EPOCH + Duration::from_secs(secs))
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(1_440_938_160), "20150830T123600Z");
        assert_eq!(at(1_704_164_645), "20240102T030405Z");
        // Leap day and the last second of a leap year.
        assert_eq!(at(951_782_400), "20000229T000000Z");
        assert_eq!(at(1_609_459_199), "20201231T235959Z");
        assert_eq!(at(253_402_300_799), "99991231T235959Z");
    }

    #[test]
    fn rejects_out_of_range_times() {
        assert_eq!(
            AmzDate::new(UNIX_EPOCH - Duration::from_secs(1)).err(),
            Some(SigningError::TimeOutOfRange)
        );
        assert_eq!(
            AmzDate::new(UNIX_EPOCH + Duration::from_secs(253_402_300_800)).err(),
            Some(SigningError::TimeOutOfRange)
        );
    }

    #[test]
    fn scope_date_is_the_first_eight_characters() {
        let d = AmzDate::new(UNIX_EPOCH + Duration::from_secs(1_440_938_160));
        assert_eq!(
            d.map(|d| d.date().to_owned()).ok().as_deref(),
            Some("20150830")
        );
    }
}
